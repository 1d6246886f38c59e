// Idle cost of the daemons (issue 7's RSS and idle CPU targets) in the failover
// benchmark's workload: a 3-node netns cluster, a VIP monitored every 2 s and a
// dummy monitored every 10 s, nothing else happening. Per node: CPU over IDLE_S
// seconds (utime+stime of /proc/PID/stat, children not included), voluntary
// context switches per second (wakeups of the event loop), VmRSS and VmHWM.
// PROFILE=DIR also writes a V8 CPU profile of every daemon's idle period to DIR
// (node:inspector started by an --import hook; --cpu-prof is not allowed in
// NODE_OPTIONS). Needs root, iproute2 and nftables.
//   node --import tsx bench/idle.ts [--seconds 30] [--base /work/wt-base] [--repeat 1]
// --base DIR measures the built checkout DIR too, in the same run: base, then this
// checkout, each on a fresh cluster, `--repeat` times alternating (the machine's
// load drifts; alternating spreads it over both). The floor is measured in between.
import {execa} from 'execa'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {HERE, loadAverage, option, startWorkload} from './workload.js'

const idleS = Number(option('seconds', 'IDLE_S', '30'))
const base = option('base', 'BASE', undefined)
const repeat = Number(option('repeat', undefined, '1'))
const profileDir = process.env.PROFILE
/** NODE_OPTIONS for the daemons of both checkouts, e.g. --max-semi-space-size=1 (a smaller young generation: less RSS). */
const nodeOptions = option('node-options', undefined, undefined)

interface Sample {ticks: number, user: number, switches: number}

async function sample(pid: number): Promise<Sample> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return {ticks: Number(fields[11]) + Number(fields[12]), user: Number(fields[11]), switches: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1])}
}

async function memory(pid: number): Promise<{rss_mb: number, hwm_mb: number}> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1])
  return {rss_mb: Math.round(kb('VmRSS') / 102.4) / 10, hwm_mb: Math.round(kb('VmHWM') / 102.4) / 10}
}

// The hook starts the profiler on SIGUSR2 and writes the profile on the next SIGUSR2.
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

// The floor: three bare Node processes that only exchange AES-GCM-sealed datagrams
// at the daemons' heartbeat rate (each sends one every 50 ms to the two others,
// on loopback) and do nothing else. The daemons cannot wake up less than this.
const FLOOR = `import dgram from 'node:dgram'
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto'
const [me, ...peers] = process.argv.slice(1).map(Number)
const key = randomBytes(32)
const socket = dgram.createSocket('udp4')
socket.on('message', (m) => {
  const d = createDecipheriv('aes-256-gcm', key, m.subarray(0, 12))
  d.setAuthTag(m.subarray(m.length - 16))
  d.update(m.subarray(12, m.length - 16))
  try { d.final() } catch {}
})
socket.bind(me, '127.0.0.1')
setInterval(() => {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  const packet = Buffer.concat([iv, c.update(Buffer.alloc(100)), c.final(), c.getAuthTag()])
  for (const p of peers) socket.send(packet, p, '127.0.0.1')
}, 50)
`

async function floorFigure(seconds: number): Promise<{idle_cpu_percent: number, wakeups_per_s: number}> {
  const ports = [47101, 47102, 47103]
  const children = ports.map((port) => execa(process.execPath, ['--input-type=module', '-e', FLOOR, String(port), ...ports.filter((p) => p !== port).map(String)], {reject: false, env: {NODE_EXTRA_CA_CERTS: ''}}))
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const pid = children[0].pid!
    const before = await sample(pid)
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    const after = await sample(pid)
    return {idle_cpu_percent: Math.round((after.ticks - before.ticks) / 100 / seconds * 1000) / 10, wakeups_per_s: Math.round((after.switches - before.switches) / seconds)}
  } finally {
    for (const child of children) child.kill('SIGKILL')
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

interface NodeFigures {node: string, idle_cpu_percent: number, user_percent: number, wakeups_per_s: number, rss_mb: number, hwm_mb: number}

async function measure(root: string | undefined): Promise<{checkout: string, load_average: {before: string, after: string}, per_node: NodeFigures[]}> {
  const cluster = await startWorkload(env, root)
  try {
    // Let start-up garbage be collected and the monitors settle into their rhythm.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const pids = [1, 2, 3].map((n) => cluster.daemons.get(n)!.pid!)
    const loadBefore = await loadAverage()
    signalAll(pids)
    const before = await Promise.all(pids.map(sample))
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000))
    const after = await Promise.all(pids.map(sample))
    signalAll(pids)
    const mem = await Promise.all(pids.map(memory))
    const hz = 100
    const perNode = pids.map((_, i) => ({
      node: `n${i + 1}`,
      idle_cpu_percent: Math.round((after[i].ticks - before[i].ticks) / hz / idleS * 1000) / 10,
      user_percent: Math.round((after[i].user - before[i].user) / hz / idleS * 1000) / 10,
      wakeups_per_s: Math.round((after[i].switches - before[i].switches) / idleS),
      ...mem[i],
    }))
    if (profileDir) await new Promise((resolve) => setTimeout(resolve, 1_000))
    return {checkout: root ?? HERE, load_average: {before: loadBefore, after: await loadAverage()}, per_node: perNode}
  } finally {
    await cluster.destroy()
  }
}

const runs: Array<{label: string, figures: Awaited<ReturnType<typeof measure>>}> = []
let floor: {idle_cpu_percent: number, wakeups_per_s: number} | undefined
for (let i = 0; i < repeat; i++) {
  if (base) runs.push({label: 'base', figures: await measure(base)})
  if (i === 0) floor = await floorFigure(Math.min(idleS, 15))
  runs.push({label: 'this', figures: await measure(undefined)})
}

const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length * 100) / 100
const summary = (label: string) => {
  const nodes = runs.filter((r) => r.label === label).flatMap((r) => r.figures.per_node)
  if (nodes.length === 0) return undefined
  return {
    idle_cpu_percent_mean: mean(nodes.map((n) => n.idle_cpu_percent)), idle_cpu_percent_max: Math.max(...nodes.map((n) => n.idle_cpu_percent)),
    wakeups_per_s_mean: mean(nodes.map((n) => n.wakeups_per_s)), rss_mb_max: Math.max(...nodes.map((n) => n.rss_mb)),
    times_floor: floor && floor.idle_cpu_percent > 0 ? Math.round(mean(nodes.map((n) => n.idle_cpu_percent)) / floor.idle_cpu_percent * 100) / 100 : null,
  }
}
const result = {
  benchmark: 'idle',
  settings: {nodes: 3, idle_s: idleS, repeat, workload: 'vip (monitor 2s) + dummy (monitor 10s)', node_options: nodeOptions ?? null, profile: profileDir ?? null},
  floor: {what: '3 bare node processes exchanging AES-GCM datagrams every 50 ms on loopback', ...floor},
  summary: {this: summary('this'), ...(base ? {base: summary('base')} : {})},
  runs,
}
console.log(JSON.stringify(result))
console.log(`\n${'run'.padEnd(6)}${'node'.padEnd(6)}${'cpu %'.padStart(8)}${'user %'.padStart(8)}${'wakeups/s'.padStart(11)}${'RSS MB'.padStart(9)}${'HWM MB'.padStart(9)}   load average`)
for (const r of runs) {
  for (const n of r.figures.per_node) console.log(`${r.label.padEnd(6)}${n.node.padEnd(6)}${String(n.idle_cpu_percent).padStart(8)}${String(n.user_percent).padStart(8)}${String(n.wakeups_per_s).padStart(11)}${String(n.rss_mb).padStart(9)}${String(n.hwm_mb).padStart(9)}   ${r.figures.load_average.before} -> ${r.figures.load_average.after}`)
}
for (const [label, s] of Object.entries(result.summary)) if (s) console.log(`${label}: idle CPU mean ${s.idle_cpu_percent_mean} % (max ${s.idle_cpu_percent_max}), ${s.wakeups_per_s_mean} wakeups/s, RSS max ${s.rss_mb_max} MB, ${s.times_floor ?? '-'} x the floor`)
console.log(`floor (bare node, same packet rate): ${floor?.idle_cpu_percent} % CPU, ${floor?.wakeups_per_s} wakeups/s; targets: idle CPU <= 1.5 % of a core and <= 1.3 x the floor, RSS <= 80 MB`)
