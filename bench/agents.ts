// Agent latency: start/stop/monitor of ocf:hactl:vip (in a network namespace,
// with a peer namespace capturing the gratuitous ARP) and ocf:hactl:dummy, median
// of RUNS (default 50), and the executor's overhead against running the same
// script directly with execa. Prints one JSON object, then a table.
// Needs root, iproute2, iputils-arping, tcpdump. Run: npm run bench:agents
import {execa, type ResultPromise} from 'execa'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Executor, type ActionRequest} from '../src/agents/index.js'

const RUNS = Number(process.env.RUNS ?? 50)
const AGENTS = fileURLToPath(new URL('../resource-agents/ocf/hactl/', import.meta.url))
const run = randomBytes(3).toString('hex')
const nsA = `hactl-${run}-ba`
const nsB = `hactl-${run}-bb`
const VIP = '10.213.60.100'

interface Stats {median_ms: number, p90_ms: number, min_ms: number}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100
  return {median_ms: at(0.5), p90_ms: at(0.9), min_ms: at(0)}
}

const now = (): number => performance.timeOrigin + performance.now()

async function ip(...args: string[]): Promise<void> {
  await execa('ip', args)
}

async function setup(): Promise<void> {
  await ip('netns', 'add', nsA)
  await ip('netns', 'add', nsB)
  await ip('link', 'add', 'eth0', 'netns', nsA, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nsB)
  await ip('-n', nsA, 'addr', 'add', '10.213.60.1/24', 'dev', 'eth0')
  await ip('-n', nsB, 'addr', 'add', '10.213.60.2/24', 'dev', 'eth0')
  await ip('-n', nsA, 'link', 'set', 'eth0', 'up')
  await ip('-n', nsB, 'link', 'set', 'eth0', 'up')
}

async function teardown(): Promise<void> {
  for (const ns of [nsA, nsB]) await execa('ip', ['netns', 'del', ns], {reject: false})
}

/** Epoch-ms timestamps of gratuitous ARPs for VIP seen in namespace B. */
function captureArps(): {arps: number[], proc: ResultPromise, ready: Promise<void>} {
  const arps: number[] = []
  const proc = execa('ip', ['netns', 'exec', nsB, 'tcpdump', '-l', '-n', '-tt', '-i', 'eth0', 'arp'], {reject: false, buffer: false})
  let pending = ''
  proc.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) if (line.includes(VIP)) arps.push(Number(line.split(' ')[0]) * 1000)
  })
  const ready = new Promise<void>((resolve) => proc.stderr!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve()))
  return {arps, proc, ready}
}

/** The vip loop, run by a copy of this script inside namespace A (as the daemon runs on its host: no wrapper). */
async function insideNetns(): Promise<void> {
  const executor = new Executor({env: {HA_RSCTMP: process.env.BENCH_RSCTMP!}})
  const params = {ip: VIP, cidr_netmask: '24', nic: 'eth0'}
  const request = (action: string): ActionRequest => ({resource: 'vip', agent: 'ocf:hactl:vip', action, params, timeoutMs: 20_000})
  const samples: Array<{t0: number, start: number, monitor: number, stop: number}> = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = now()
    const r = await executor.run(request('start'))
    const start = now() - t0
    if (r.ocfCode !== 0) throw new Error(`vip start failed: ${r.reason} ${r.stderr}`)
    let t = now()
    await executor.run(request('monitor'))
    const monitor = now() - t
    t = now()
    const s = await executor.run(request('stop'))
    if (s.ocfCode !== 0) throw new Error(`vip stop failed: ${s.reason}`)
    samples.push({t0, start, monitor, stop: now() - t})
    // Lets a last in-flight ARP of this round reach the peer before the next round starts.
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  process.stdout.write(JSON.stringify(samples))
}

async function main(): Promise<void> {
  const rsc = await mkdtemp(join(tmpdir(), `hactl-${run}-bench-`))
  const env = {HA_RSCTMP: rsc}
  await setup()
  const capture = captureArps()
  try {
    await capture.ready
    const request = (agent: string, action: string, params: Record<string, string>): ActionRequest => ({resource: agent, agent, action, params, timeoutMs: 20_000})
    const inner = await execa('ip', ['netns', 'exec', nsA, process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--inside-netns'], {env: {BENCH_RSCTMP: rsc, RUNS: String(RUNS)}})
    await new Promise((resolve) => setTimeout(resolve, 200))
    const rounds = JSON.parse(inner.stdout) as Array<{t0: number, start: number, monitor: number, stop: number}>
    const vip = {start: [] as number[], monitor: [] as number[], stop: [] as number[], arp: [] as number[], ready: [] as number[]}
    rounds.forEach((round, i) => {
      const end = rounds[i + 1]?.t0 ?? Infinity
      const arp = capture.arps.find((t) => t >= round.t0 && t < end)
      if (arp === undefined) throw new Error(`no gratuitous ARP seen in round ${i}`)
      vip.start.push(round.start)
      vip.monitor.push(round.monitor)
      vip.stop.push(round.stop)
      vip.arp.push(arp - round.t0)
      vip.ready.push(Math.max(round.start, arp - round.t0))
    })

    const dummy = {start: [] as number[], monitor: [] as number[], stop: [] as number[]}
    const local = new Executor({env})
    for (let i = 0; i < RUNS; i++) {
      for (const action of ['start', 'monitor', 'stop'] as const) {
        const t = now()
        await local.run(request('ocf:hactl:dummy', action, {}))
        dummy[action].push(now() - t)
      }
    }

    // Overhead: the same monitor through the executor and through execa directly, interleaved.
    const direct: number[] = []
    const viaExecutor: number[] = []
    const directEnv = {...env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'ocf:hactl:dummy', OCF_RESKEY_CRM_meta_timeout: '20000', OCF_RESKEY_CRM_meta_interval: '0'}
    await local.run(request('ocf:hactl:dummy', 'start', {}))
    for (let i = 0; i < RUNS; i++) {
      let t = now()
      await execa(join(AGENTS, 'dummy'), ['monitor'], {env: directEnv, extendEnv: false, reject: false})
      direct.push(now() - t)
      t = now()
      await local.run(request('ocf:hactl:dummy', 'monitor', {}))
      viaExecutor.push(now() - t)
    }
    await local.run(request('ocf:hactl:dummy', 'stop', {}))
    const shell: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t = now()
      await execa('/bin/sh', ['-c', ':'])
      shell.push(now() - t)
    }

    const overhead = Math.round((stats(viaExecutor).median_ms - stats(direct).median_ms) * 100) / 100
    const result = {
      benchmark: 'agents',
      runs: RUNS,
      node: process.version,
      settings: {vip: {ip: VIP, cidr_netmask: '24', nic: 'eth0', arp_count: 5, arp_interval_ms: 200, arp_bg: true, peer_capture: 'tcpdump -tt in the peer namespace'}},
      vip: {start: stats(vip.start), first_arp_at_peer: stats(vip.arp), start_and_first_arp: stats(vip.ready), monitor: stats(vip.monitor), stop: stats(vip.stop)},
      dummy: {start: stats(dummy.start), monitor: stats(dummy.monitor), stop: stats(dummy.stop)},
      overhead: {direct_execa: stats(direct), executor: stats(viaExecutor), executor_overhead_median_ms: overhead, empty_sh_spawn: stats(shell)},
      targets: {vip_start_and_first_arp_median_ms: 30, executor_overhead_ms: 5},
    }
    console.log(JSON.stringify(result))
    const rows: Array<[string, Stats]> = [
      ['vip start (returns)', result.vip.start], ['vip start + first ARP at peer', result.vip.start_and_first_arp],
      ['vip first ARP at peer', result.vip.first_arp_at_peer], ['vip monitor', result.vip.monitor], ['vip stop', result.vip.stop],
      ['dummy start', result.dummy.start], ['dummy monitor', result.dummy.monitor], ['dummy stop', result.dummy.stop],
      ['dummy monitor, execa directly', result.overhead.direct_execa], ['dummy monitor, executor', result.overhead.executor],
      ['(sh -c : via execa, for scale)', result.overhead.empty_sh_spawn],
    ]
    console.log(`\n${'operation'.padEnd(34)}${'median ms'.padStart(11)}${'p90 ms'.padStart(9)}${'min ms'.padStart(9)}`)
    for (const [name, st] of rows) console.log(`${name.padEnd(34)}${String(st.median_ms).padStart(11)}${String(st.p90_ms).padStart(9)}${String(st.min_ms).padStart(9)}`)
    console.log(`\nexecutor overhead (median difference): ${overhead} ms (target < 5 ms); vip start + first ARP: ${result.vip.start_and_first_arp.median_ms} ms (target < 30 ms)`)
  } finally {
    capture.proc.kill('SIGTERM')
    await capture.proc
    await teardown()
    await rm(rsc, {recursive: true, force: true})
  }
}

if (process.argv.includes('--inside-netns')) await insideNetns()
else await main()
