// The active-active balancer on a real 3-node cluster in network namespaces:
//  - latency per HTTP request (fresh TCP connection each) from a client host
//    through the VIP (nftables DNAT + masquerade on the balancer's node) versus
//    straight to the same backends, interleaved in the same run;
//  - time from a backend failure to its removal from the balancer's table:
//    SIGSTOP of the server (only the HTTP health check can notice: the process
//    lives, and the kernel still accepts its TCP connections, so a tcp check would not)
//    and SIGKILL (the health check or the agent's monitor, whichever first), and
//    for SIGSTOP the time back after SIGCONT (rise).
// Prints one JSON object, then a table. Needs root, iproute2 and nftables.
// ROUNDS=3 (each 300 requests through the VIP and 300 direct, alternating), TRIALS=5.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {installLabAgents} from '../src/lab/httpd-agent.js'
import {TestCluster} from '../test/lib/cluster.js'

const rounds = Number(process.env.ROUNDS ?? 3)
const trials = Number(process.env.TRIALS ?? 5)
const VIP = '10.213.0.100'
const VIP_PLAIN = '10.213.0.101'
const CLIENT = 4
const CLIENT_JS = fileURLToPath(new URL('../dist/lab/http-client.js', import.meta.url))
const CHECK = {interval_ms: 200, timeout_ms: 200, rise: 2, fall: 2}
const MONITOR_INTERVAL = '1s'

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! * 1000) / 1000
  return {n: s.length, min_ms: q(0), median_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: q(1)}
}

async function main(): Promise<void> {
  const agents = await mkdtemp(join(tmpdir(), 'hactl-bench-agents-'))
  const cluster = await TestCluster.create({nodes: 3, hosts: 4, env: {HACTL_LOG_LEVEL: 'warning', HACTL_OCF_ROOT: await installLabAgents(agents)}})
  try {
    await cluster.startAll()
    await cluster.waitQuorate()
    const names = [1, 2, 3].map((n) => `n${n}=${cluster.net.addr(n)}`).join(',')
    for (const args of [
      ['property', 'set', 'resource-stickiness=100'],
      ['resource', 'add', 'agent', 'web', 'ocf:lab:httpd', 'port=8080', `names=${names}`, '--op', `monitor interval=${MONITOR_INTERVAL} timeout=5s`, '--disabled', '--force'],
      ['resource', 'clone', 'web'],
      ['resource', 'enable', 'web'],
      ['resource', 'add', 'balancer', 'lb', '--vip', `${VIP}/24`, '--port', '80', '--to', 'web-clone', '--target-port', '8080', '--check', 'http:/health',
        '--check-interval', String(CHECK.interval_ms), '--check-timeout', String(CHECK.timeout_ms), '--rise', String(CHECK.rise), '--fall', String(CHECK.fall)],
      // A second balancer without health checks, on the same node: its set changes only through the DC.
      ['resource', 'add', 'balancer', 'plain', '--vip', `${VIP_PLAIN}/24`, '--port', '80', '--to', 'web-clone', '--target-port', '8080'],
      ['constraint', 'colocation', 'add', 'plain-group', 'with', 'lb-group', 'INFINITY'],
    ]) {
      const r = await cluster.cli(1, args)
      if (r.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${r.stderr}`)
    }
    const requests = async (url: string, count: number) => String((await cluster.net.exec(CLIENT, [process.execPath, CLIENT_JS, url, '--count', String(count)])).stdout)
      .split('\n').filter(Boolean).map((l) => JSON.parse(l) as {ok: boolean, ms: number, who?: string})
    await cluster.waitFor(async () => new Set((await requests(`http://${VIP}/`, 9)).filter((a) => a.ok).map((a) => a.who)).size === 3, 30_000, 'three backends')
    let lbHost = 0
    await cluster.waitFor(async () => {
      const h = await cluster.holders(VIP)
      lbHost = h.length === 1 ? h[0]! : 0
      return lbHost !== 0
    }, 30_000, 'the VIP held')

    // 1. Latency, interleaved request by request: VIP, n1 direct, VIP, n2 direct, VIP, n3 direct, ...
    const through: number[] = []
    const direct: number[] = []
    let failures = 0
    const urls = [1, 2, 3].flatMap((n) => [`http://${VIP}/`, `http://${cluster.net.addr(n)}:8080/`])
    for (let round = 0; round < rounds; round++) {
      const out = String((await cluster.net.exec(CLIENT, [process.execPath, CLIENT_JS, ...urls, '--count', '600'])).stdout)
        .split('\n').filter(Boolean).map((l) => JSON.parse(l) as {ok: boolean, ms: number, u: number})
      for (const a of out) {
        if (!a.ok) failures++
        else if (a.u % 2 === 0) through.push(a.ms)
        else direct.push(a.ms)
      }
    }
    const throughStats = stats(through)
    const directStats = stats(direct)

    // 2. Backend failure -> removal from the balancer's table.
    const table = async (name = 'lb') => String((await cluster.net.exec(lbHost, ['nft', 'list', 'table', 'ip', `hactl_lb_${name}`], {reject: false})).stdout)
    const waitTable = async (want: (text: string) => boolean, since: number, name = 'lb'): Promise<number> => {
      const deadline = Date.now() + 30_000
      for (;;) {
        if (want(await table(name))) return Date.now() - since
        if (Date.now() > deadline) throw new Error('the balancer\'s table did not change within 30 s')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    const httpdPid = async (node: number): Promise<number> => {
      for (const pid of await cluster.net.pids(node)) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('httpd.js')) return pid
      return 0
    }
    // A backend in the DNAT map: "0 : 10.213.0.2, 1 : 10.213.0.3 }".
    const has = (t: string, addr: string) => new RegExp(`: ${addr.replaceAll('.', '\\.')}[, ]`).test(t)
    const victims = [1, 2, 3].filter((n) => n !== lbHost)
    const stopRemoval: number[] = []
    const stopBack: number[] = []
    const killRemoval: number[] = []
    const killBack: number[] = []
    const killRemovalByDc: number[] = []
    await cluster.waitFor(async () => (await cluster.holders(VIP_PLAIN)).includes(lbHost), 30_000, 'the second balancer on the same node')
    for (let i = 0; i < trials; i++) {
      const victim = victims[i % victims.length]!
      const addr = cluster.net.addr(victim)
      await waitTable((t) => has(t, addr), Date.now())
      let pid = await httpdPid(victim)
      let t0 = Date.now()
      process.kill(pid, 'SIGSTOP')
      stopRemoval.push(await waitTable((t) => !has(t, addr), t0))
      t0 = Date.now()
      process.kill(pid, 'SIGCONT')
      stopBack.push(await waitTable((t) => has(t, addr), t0))
      pid = await httpdPid(victim)
      t0 = Date.now()
      process.kill(pid, 'SIGKILL')
      const [byCheck, byDc] = await Promise.all([waitTable((t) => !has(t, addr), t0), waitTable((t) => !has(t, addr), t0, 'plain')])
      killRemoval.push(byCheck)
      killRemovalByDc.push(byDc)
      killBack.push(await waitTable((t) => has(t, addr), t0))
      await waitTable((t) => has(t, addr), t0, 'plain')
    }

    const result = {
      benchmark: 'balancer',
      settings: {rounds, trials, requests_per_round: {through_vip: 300, direct: 300, order: 'alternating request by request'}, connection: 'new TCP connection per request (HTTP/1.1, connection: close)',
        method: 'rr', check: {kind: 'http:/health', ...CHECK}, monitor_interval: MONITOR_INTERVAL, token: 'default', host: 'network namespaces on one machine, veth + bridge'},
      latency: {through_vip: throughStats, direct: directStats, added_median_ms: Math.round((throughStats.median_ms - directStats.median_ms) * 1000) / 1000,
        added_p90_ms: Math.round((throughStats.p90_ms - directStats.p90_ms) * 1000) / 1000, failed_requests: failures},
      removal: {
        sigstop_to_removed: stats(stopRemoval), sigcont_to_back: stats(stopBack),
        sigkill_to_removed: stats(killRemoval), sigkill_to_removed_by_dc_only: stats(killRemovalByDc), sigkill_to_back_after_restart: stats(killBack),
      },
    }
    console.log(JSON.stringify(result, null, 2))
    const row = (name: string, s: ReturnType<typeof stats>) => `${name.padEnd(48)} ${String(s.n).padStart(4)} ${String(s.median_ms).padStart(9)} ${String(s.p90_ms).padStart(9)} ${String(s.max_ms).padStart(9)}`
    console.log(`\n${'measure'.padEnd(48)} ${'n'.padStart(4)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'max'.padStart(9)}  (ms)`)
    console.log(row('request through the VIP (DNAT)', throughStats))
    console.log(row('request straight to a backend', directStats))
    console.log(row('SIGSTOP -> out of the table (health check)', result.removal.sigstop_to_removed))
    console.log(row('SIGCONT -> back in the table (rise)', result.removal.sigcont_to_back))
    console.log(row('SIGKILL -> out of the table', result.removal.sigkill_to_removed))
    console.log(row('SIGKILL -> out, no check (monitor -> DC reload)', result.removal.sigkill_to_removed_by_dc_only))
    console.log(row('SIGKILL -> back (DC restarted it)', result.removal.sigkill_to_back_after_restart))
    console.log(`added latency: median ${result.latency.added_median_ms} ms, p90 ${result.latency.added_p90_ms} ms; ${failures} failed requests`)
  } finally {
    await cluster.destroy()
    await rm(agents, {recursive: true, force: true})
  }
}

await main()
