// Random loss on every link against the real daemons (issue 15: "0 evictions of a
// live node and 0 VIP moves in 10 minutes at 10 % loss on every link"). The
// failover benchmark's workload (bench/workload.ts: a VIP monitored every 2 s and a
// dummy, stickiness 100) on a namespace cluster; then N % random loss on every
// switch port (TestNet.setLoss: an nftables `numgen random mod 100 < N drop` on the
// egress of every port, so each packet to each node is dropped with N %) for S
// seconds; then no loss and a settle (one quorate settled view, one VIP holder, then
// --settle-seconds more). bench/membership.ts measures the bare membership layer
// under the same loss; this one adds resources, the DC, replication and the guard.
//
//   node --import tsx bench/loss.ts [--loss 10[,20]] [--loss-seconds 600] [--nodes 3] [--settle-seconds 10] [--base /work/wt-base] [--keep-logs DIR]
//
// --base DIR runs the same against the built checkout DIR first (its dist/lab
// harness runs its bin/run.js), then this checkout, each on a fresh cluster.
//
// Counted from the loss's start to the settle's end:
// - the VIP's holders, from one `ip monitor address all-nsid` in the switch
//   (AddressWatch.observe, kernel timestamps): moves (the VIP appearing on a node
//   other than the last holder), intervals with two or more holders (a safety
//   violation: must be 0), intervals with no holder and their durations;
// - from the daemons' logs (`view` lines): distinct agreed views, agreed views that
//   left out a live node (evictions: nothing is killed here, so every node is live),
//   views without quorum, gathering episodes (non-usable view lines, per node) and
//   their causes (`quorum-change` reason: `paused` is the daemon's own event loop
//   late by more than two heartbeats, not loss);
//   `no-quorum-stop`, `guard-tripped`, `transition` (all, and those naming the VIP),
//   `dc-ready` and `action-failed` lines.
// The JSON also lists these events with their time (`events`, seconds after the
// loss began) and the host's own stalls: this process's 50 ms timer firing more
// than 80 ms late (`host_stalls`; 80 ms is the membership's pause threshold at the
// default 40 ms heartbeat), which tells a loaded machine's pause of every
// daemon at once from loss. --keep-logs DIR writes every daemon's log lines there
// (DIR/<run>-n<N>.log, each line prefixed with the ms it was received).
// Prints one JSON object, then a table. Measures; never asserts. Needs root,
// iproute2 and nftables.
import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {AddressWatch, type AddressEvent} from '../src/lab/address-watch.js'
import {holderTimeline, intervalsWhere} from '../src/lab/chaos/analysis.js'
import type {TestCluster} from '../test/lib/cluster.js'
import {HERE, loadAverage, logFields, startWorkload, VIP} from './workload.js'

function usage(message: string): never {
  process.stderr.write(`bench/loss: ${message}\n`)
  process.exit(2)
}

let values: Record<string, string | undefined>
try {
  values = parseArgs({options: {loss: {type: 'string'}, 'loss-seconds': {type: 'string'}, nodes: {type: 'string'}, 'settle-seconds': {type: 'string'}, base: {type: 'string'}, 'keep-logs': {type: 'string'}}}).values
} catch (error) {
  usage((error as Error).message)
}
const lossPercents = (values.loss ?? process.env.LOSS ?? '10').split(',').map((p) => Number(p))
if (lossPercents.some((p) => !Number.isInteger(p) || p < 0 || p > 99)) usage(`--loss takes integer percents 0..99 separated by commas, got ${JSON.stringify(values.loss)}`)
const lossSeconds = Number(values['loss-seconds'] ?? process.env.LOSS_SECONDS ?? 600)
if (!(lossSeconds > 0)) usage(`--loss-seconds must be a positive number, got ${JSON.stringify(values['loss-seconds'])}`)
const settleSeconds = Number(values['settle-seconds'] ?? 10)
if (!(settleSeconds >= 0)) usage(`--settle-seconds must be a number >= 0, got ${JSON.stringify(values['settle-seconds'])}`)
const nodes = Number(values.nodes ?? 3)
if (!Number.isInteger(nodes) || nodes < 3 || nodes > 16) usage(`--nodes must be an integer 3..16, got ${JSON.stringify(values.nodes)}`)
const base = values.base ?? process.env.BASE
if (base !== undefined && !existsSync(join(resolve(base), 'dist', 'lab', 'lab-cluster.js'))) usage(`--base ${JSON.stringify(base)} is not a built checkout (no dist/lab/lab-cluster.js)`)

const keepLogs = values['keep-logs']

const all = Array.from({length: nodes}, (_, i) => i + 1)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// ---- the daemons' log lines, followed from their stderr (the harness keeps only the last 5000) ----

interface Line {node: number, atMs: number, event: string, fields: Record<string, string>}

const INTERESTING = new Set(['view', 'quorum-change', 'no-quorum-stop', 'no-quorum-stop-done', 'guard-tripped', 'transition', 'dc-ready', 'action-failed', 'stopping-all-resources'])

function parseLine(node: number, atMs: number, raw: string): Line | undefined {
  // "<N>level event k=v k="v v" ..."
  const match = /^<\d>\w+ (\S+)(.*)$/.exec(raw)
  if (!match || !INTERESTING.has(match[1])) return undefined
  return {node, atMs, event: match[1], fields: logFields(match[2])}
}

function follow(cluster: TestCluster, raw: Map<number, string[]>): Line[] {
  const lines: Line[] = []
  for (const node of all) {
    let partial = ''
    const kept: string[] = []
    raw.set(node, kept)
    cluster.daemons.get(node)?.stderr?.on('data', (chunk: Buffer) => {
      const atMs = Date.now()
      const parts = (partial + chunk.toString()).split('\n')
      partial = parts.pop()!
      for (const text of parts) {
        if (keepLogs !== undefined) kept.push(`${atMs} ${text}`)
        const line = parseLine(node, atMs, text)
        if (line) lines.push(line)
      }
    })
  }
  return lines
}

/** This process's 50 ms timer firing more than 80 ms late: the machine paused everything, the daemons too. */
function stallProbe(): {stalls: Array<{atMs: number, lateMs: number}>, stop: () => void} {
  const stalls: Array<{atMs: number, lateMs: number}> = []
  let expected = performance.now() + 50
  const timer = setInterval(() => {
    const late = performance.now() - expected
    if (late > 80) stalls.push({atMs: Date.now(), lateMs: Math.round(late)})
    expected = performance.now() + 50
  }, 50)
  return {stalls, stop: () => clearInterval(timer)}
}

// ---- one loss period ----

interface Period {
  loss_percent: number
  loss_seconds: number
  settled: boolean
  /** From the loss's removal to one quorate settled view with one VIP holder. */
  settle_ms: number | null
  vip_moves: number
  vip_address_events: number
  two_holder_intervals: Array<{at_s: number, duration_ms: number, nodes: number[]}>
  no_holder_intervals: Array<{at_s: number, duration_ms: number}>
  no_holder_total_ms: number
  views_agreed: number
  evictions: number
  eviction_views: Array<{view: string, members: string, seen_by: string, at_s: number}>
  views_without_quorum: number
  gathering_episodes: number
  gathering_reasons: Record<string, number>
  no_quorum_stops: number
  guard_trips: number
  transitions: number
  transitions_with_vip: number
  dc_ready: number
  failed_actions: number
  host_stalls: Array<{at_s: number, late_ms: number}>
  events: Array<{at_s: number, node: string, event: string, detail: string}>
  load_average: {before: string, after: string}
}

async function lossPeriod(cluster: TestCluster, watch: AddressWatch, lines: Line[], percent: number): Promise<Period> {
  const loadBefore = await loadAverage()
  const holdersAtStart = [...watch.holding]
  const probe = stallProbe()
  const fromMs = Date.now()
  await cluster.net.setLoss(percent)
  await sleep(lossSeconds * 1000)
  await cluster.net.setLoss(0)
  const healMs = Date.now()
  let settled = true
  try {
    await cluster.waitQuorate(all, 60_000)
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'one VIP holder')
  } catch {
    settled = false
  }
  const settleMs = settled ? Date.now() - healMs : null
  await sleep(settleSeconds * 1000)
  const toMs = Date.now()
  probe.stop()
  const loadAfter = await loadAverage()

  const events: AddressEvent[] = watch.events.filter((e) => e.atMs >= fromMs && e.atMs <= toMs).sort((a, b) => a.atMs - b.atMs)
  const timeline = holderTimeline(holdersAtStart, events, fromMs)
  let last = holdersAtStart[0]
  let moves = 0
  for (const entry of timeline) {
    if (entry.holders.length === 0 || (last !== undefined && entry.holders.includes(last))) continue
    if (last !== undefined) moves++
    last = entry.holders[0]
  }
  const at = (ms: number) => Math.round((ms - fromMs) / 100) / 10
  const two = intervalsWhere(timeline, toMs, (h) => h.length >= 2).map((i) => ({at_s: at(i.startMs), duration_ms: Math.round(i.endMs - i.startMs), nodes: i.holders}))
  const none = intervalsWhere(timeline, toMs, (h) => h.length === 0).map((i) => ({at_s: at(i.startMs), duration_ms: Math.round(i.endMs - i.startMs)}))

  const within = lines.filter((l) => l.atMs >= fromMs && l.atMs <= toMs)
  const count = (event: string, test: (l: Line) => boolean = () => true) => within.filter((l) => l.event === event && test(l)).length
  const usable = within.filter((l) => l.event === 'view' && l.fields.phase === 'usable')
  const key = (l: Line) => `${l.fields.view}:${l.fields.members}`
  const agreed = new Set(usable.map(key))
  const memberCount = (l: Line) => (l.fields.members ?? '').split(',').filter(Boolean).length
  const evicted = new Map<string, Line>()
  for (const l of usable) if (memberCount(l) < nodes && !evicted.has(key(l))) evicted.set(key(l), l)
  return {
    loss_percent: percent,
    loss_seconds: lossSeconds,
    settled,
    settle_ms: settleMs,
    vip_moves: moves,
    vip_address_events: events.length,
    two_holder_intervals: two,
    no_holder_intervals: none,
    no_holder_total_ms: none.reduce((sum, i) => sum + i.duration_ms, 0),
    views_agreed: agreed.size,
    evictions: evicted.size,
    eviction_views: [...evicted.values()].map((l) => ({view: l.fields.view, members: l.fields.members, seen_by: `n${l.node}`, at_s: at(l.atMs)})),
    views_without_quorum: new Set(usable.filter((l) => l.fields.quorate !== 'true').map(key)).size,
    gathering_episodes: count('view', (l) => l.fields.phase !== 'usable'),
    gathering_reasons: reasons(within),
    no_quorum_stops: count('no-quorum-stop'),
    guard_trips: count('guard-tripped'),
    transitions: count('transition'),
    transitions_with_vip: count('transition', (l) => /\bvip\b/.test(l.fields.summary ?? '')),
    dc_ready: count('dc-ready'),
    failed_actions: count('action-failed'),
    host_stalls: probe.stalls.map((x) => ({at_s: at(x.atMs), late_ms: x.lateMs})),
    events: within.filter((l) => notable(l, nodes)).map((l) => ({at_s: at(l.atMs), node: `n${l.node}`, event: l.event, detail: detail(l)})),
    load_average: {before: loadBefore, after: loadAfter},
  }
}

/** Causes of leaving a usable view: the `quorum-change` lines of a non-usable phase, by reason. */
function reasons(lines: Line[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const l of lines) if (l.event === 'quorum-change' && l.fields.phase !== 'usable') out[l.fields.reason ?? '?'] = (out[l.fields.reason ?? '?'] ?? 0) + 1
  return out
}

/** The lines worth a time in the JSON: everything counted except the agreed full views and gatherings. */
function notable(l: Line, count: number): boolean {
  if (l.event === 'quorum-change') return false
  if (l.event !== 'view') return true
  return l.fields.phase === 'usable' && ((l.fields.members ?? '').split(',').filter(Boolean).length < count || l.fields.quorate !== 'true')
}

function detail(l: Line): string {
  const f = l.fields
  switch (l.event) {
    case 'view': return `view ${f.view} members ${f.members} quorate ${f.quorate}`
    case 'guard-tripped': return `cause ${f.cause} addresses ${f.addresses ?? ''} ${f.duration_ms ?? ''} ms`
    case 'transition': return f.summary ?? ''
    case 'no-quorum-stop': return `view ${f.view} majority_reachable ${f.majority_reachable}`
    case 'action-failed': return Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ')
    default: return f.view !== undefined ? `view ${f.view}` : ''
  }
}

async function measure(root: string | undefined, label: string): Promise<{checkout: string, periods: Period[]}> {
  const cluster = await startWorkload({HACTL_LOG_LEVEL: 'info'}, root, nodes)
  let watch: AddressWatch | undefined
  try {
    const raw = new Map<number, string[]>()
    const lines = follow(cluster, raw)
    watch = await AddressWatch.observe(cluster.net.sw, new Map(all.map((n) => [n, cluster.net.ns(n)])), VIP)
    const periods: Period[] = []
    for (const percent of lossPercents) periods.push(await lossPeriod(cluster, watch, lines, percent))
    if (keepLogs !== undefined) {
      await mkdir(keepLogs, {recursive: true})
      for (const [node, kept] of raw) await writeFile(join(keepLogs, `${label}-n${node}.log`), `${kept.join('\n')}\n`)
    }
    return {checkout: root ?? HERE, periods}
  } finally {
    watch?.stop()
    await cluster.destroy()
  }
}

const runs: Array<{label: string, figures: Awaited<ReturnType<typeof measure>>}> = []
if (base) runs.push({label: 'base', figures: await measure(base, 'base')})
runs.push({label: 'this', figures: await measure(undefined, 'this')})

const result = {
  benchmark: 'loss',
  settings: {nodes, loss_percents: lossPercents, loss_seconds: lossSeconds, settle_seconds: settleSeconds, workload: 'vip (monitor 2s) + dummy (monitor 10s), stickiness 100', loss: 'nftables numgen random drop on the egress of every switch port', defaults: 'cluster setup defaults, no fencing'},
  targets: {evictions: 0, vip_moves: 0, two_holder_intervals: 0, at: '10 % for 600 s'},
  runs: Object.fromEntries(runs.map((r) => [r.label, r.figures])),
}
console.log(JSON.stringify(result))

const rows: Array<[string, (p: Period) => string, string]> = [
  ['VIP moves', (p) => String(p.vip_moves), '0'],
  ['two-holder intervals', (p) => String(p.two_holder_intervals.length), '0 (safety)'],
  ['no-holder intervals (total / max ms)', (p) => `${p.no_holder_intervals.length} (${p.no_holder_total_ms}/${Math.max(0, ...p.no_holder_intervals.map((i) => i.duration_ms))})`, ''],
  ['agreed views', (p) => String(p.views_agreed), ''],
  ['evictions of a live node', (p) => String(p.evictions), '0'],
  ['views without quorum', (p) => String(p.views_without_quorum), ''],
  ['gathering episodes (all nodes)', (p) => String(p.gathering_episodes), ''],
  ['  of which after a daemon pause', (p) => String(p.gathering_reasons.paused ?? 0), ''],
  ['no-quorum stops', (p) => String(p.no_quorum_stops), ''],
  ['guard trips', (p) => String(p.guard_trips), ''],
  ['transitions planned (with VIP)', (p) => `${p.transitions} (${p.transitions_with_vip})`, ''],
  ['DC ready (new DC or view)', (p) => String(p.dc_ready), ''],
  ['failed actions', (p) => String(p.failed_actions), ''],
  ['host stalls > 80 ms (this process)', (p) => String(p.host_stalls.length), ''],
  ['settled after heal (ms)', (p) => p.settled ? String(p.settle_ms) : 'NOT SETTLED', ''],
]
for (const [i, percent] of lossPercents.entries()) {
  console.log(`\n${`${percent} % loss on every link for ${lossSeconds} s, ${nodes} nodes`.padEnd(44)}${runs.map((r) => r.label.padStart(16)).join('')}   target`)
  for (const [name, pick, target] of rows) console.log(`  ${name.padEnd(42)}${runs.map((r) => pick(r.figures.periods[i]).padStart(16)).join('')}   ${target}`)
  for (const r of runs) console.log(`  ${r.label}: load average ${r.figures.periods[i].load_average.before} -> ${r.figures.periods[i].load_average.after}`)
}
for (const r of runs) console.log(`${r.label}: ${r.figures.checkout}`)
