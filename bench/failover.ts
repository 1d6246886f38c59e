// Failover figures of a real 3-node cluster in network namespaces (design.md,
// "Benchmarks"): VIP failover after the holder's crash (kill -9 + link down ->
// address up on a survivor) with its phase breakdown from the survivors' logs,
// graceful move by standby over the socket, `hactl status` latency next to
// `node -e 0`, daemon RSS and idle CPU. Prints one JSON object, then a table.
// Needs root, iproute2 and nftables.
//
//   node --import tsx bench/failover.ts [--trials 20] [--base /work/wt-base] [--only crash,standby,idle,status]
//
// --base DIR measures the built checkout DIR too, in the same run (DIR first, then
// this checkout, each on a fresh cluster), so a change is compared under the same load.
//
// Phases (ms after the kill, medians over the trials): suspicion (a survivor's
// first non-usable view), view agreed (the first usable view without the victim),
// DC ready (`dc-ready`), transition planned (the first `transition` starting the VIP),
// dispatched (`dispatch` of the VIP's start), VIP up (`ip monitor` in the namespace).
// Daemons that log `t_ms` (their monotonic clock, which reads as epoch milliseconds)
// are timed by it; older ones by when their log line reached this process.
import {execa} from 'execa'
import {readFile} from 'node:fs/promises'
import {callDaemon} from '../src/client/client.js'
import {DEFAULT_TOTEM} from '../src/core/config/bootstrap.js'
import type {TestCluster} from '../test/lib/cluster.js'
import {HERE, loadAverage, logFields, option, startWorkload, VIP} from './workload.js'

const trials = Number(option('trials', 'TRIALS', '20'))
const base = option('base', 'BASE', undefined)
const only = new Set((option('only', undefined, 'crash,standby,idle,status') ?? '').split(','))

type Stats = {n: number, min_ms: number, median_ms: number, p99_ms: number, max_ms: number}

function stats(samples: number[]): Stats | null {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return null
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

// ---- the phase breakdown, from the survivors' log lines ----

interface Line {atMs: number, event: string, fields: Record<string, string>}

function parseLine(raw: string): Line | undefined {
  // "<receipt ms> <N>level event k=v k="v v" ..."
  const match = /^(\d+) <\d>\w+ (\S+)(.*)$/.exec(raw)
  if (!match) return undefined
  const fields = logFields(match[3])
  const t = Number(fields.t_ms)
  return {atMs: Number.isFinite(t) && t > 0 ? t : Number(match[1]), event: match[2], fields}
}

const PHASES = ['suspicion', 'view_agreed', 'dc_ready', 'transition_planned', 'dispatched', 'vip_up'] as const
type Phases = Partial<Record<typeof PHASES[number], number>>

function phasesOf(cluster: TestCluster, survivors: number[], victim: string, t0: number, vipUpMs: number): Phases {
  const lines = survivors.flatMap((n) => (cluster.logs.get(n) ?? []).map(parseLine).filter((l): l is Line => l !== undefined && l.atMs >= t0 - 5))
  const first = (test: (l: Line) => boolean) => {
    const times = lines.filter(test).map((l) => l.atMs)
    return times.length > 0 ? Math.min(...times) - t0 : undefined
  }
  const out: Phases = {
    suspicion: first((l) => l.event === 'view' && l.fields.phase !== 'usable'),
    view_agreed: first((l) => l.event === 'view' && l.fields.phase === 'usable' && (l.fields.left ?? '').split(',').includes(victim)),
    dc_ready: first((l) => l.event === 'dc-ready'),
    transition_planned: first((l) => l.event === 'transition' && /\bvip \(/.test(l.fields.summary ?? '')),
    dispatched: first((l) => l.event === 'dispatch' && /^vip_start/.test(l.fields.action ?? '')),
    vip_up: vipUpMs,
  }
  return out
}

async function crashTrial(cluster: TestCluster): Promise<{total: number, phases: Phases}> {
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
  // Lines still on their way through the pipes.
  await new Promise((resolve) => setTimeout(resolve, 300))
  const phases = phasesOf(cluster, survivors, cluster.name(victim), t0, t1 - t0)
  // The crashed host "reboots": its address is gone, its link is back, its daemon restarts.
  await cluster.net.exec(victim, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0'], {reject: false})
  await cluster.net.setLinkUp(victim, 0, true)
  cluster.start(victim)
  await cluster.waitQuorate([1, 2, 3], 30_000)
  return {total: t1 - t0, phases}
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

async function measure(root: string | undefined) {
  const cluster = await startWorkload({HACTL_LOG_LEVEL: 'info'}, root)
  try {
    const loadBefore = await loadAverage()
    const idle = only.has('idle') ? await Promise.all([1, 2, 3].map((n) => processFigures(cluster.daemons.get(n)!.pid!, 10_000))) : []
    const status = only.has('status') ? await commandTimes([`${root ?? HERE}/bin/run.js`, 'status', '--run-dir', cluster.runDir(1)], 20) : []
    const standby: number[] = []
    if (only.has('standby')) for (let i = 0; i < trials; i++) standby.push(await standbyTrial(cluster))
    const crash: Array<{total: number, phases: Phases}> = []
    if (only.has('crash')) for (let i = 0; i < trials; i++) crash.push(await crashTrial(cluster))
    const phases: Record<string, Stats | null> = {}
    for (const p of PHASES) phases[p] = stats(crash.map((c) => c.phases[p] ?? NaN))
    return {
      checkout: root ?? HERE,
      load_average: {before: loadBefore, after: await loadAverage()},
      crash_failover: stats(crash.map((c) => c.total)),
      crash_phases: phases,
      crash_trials: crash,
      standby_move: stats(standby),
      status_latency: stats(status),
      daemon: idle.length ? {rss_mb_max: Math.max(...idle.map((f) => f.rss_mb)), idle_cpu_percent_max: Math.max(...idle.map((f) => f.idle_cpu_percent)), per_node: idle} : null,
    }
  } finally {
    await cluster.destroy()
  }
}

const runs: Array<{label: string, figures: Awaited<ReturnType<typeof measure>>}> = []
if (base) runs.push({label: 'base', figures: await measure(base)})
runs.push({label: 'this', figures: await measure(undefined)})
const nodeStart = only.has('status') ? stats(await commandTimes(['-e', '0'], 20)) : null

const result = {benchmark: 'failover', settings: {nodes: 3, defaults: `heartbeat ${DEFAULT_TOTEM.heartbeat}, token ${DEFAULT_TOTEM.token}, consensus ${DEFAULT_TOTEM.consensus} ms, AES-256-GCM, no fencing`, trials}, node_e_0: nodeStart, runs: Object.fromEntries(runs.map((r) => [r.label, r.figures]))}
console.log(JSON.stringify(result))

const cell = (s: Stats | null | undefined) => s ? `${s.median_ms}/${s.p99_ms}` : '-'
const header = `${'figure (ms, median/p99)'.padEnd(34)}${runs.map((r) => r.label.padStart(14)).join('')}   target`
console.log(`\n${header}`)
const row = (name: string, pick: (f: typeof runs[number]['figures']) => Stats | null | undefined, target = '') =>
  console.log(`${name.padEnd(34)}${runs.map((r) => cell(pick(r.figures)).padStart(14)).join('')}   ${target}`)
row('VIP failover after kill -9', (f) => f.crash_failover, 'median <= 250, p99 <= 400')
for (const p of PHASES) row(`  ${p.replace('_', ' ')}`, (f) => f.crash_phases[p])
row('VIP move by standby', (f) => f.standby_move, 'median <= 50')
row('hactl status', (f) => f.status_latency, nodeStart ? `<= 2 x node -e 0 (${nodeStart.median_ms} ms median here)` : '')
for (const r of runs) {
  const d = r.figures.daemon
  console.log(`${r.label}: ${r.figures.checkout}; load average ${r.figures.load_average.before} -> ${r.figures.load_average.after}${d ? `; daemon RSS ${d.rss_mb_max} MB max, idle CPU ${d.idle_cpu_percent_max} % of a core max` : ''}`)
}
