// Idle cost of the daemons (issue 7's RSS and idle CPU targets) in the failover
// benchmark's workload: a 3-node netns cluster, a VIP monitored every 2 s and a
// dummy monitored every 10 s, nothing else happening. Per node: CPU over IDLE_S
// seconds (utime+stime of /proc/PID/stat, children not included), voluntary
// context switches per second (wakeups of the event loop), VmRSS and VmHWM; and the
// CPU and wake-ups of the node's resource guard, a process of its own (not counted
// as the daemon's child), which a host runs beside the daemon.
// PROFILE=DIR also writes a V8 CPU profile of every daemon's idle period to DIR
// (node:inspector started by an --import hook; --cpu-prof is not allowed in
// NODE_OPTIONS). Needs root, iproute2 and nftables.
//   node --import tsx bench/idle.ts [--seconds 30] [--settle 60] [--base /work/wt-base] [--repeat 1]
// --settle S: seconds between the workload being in place and the measurement (the
// floor's processes run that long too before theirs). The default, 60 s, measures a
// daemon that has finished starting: in its first seconds V8 optimizes the hot path
// on helper threads and the set-up's last replication ticks and first monitors run
// (bench/idle-curve.ts prints the CPU window by window: 3-4 % in the first 10 s,
// about 1.5 % until 30-60 s, then the steady state). --settle 5 measures the end of
// start-up instead, --settle 240 the steady state of a long-running daemon.
// --base DIR measures the built checkout DIR too, in the same run: base, then this
// checkout, each on a fresh cluster, `--repeat` times alternating (the machine's
// load drifts; alternating spreads it over both). The floor is measured after this
// checkout's first run, on the same cluster's network with its daemons killed.
import {execa} from 'execa'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {DAEMON_NODE_FLAGS} from '../src/daemon/node-flags.js'
import {HERE, loadAverage, option, sample, startWorkload} from './workload.js'

const idleS = Number(option('seconds', 'IDLE_S', '30'))
const base = option('base', 'BASE', undefined)
const repeat = Number(option('repeat', undefined, '1'))
const settleS = Number(option('settle', undefined, '60'))
const profileDir = process.env.PROFILE
/** NODE_OPTIONS for the daemons of both checkouts, e.g. --max-semi-space-size=1 (a smaller young generation: less RSS). */
const nodeOptions = option('node-options', undefined, undefined)

async function memory(pid: number): Promise<{rss_mb: number, hwm_mb: number}> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1])
  return {rss_mb: Math.round(kb('VmRSS') / 102.4) / 10, hwm_mb: Math.round(kb('VmHWM') / 102.4) / 10}
}

/** The resource guard serving a run directory (its own process, not a child of the daemon): its pid, by its command line. */
async function guardPid(runDir: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((s) => s.split('\0'), () => [])
    if (argv.some((a) => /guard[/\\]main\.(js|ts)$/.test(a)) && argv.includes(runDir)) return Number(entry)
  }
  return undefined
}

// The hook starts the profiler on SIGUSR2 and writes the profile on the next SIGUSR2.
// Caveat: Profiler.start stalls the event loop for longer than the guard's lease
// (100 ms at the defaults): the guard trips (the trips column says so) and the
// profile shows the recovery (replication writes, agent spawns), not an idle daemon.
const HOOK = `import {Session} from 'node:inspector'
import {writeFileSync} from 'node:fs'
const session = new Session()
session.connect()
let running = false
process.on('SIGUSR2', async () => {
  if (!running) {
    running = true
    session.post('Profiler.enable', () => session.post('Profiler.start'))
    return
  }
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(process.env.HACTL_PROFILE_DIR + '/daemon-' + process.pid + '.cpuprofile', JSON.stringify(result.profile))
  })
  const heap = {}
  for (const s of (await import('node:v8')).getHeapSpaceStatistics()) heap[s.space_name] = Math.round(s.space_size / 1024) + ' KiB'
  writeFileSync(process.env.HACTL_PROFILE_DIR + '/daemon-' + process.pid + '.memory.json', JSON.stringify({usage: process.memoryUsage(), heap}, null, 1))
})
`

// The floor: bare Node processes, one in each node's namespace of the same
// cluster (the daemons killed first), that only exchange AES-GCM-sealed
// heartbeats the way the daemons do: the cluster.json's transport (multicast to
// the group, or unicast to each peer), its heartbeat interval, and packets of the
// daemons' heartbeat size (24-byte header as associated data, 12-byte IV, a
// 9 + 12 x peers body, 16-byte tag), each opened on receipt. They do nothing else:
// the daemons cannot wake up less than this. They run with the daemon's Node.js
// flags (src/daemon/node-flags.ts) and as long as the daemons' window.
const FLOOR = `import dgram from 'node:dgram'
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'
const {mode, group, port, me, peers, heartbeat} = JSON.parse(process.env.FLOOR)
const key = Buffer.alloc(32, 7)
const socket = dgram.createSocket({type: 'udp4', reuseAddr: true})
socket.on('message', (m) => {
  const d = createDecipheriv('aes-256-gcm', key, m.subarray(24, 36))
  d.setAAD(m.subarray(0, 24))
  d.setAuthTag(m.subarray(m.length - 16))
  d.update(m.subarray(36, m.length - 16))
  try { d.final() } catch {}
})
socket.bind(mode === 'udp' ? {port} : {port, address: me}, () => {
  if (mode === 'udp') {
    socket.addMembership(group, me)
    socket.setMulticastInterface(me)
    socket.setMulticastTTL(1)
    socket.setMulticastLoopback(false)
  }
})
const header = Buffer.alloc(24)
const body = Buffer.alloc(9 + 12 * peers.length)
setInterval(() => {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  c.setAAD(header)
  const packet = Buffer.concat([header, iv, c.update(body), c.final(), c.getAuthTag()])
  for (const p of mode === 'udp' ? [group] : peers) socket.send(packet, port, p)
}, heartbeat)
`

interface Floor {idle_cpu_percent: number, wakeups_per_s: number, transport: string, heartbeat_ms: number, packet_bytes: number}

/** Kills the cluster's daemons and runs the floor in its namespaces, as long as the daemons' window; the mean of its three processes. */
async function floorFigure(cluster: Awaited<ReturnType<typeof startWorkload>>, seconds: number): Promise<Floor> {
  for (const n of [1, 2, 3]) cluster.kill(n)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const config = JSON.parse(await readFile(join(cluster.configDir(1), 'cluster.json'), 'utf8')) as {transport: string, mcast_addr: string, port: number, totem: {heartbeat: number}, nodes: Array<{id: number, addrs: string[]}>}
  const addr = (id: number) => config.nodes.find((n) => n.id === id)!.addrs[0]
  // With the daemon's own Node.js flags: the same young generation and the same tier-up.
  const children = [1, 2, 3].map((id) => cluster.net.spawn(id, [process.execPath, ...DAEMON_NODE_FLAGS, '--input-type=module', '-e', FLOOR], {env: {FLOOR: JSON.stringify({
    mode: config.transport, group: config.mcast_addr, port: config.port, me: addr(id),
    peers: config.nodes.filter((n) => n.id !== id).map((n) => n.addrs[0]), heartbeat: config.totem.heartbeat,
  })}}))
  try {
    await new Promise((resolve) => setTimeout(resolve, Math.max(3, settleS) * 1000))
    // `ip netns exec` execs node in place: the child's pid is node's.
    const pids = children.map((child) => child.pid!)
    const before = await Promise.all(pids.map(sample))
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    const after = await Promise.all(pids.map(sample))
    // The mean of the three processes, as the daemons' figure is (one process's ticks over a
    // short window moved the floor by a third between runs).
    const ticks = after.reduce((sum, a, i) => sum + a.ticks - before[i].ticks, 0) / pids.length
    const switches = after.reduce((sum, a, i) => sum + a.switches - before[i].switches, 0) / pids.length
    return {
      idle_cpu_percent: Math.round(ticks / 100 / seconds * 1000) / 10, wakeups_per_s: Math.round(switches / seconds),
      transport: config.transport, heartbeat_ms: config.totem.heartbeat, packet_bytes: 24 + 12 + 9 + 12 * (config.nodes.length - 1) + 16,
    }
  } finally {
    for (const child of children) cluster.net.kill(child)
  }
}

const env: Record<string, string> = {HACTL_LOG_LEVEL: 'notice'}
if (nodeOptions) env.NODE_OPTIONS = nodeOptions
if (profileDir) {
  await writeFile(join(profileDir, 'hook.mjs'), HOOK)
  env.NODE_OPTIONS = `${nodeOptions ?? ''} --import=${join(profileDir, 'hook.mjs')}`.trim()
  env.HACTL_PROFILE_DIR = profileDir
}
const signalAll = (pids: number[]) => {
  if (profileDir) for (const pid of pids) process.kill(pid, 'SIGUSR2')
}

interface NodeFigures {node: string, guard_trips: number, idle_cpu_percent: number, guard_cpu_percent: number | null, guard_wakeups_per_s: number | null, user_percent: number, wakeups_per_s: number, rss_mb: number, hwm_mb: number}

let floor: Floor | undefined

/** The daemons of `root` (this checkout when undefined) on a fresh cluster; withFloor: then the floor on the same cluster's network. */
async function measure(root: string | undefined, withFloor = false): Promise<{checkout: string, load_average: {before: string, after: string}, per_node: NodeFigures[]}> {
  const cluster = await startWorkload(env, root)
  try {
    // Let start-up garbage be collected and the monitors settle into their rhythm (--settle).
    await new Promise((resolve) => setTimeout(resolve, settleS * 1000))
    const pids = [1, 2, 3].map((n) => cluster.daemons.get(n)!.pid!)
    const guards = await Promise.all([1, 2, 3].map((n) => guardPid(cluster.runDir(n))))
    const loadBefore = await loadAverage()
    signalAll(pids)
    const idleFrom = Date.now()
    const sampleGuards = () => Promise.all(guards.map((pid) => pid === undefined ? undefined : sample(pid).catch(() => undefined)))
    const [before, guardsBefore] = await Promise.all([Promise.all(pids.map(sample)), sampleGuards()])
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000))
    const [after, guardsAfter] = await Promise.all([Promise.all(pids.map(sample)), sampleGuards()])
    signalAll(pids)
    const mem = await Promise.all(pids.map(memory))
    const hz = 100
    const perNode = pids.map((_, i) => ({
      node: `n${i + 1}`,
      // A trip during the idle period (a stall longer than the guard's lease) makes these the figures of a recovery.
      guard_trips: (cluster.logs.get(i + 1) ?? []).filter((line) => Number(line.split(' ')[0]) >= idleFrom && line.includes(' guard-tripped ')).length,
      idle_cpu_percent: Math.round((after[i].ticks - before[i].ticks) / hz / idleS * 1000) / 10,
      // The guard is its own process (its own session, so not counted as the daemon's child): a host pays both.
      guard_cpu_percent: guardsBefore[i] && guardsAfter[i] ? Math.round((guardsAfter[i]!.ticks - guardsBefore[i]!.ticks) / hz / idleS * 1000) / 10 : null,
      guard_wakeups_per_s: guardsBefore[i] && guardsAfter[i] ? Math.round((guardsAfter[i]!.switches - guardsBefore[i]!.switches) / idleS) : null,
      user_percent: Math.round((after[i].user - before[i].user) / hz / idleS * 1000) / 10,
      wakeups_per_s: Math.round((after[i].switches - before[i].switches) / idleS),
      ...mem[i],
    }))
    if (profileDir) await new Promise((resolve) => setTimeout(resolve, 1_000))
    const loadAfter = await loadAverage()
    if (withFloor) floor = await floorFigure(cluster, idleS)
    return {checkout: root ?? HERE, load_average: {before: loadBefore, after: loadAfter}, per_node: perNode}
  } finally {
    await cluster.destroy()
  }
}

const runs: Array<{label: string, figures: Awaited<ReturnType<typeof measure>>}> = []
for (let i = 0; i < repeat; i++) {
  if (base) runs.push({label: 'base', figures: await measure(base)})
  runs.push({label: 'this', figures: await measure(undefined, i === 0)})
}

const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length * 100) / 100
const summary = (label: string) => {
  const nodes = runs.filter((r) => r.label === label).flatMap((r) => r.figures.per_node)
  if (nodes.length === 0) return undefined
  return {
    idle_cpu_percent_mean: mean(nodes.map((n) => n.idle_cpu_percent)), idle_cpu_percent_max: Math.max(...nodes.map((n) => n.idle_cpu_percent)),
    wakeups_per_s_mean: mean(nodes.map((n) => n.wakeups_per_s)),
    guard_cpu_percent_mean: nodes.every((n) => n.guard_cpu_percent !== null) ? mean(nodes.map((n) => n.guard_cpu_percent!)) : null,
    guard_wakeups_per_s_mean: nodes.every((n) => n.guard_wakeups_per_s !== null) ? mean(nodes.map((n) => n.guard_wakeups_per_s!)) : null,
    rss_mb_max: Math.max(...nodes.map((n) => n.rss_mb)),
    times_floor: floor && floor.idle_cpu_percent > 0 ? Math.round(mean(nodes.map((n) => n.idle_cpu_percent)) / floor.idle_cpu_percent * 100) / 100 : null,
  }
}
const result = {
  benchmark: 'idle',
  settings: {nodes: 3, idle_s: idleS, settle_s: settleS, repeat, workload: 'vip (monitor 2s) + dummy (monitor 10s)', node_options: nodeOptions ?? null, profile: profileDir ?? null},
  floor: {what: "3 bare node processes in the cluster's namespaces exchanging AES-GCM heartbeats of the daemons' size, transport and interval", ...floor},
  summary: {this: summary('this'), ...(base ? {base: summary('base')} : {})},
  runs,
}
console.log(JSON.stringify(result))
console.log(`\n${'run'.padEnd(6)}${'node'.padEnd(6)}${'trips'.padStart(6)}${'cpu %'.padStart(8)}${'user %'.padStart(8)}${'wakeups/s'.padStart(11)}${'guard %'.padStart(9)}${'g wk/s'.padStart(8)}${'RSS MB'.padStart(9)}${'HWM MB'.padStart(9)}   load average`)
for (const r of runs) {
  for (const n of r.figures.per_node) console.log(`${r.label.padEnd(6)}${n.node.padEnd(6)}${String(n.guard_trips).padStart(6)}${String(n.idle_cpu_percent).padStart(8)}${String(n.user_percent).padStart(8)}${String(n.wakeups_per_s).padStart(11)}${String(n.guard_cpu_percent ?? '-').padStart(9)}${String(n.guard_wakeups_per_s ?? '-').padStart(8)}${String(n.rss_mb).padStart(9)}${String(n.hwm_mb).padStart(9)}   ${r.figures.load_average.before} -> ${r.figures.load_average.after}`)
}
for (const [label, s] of Object.entries(result.summary)) if (s) console.log(`${label}: idle CPU mean ${s.idle_cpu_percent_mean} % (max ${s.idle_cpu_percent_max}), ${s.wakeups_per_s_mean} wakeups/s (guard: ${s.guard_cpu_percent_mean ?? '-'} %, ${s.guard_wakeups_per_s_mean ?? '-'} wakeups/s), RSS max ${s.rss_mb_max} MB, ${s.times_floor ?? '-'} x the floor`)
console.log(`floor (bare node, ${floor?.transport} heartbeats of ${floor?.packet_bytes} bytes every ${floor?.heartbeat_ms} ms): ${floor?.idle_cpu_percent} % CPU, ${floor?.wakeups_per_s} wakeups/s; targets: idle CPU <= 1.5 % of a core and <= 1.3 x the floor, RSS <= 80 MB`)
