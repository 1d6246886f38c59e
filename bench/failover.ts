// Failover figures of a real 3-node cluster in network namespaces (design.md,
// "Benchmarks"): VIP failover after the holder's crash (kill -9 + link down ->
// address up on a survivor), graceful move by standby, `hactl status` latency
// next to `node -e 0`, daemon RSS and idle CPU. Prints one JSON object, then a table.
// Needs root, iproute2 and nftables. TRIALS=20 by default.
import {execa} from 'execa'
import {readFile} from 'node:fs/promises'
import {callDaemon} from '../src/client/client.js'
import {BIN} from '../test/lib/cli.js'
import type {TestCluster} from '../test/lib/cluster.js'
import {startWorkload, VIP} from './workload.js'

const trials = Number(process.env.TRIALS ?? 20)

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)])
  return {n: s.length, min_ms: Math.round(s[0]), median_ms: q(0.5), p99_ms: q(0.99), max_ms: Math.round(s[s.length - 1])}
}

async function holder(cluster: TestCluster, except: number[] = []): Promise<number> {
  let found = 0
  await cluster.waitFor(async () => {
    const h = (await cluster.holders(VIP)).filter((n) => !except.includes(n))
    found = h.length === 1 ? h[0] : 0
    return found !== 0
  }, 30_000, 'one VIP holder')
  return found
}

async function crashTrial(cluster: TestCluster): Promise<number> {
  const victim = await holder(cluster)
  const survivors = [1, 2, 3].filter((n) => n !== victim)
  const watch = cluster.watchAddress(VIP, survivors)
  await watch.ready()
  const appeared = watch.next((e) => e.added)
  const t0 = Date.now()
  cluster.kill(victim, 'SIGKILL')
  await cluster.net.setLinkUp(victim, 0, false)
  const t1 = (await appeared).atMs
  watch.stop()
  // The crashed host "reboots": its address is gone, its link is back, its daemon restarts.
  await cluster.net.exec(victim, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0'], {reject: false})
  await cluster.net.setLinkUp(victim, 0, true)
  cluster.start(victim)
  await cluster.waitQuorate([1, 2, 3], 30_000)
  return t1 - t0
}

async function standbyTrial(cluster: TestCluster): Promise<number> {
  const from = await holder(cluster)
  const others = [1, 2, 3].filter((n) => n !== from)
  const watch = cluster.watchAddress(VIP, others)
  await watch.ready()
  const appeared = watch.next((e) => e.added)
  const t0 = Date.now()
  await callDaemon(cluster.runDir(others[0]), 'config.edit', {edit: {op: 'node.set', name: `n${from}`, standby: true}})
  const t1 = (await appeared).atMs
  watch.stop()
  await callDaemon(cluster.runDir(others[0]), 'config.edit', {edit: {op: 'node.set', name: `n${from}`, standby: false}})
  await cluster.waitQuorate([1, 2, 3], 30_000)
  return t1 - t0
}

async function commandTimes(argv: string[], runs: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await execa(process.execPath, argv, {reject: false})
    out.push(performance.now() - t0)
  }
  return out
}

async function processFigures(pid: number, idleMs: number): Promise<{rss_mb: number, idle_cpu_percent: number}> {
  const ticks = async () => {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
    return Number(fields[11]) + Number(fields[12])
  }
  const before = await ticks()
  await new Promise((resolve) => setTimeout(resolve, idleMs))
  const after = await ticks()
  const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
  const hz = 100
  return {rss_mb: Math.round(rss * 10) / 10, idle_cpu_percent: Math.round(((after - before) / hz) / (idleMs / 1000) * 1000) / 10}
}

const cluster = await startWorkload({HACTL_LOG_LEVEL: 'notice'})
try {

  const idle = await Promise.all([1, 2, 3].map((n) => processFigures(cluster.daemons.get(n)!.pid!, 10_000)))
  const nodeStart = await commandTimes(['-e', '0'], 20)
  const status = await commandTimes([BIN, 'status', '--run-dir', cluster.runDir(1)], 20)
  const standby: number[] = []
  for (let i = 0; i < trials; i++) standby.push(await standbyTrial(cluster))
  const crash: number[] = []
  for (let i = 0; i < trials; i++) crash.push(await crashTrial(cluster))

  const config = JSON.parse(await readFile(`${cluster.configDir(1)}/cluster.json`, 'utf8'))
  const result = {
    benchmark: 'failover',
    settings: {nodes: 3, transport: config.transport, crypto: config.crypto, totem: config.totem, trials},
    crash_failover: stats(crash),
    standby_move: stats(standby),
    status_latency: stats(status),
    node_e_0: stats(nodeStart),
    daemon: {rss_mb_max: Math.max(...idle.map((f) => f.rss_mb)), idle_cpu_percent_max: Math.max(...idle.map((f) => f.idle_cpu_percent)), per_node: idle},
  }
  console.log(JSON.stringify(result))
  const row = (name: string, s: ReturnType<typeof stats>, target: string) =>
    console.log(`${name.padEnd(34)}${String(s.min_ms).padStart(8)}${String(s.median_ms).padStart(9)}${String(s.p99_ms).padStart(8)}   ${target}`)
  console.log(`\n${'figure (ms)'.padEnd(34)}${'min'.padStart(8)}${'median'.padStart(9)}${'p99'.padStart(8)}   target`)
  row('VIP failover after kill -9', result.crash_failover, 'median <= 500, p99 <= 800')
  row('VIP move by standby', result.standby_move, 'median <= 100')
  row('hactl status', result.status_latency, `<= 2 x node -e 0 (${result.node_e_0.median_ms} ms median here)`)
  row('node -e 0', result.node_e_0, '')
  console.log(`daemon RSS ${result.daemon.rss_mb_max} MB max (target <= 80), idle CPU ${result.daemon.idle_cpu_percent_max} % of a core max (target <= 0.5)`)
} finally {
  await cluster.destroy()
}
