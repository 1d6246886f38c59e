// The membership's heartbeat path in isolation: what one daemon's JavaScript
// costs per heartbeat it receives and per timer wake-up (its own heartbeat),
// measured on a loaded machine without the noise of a whole cluster.
//
// N MembershipService instances (3 by default: the idle benchmark's topology) run
// in this process on a virtual clock: performance.now, setTimeout and
// clearTimeout are replaced by a discrete-event loop, and each service's UDP
// transport by a queue that hands every datagram to the other services 0.15 ms
// later. Everything else is the daemon's code as built in ROOT/dist: the machine,
// the wire layer (AES-256-GCM seal/open with real IVs), the service's arming of its
// timer and the resource guard's feed decision (GuardLink.feed, writing to a
// counting stub instead of the Unix socket). Not included: the syscalls (sendmsg,
// recvmsg, the guard's write), libuv and the cost of a real Node timer.
//
// Each run advances the cluster by --seconds virtual seconds after a warm-up,
// timing every call into a service with process.hrtime (µs per event), and the
// process's CPU time (process.cpuUsage) over the run (ms per second of cluster
// time per node = the path's share of a core, /10 in %). --base DIR measures
// DIR's build too, runs alternating, in the same process.
//   node --import tsx bench/heartbeat-path.ts [--seconds 60] [--runs 7] [--nodes 3] [--base DIR]
// Run `npm run build` first (both checkouts' dist/ are measured).
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'
import {getHeapStatistics} from 'node:v8'
import {MinHeap} from '../src/core/min-heap.js'
import {HERE, loadAverage, option} from './workload.js'

// --alloc: bytes allocated per event instead of time (a young generation large enough that
// no scavenge runs within an event; heap-used deltas around every call, the probe's own
// allocation subtracted).
const allocMode = process.argv.includes('--alloc')
const FLAGS = allocMode ? ['--min-semi-space-size=64', '--max-semi-space-size=64'] : ['--max-semi-space-size=1']
// The daemon's V8 flags (src/daemon/node-flags.ts): the young generation's size changes the GC's share.
if (!FLAGS.every((f) => process.execArgv.includes(f))) {
  const r = spawnSync(process.execPath, [...FLAGS, ...process.execArgv, ...process.argv.slice(1)], {stdio: 'inherit'})
  process.exit(r.status ?? 1)
}

const seconds = Number(option('seconds', undefined, '60'))
const runs = Number(option('runs', undefined, '7'))
const nodeCount = Number(option('nodes', undefined, '3'))
const base = option('base', undefined, undefined)
const warmupS = Number(option('warmup', undefined, '30'))

// ---- the virtual clock ----

interface Timer {at: number, order: number, run: () => void, cancelled: boolean, owner: number, packet?: boolean}
// Each checkout's cluster has a world of its own (its queue and clock); `world` is the one running.
interface World {now: number, order: number, current: number, queue: MinHeap<Timer>}
const byTime = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.order < b.order)
let world: World = {now: 1_000, order: 0, current: 0, queue: new MinHeap(byTime)}

function push(t: Timer): void {
  world.queue.push(t)
}
function pop(): Timer | undefined {
  return world.queue.pop()
}

const real = {setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: performance.now.bind(performance)}
function virtualise(w: World): void {
  world = w
  performance.now = () => world.now
  ;(globalThis as any).setTimeout = (run: () => void, ms = 0) => {
    const t: Timer = {at: world.now + Math.max(1, ms), order: world.order++, run, cancelled: false, owner: world.current, unref() { return t }, ref() { return t }, hasRef: () => true, refresh() { return t }, [Symbol.toPrimitive]: () => 0} as Timer
    push(t)
    return t
  }
  ;(globalThis as any).clearTimeout = (t: Timer | undefined) => {
    if (t && typeof t === 'object' && 'cancelled' in t) t.cancelled = true
  }
}
function restore(): void {
  performance.now = real.now
  globalThis.setTimeout = real.setTimeout
  globalThis.clearTimeout = real.clearTimeout
}

// ---- measuring one call ----

const heapUsed = () => getHeapStatistics().used_heap_size
let probeBytes = 0
if (allocMode) {
  const deltas: number[] = []
  for (let i = 0; i < 200; i++) {
    const a = heapUsed()
    deltas.push(heapUsed() - a)
  }
  probeBytes = Math.min(...deltas.filter((d) => d >= 0))
}

/** ns (or, with --alloc, bytes allocated) of one call. */
function measure(call: () => void): number {
  if (allocMode) {
    const a = heapUsed()
    call()
    const d = heapUsed() - a - probeBytes
    return d >= 0 ? d : 0
  }
  const from = process.hrtime.bigint()
  call()
  return Number(process.hrtime.bigint() - from)
}

// ---- one checkout's cluster ----

interface Totals {receiveNs: number, receives: number, timerNs: number, timers: number, sent: number, feeds: number}

async function cluster(root: string) {
  const dist = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href)
  const {buildBootstrap} = await dist('core/config/bootstrap.js')
  const {MembershipService} = await dist('daemon/membership-service.js')
  const {GuardLink} = await dist('daemon/guard-link.js')
  const config = buildBootstrap({name: 'bench', authkeyFile: '/nonexistent', nodes: Array.from({length: nodeCount}, (_, i) => ({name: `n${i + 1}`, addrs: [`10.213.0.${i + 1}`]}))})
  const authkey = Buffer.alloc(64, 9)
  const w: World = {now: 1_000, order: 0, current: 0, queue: new MinHeap(byTime)}
  const totals: Totals[] = []
  const services: any[] = []
  const logger = {log: () => {}, child: () => logger, tap: () => () => {}}
  for (let id = 1; id <= nodeCount; id++) {
    const t: Totals = {receiveNs: 0, receives: 0, timerNs: 0, timers: 0, sent: 0, feeds: 0}
    totals[id] = t
    const guard = new GuardLink({runDir: '/nonexistent', leaseMs: 100, feedEveryMs: config.totem.heartbeat, logger})
    ;(guard as any).socket = {destroyed: false, write: () => { t.feeds++; return true }}
    const service = new MembershipService({config, nodeId: id, authkey, onStep: (heartbeat: boolean) => guard.feed(heartbeat), log: () => {}})
    const address = `10.213.0.${id}`
    ;(service as any).transport = {
      counters: [{link: 0, localAddr: address, sentPackets: 0, sentBytes: 0, receivedPackets: 0, receivedBytes: 0, sendErrors: 0}],
      start: async () => {}, stop: async () => {},
      send: (packet: Buffer, to: number | 'all') => {
        t.sent++
        for (let peer = 1; peer <= nodeCount; peer++) {
          if (peer === id || (to !== 'all' && to !== peer)) continue
          const target = services[peer]
          const timer: Timer = {at: w.now + 0.15, order: w.order++, owner: peer, cancelled: false, packet: true, run: () => {
            const tt = totals[peer]
            tt.receiveNs += measure(() => target.onPacket(packet, 0, address))
            tt.receives++
          }}
          push(timer)
        }
      },
    }
    services[id] = service
  }
  return {services, totals, world: w}
}

type Cluster = Awaited<ReturnType<typeof cluster>>

async function start(c: Cluster): Promise<void> {
  virtualise(c.world)
  try {
    for (let id = 1; id <= nodeCount; id++) {
      c.world.current = id
      await c.services[id].start()
    }
  } finally {
    restore()
  }
}

/** Advances the virtual clock by `ms`, running every event on the way. */
function advance(c: Cluster, ms: number): void {
  const w = c.world
  virtualise(w)
  try {
    const until = w.now + ms
    while (w.queue.size > 0 && w.queue.peek()!.at <= until) {
      const t = pop()!
      if (t.cancelled) continue
      w.now = t.at
      w.current = t.owner
      if (!t.packet) {
        // A service's own timer (setTimeout): its wake-up.
        const tt = c.totals[t.owner]
        tt.timerNs += measure(t.run)
        tt.timers++
      } else t.run()
    }
    w.now = until
  } finally {
    restore()
  }
}

function reset(c: Cluster): void {
  for (let id = 1; id <= nodeCount; id++) Object.assign(c.totals[id], {receiveNs: 0, receives: 0, timerNs: 0, timers: 0, sent: 0, feeds: 0})
}

function quorate(c: Cluster): boolean {
  return c.services.slice(1).every((s: any) => s.current.quorate && s.current.members.length === nodeCount)
}

/** Totals are ns (µs shown), or bytes with --alloc. */
const unitDivisor = allocMode ? 1 : 1000
const unit = allocMode ? 'B' : 'µs'

interface RunFigures {receive_us: number, timer_us: number, cpu_ms_per_s: number, receives_per_s: number, timers_per_s: number, sent_per_s: number, feeds_per_s: number}

function run(c: Cluster): RunFigures {
  reset(c)
  const cpu = process.cpuUsage()
  advance(c, seconds * 1000)
  const used = process.cpuUsage(cpu)
  const sum = (f: (t: Totals) => number) => c.totals.slice(1).reduce((s, t) => s + f(t), 0)
  const per = (x: number) => x / nodeCount / seconds
  if (!quorate(c)) throw new Error('the simulated cluster lost its quorate view during a run: the figures would not be idle ones')
  return {
    receive_us: sum((t) => t.receiveNs) / unitDivisor / sum((t) => t.receives),
    timer_us: sum((t) => t.timerNs) / unitDivisor / sum((t) => t.timers),
    cpu_ms_per_s: (used.user + used.system) / 1000 / nodeCount / seconds,
    receives_per_s: per(sum((t) => t.receives)), timers_per_s: per(sum((t) => t.timers)), sent_per_s: per(sum((t) => t.sent)), feeds_per_s: per(sum((t) => t.feeds)),
  }
}

const checkouts: Array<{label: string, root: string, cluster?: Cluster, runs: RunFigures[]}> = [
  ...(base ? [{label: 'base', root: base, runs: []}] : []),
  {label: 'this', root: HERE, runs: []},
]
const loadBefore = await loadAverage()
for (const checkout of checkouts) {
  checkout.cluster = await cluster(checkout.root)
  await start(checkout.cluster)
  advance(checkout.cluster, warmupS * 1000)
  if (!quorate(checkout.cluster)) throw new Error(`${checkout.label}: no quorate view after ${warmupS} s of warm-up`)
}
for (let i = 0; i < runs; i++) for (const checkout of checkouts) checkout.runs.push(run(checkout.cluster!))
const loadAfter = await loadAverage()
for (const checkout of checkouts) for (let id = 1; id <= nodeCount; id++) await checkout.cluster!.services[id].stop()

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d
const summary = Object.fromEntries(checkouts.map((c) => {
  const m = (f: (r: RunFigures) => number) => round(median(c.runs.map(f)), 2)
  const min = (f: (r: RunFigures) => number) => round(Math.min(...c.runs.map(f)), 2)
  return [c.label, {
    receive_us_median: m((r) => r.receive_us), receive_us_min: min((r) => r.receive_us),
    timer_us_median: m((r) => r.timer_us), timer_us_min: min((r) => r.timer_us),
    cpu_ms_per_s_median: m((r) => r.cpu_ms_per_s), cpu_ms_per_s_min: min((r) => r.cpu_ms_per_s),
    receives_per_s: m((r) => r.receives_per_s), timers_per_s: m((r) => r.timers_per_s), sent_per_s: m((r) => r.sent_per_s), feeds_per_s: m((r) => r.feeds_per_s),
  }]
}))
console.log(JSON.stringify({
  benchmark: 'heartbeat-path',
  settings: {unit_per_event: unit, nodes: nodeCount, seconds, runs, warmup_s: warmupS, v8_flags: FLAGS, heartbeat_ms: 40, crypto: 'aes256gcm', base: base ?? null},
  load_average: {before: loadBefore, after: loadAfter},
  summary,
  runs: Object.fromEntries(checkouts.map((c) => [c.label, c.runs])),
}))
console.log(`\n${'checkout'.padEnd(10)}${`${unit}/packet received`.padStart(22)}${`${unit}/timer wake-up`.padStart(22)}${'CPU ms/s/node'.padStart(15)}${'rx/s'.padStart(7)}${'wake/s'.padStart(8)}${'tx/s'.padStart(7)}${'feeds/s'.padStart(9)}`)
for (const [label, s] of Object.entries(summary)) {
  console.log(`${label.padEnd(10)}${`${s.receive_us_median} (${s.receive_us_min})`.padStart(22)}${`${s.timer_us_median} (${s.timer_us_min})`.padStart(22)}${`${s.cpu_ms_per_s_median} (${s.cpu_ms_per_s_min})`.padStart(15)}${String(round(s.receives_per_s)).padStart(7)}${String(round(s.timers_per_s)).padStart(8)}${String(round(s.sent_per_s)).padStart(7)}${String(round(s.feeds_per_s)).padStart(9)}`)
}
console.log(`median (min) of ${runs} runs of ${seconds} virtual s; load average ${loadBefore} -> ${loadAfter}. CPU ms/s/node: the process's CPU over the run per node and second of cluster time (10 ms/s = 1 % of a core; the heartbeat path alone, no syscalls)`)
