// Cost of the metrics (issue 13).
// 1. Scrape time at 1,000 resources, in process: the daemon's own status builder
//    (buildStatus, as the DC runs it) over 3 nodes and N resources with fail counts,
//    constraints, and an agent-operation histogram per resource (every resource
//    has run start and monitor), rendered by the registry as /metrics would.
// 2. With root (IDLE=1, the default when root): the daemons' idle CPU in the
//    failover workload with metrics off (HACTL_METRICS_ADDRESS=off), on and not
//    scraped, and on and scraped every 15 s — metrics add no timer, so only the
//    scrapes themselves should cost anything.
//   node --import tsx bench/metrics.ts      RESOURCES=1000 IDLE_S=30 IDLE=0|1
import {readFile} from 'node:fs/promises'
import {performance} from 'node:perf_hooks'
import type {BootstrapConfig} from '../src/core/config/bootstrap-types.js'
import {emptyConfig} from '../src/core/config/defaults.js'
import type {ResourceConfig} from '../src/core/config/types.js'
import type {OrchestratorState} from '../src/core/orchestration/types.js'
import {createLogger} from '../src/daemon/logger.js'
import {DaemonMetrics} from '../src/daemon/metrics/registry.js'
import {buildStatus} from '../src/daemon/status-builder.js'

const resources = Number(process.env.RESOURCES ?? 1000)
const idleS = Number(process.env.IDLE_S ?? 30)
const runIdle = (process.env.IDLE ?? (process.getuid?.() === 0 ? '1' : '0')) === '1'
const NODES = ['n1', 'n2', 'n3']

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

async function scrapeFigures(): Promise<Record<string, number | string>> {
  const config: ResourceConfig = {
    ...emptyConfig(), epoch: 1,
    nodes: NODES.map((name) => ({name, attributes: {}, utilization: {}})),
    resources: Array.from({length: resources}, (_, i) => ({id: `r${i}`, agent: 'ocf:hactl:dummy', params: {}, meta: {}, utilization: {}, operations: []})),
    constraints: Array.from({length: resources / 10}, (_, i) => ({id: `loc-${i}`, type: 'location' as const, resource: `r${i}`, node: NODES[i % 3], score: '100'})),
  }
  const books = Object.fromEntries(NODES.map((name, n) => [name, {
    online: true, reported: true,
    resources: Object.fromEntries(config.resources.filter((_, i) => i % 3 === n).map((r, i) => [r.id, {role: 'started' as const, failCount: i % 50 === 0 ? 1 : 0}])),
  }]))
  const orchestrator = {nodes: books, transition: undefined, dirty: false} as unknown as OrchestratorState
  const bootstrap = {cluster_name: 'bench', crypto: 'aes256gcm', nodes: NODES.map((name, i) => ({id: i + 1, name, addrs: [`10.0.0.${i + 1}`], votes: 1}))} as unknown as BootstrapConfig
  const view = {viewId: 3, phase: 'usable', members: bootstrap.nodes.map((n) => ({id: n.id, name: n.name, votes: 1})), quorate: true, dc: 1, expectedVotes: 3, totalVotes: 3, joined: [], left: [], reason: 'startup'}
  // As on any node of a quorate cluster: the DC's last published status is at hand.
  const published = buildStatus({bootstrap, config, orchestrator, view, localNode: 'n1', localReport: {}, source: 'dc'})
  const metrics = new DaemonMetrics({
    nodeName: 'n1', bootstrap, now: () => Date.now(), config: () => config, lastDcStatus: () => published,
    status: () => buildStatus({bootstrap, config, orchestrator, view, localNode: 'n1', localReport: {}, source: 'dc'}),
    membership: () => ({nodeId: 1, incarnation: 1, transport: 'udp', crypto: 'aes256gcm', view, reachable: [1, 2, 3],
      links: [{link: 0, localAddr: '10.0.0.1', sentPackets: 0, sentBytes: 0, receivedPackets: 0, receivedBytes: 0, sendErrors: 0, peersUp: [2, 3], up: true}],
      counters: {sentPackets: 0, sentBytes: 0, receivedPackets: 0, receivedBytes: 0, accepted: 0, dropped: {} as never, appSent: 0, appReceived: 0}}),
  })
  const logger = createLogger({}, () => undefined)
  logger.tap(metrics.tap)
  for (const r of config.resources) {
    logger.log('debug', 'agent-op', {resource: r.id, agent: r.agent, action: 'start', result: 'OCF_SUCCESS', duration_ms: 15})
    logger.log('debug', 'agent-op', {resource: r.id, agent: r.agent, action: 'monitor', result: 'OCF_SUCCESS', duration_ms: 4})
  }
  for (let i = 0; i < 20; i++) await metrics.render()
  const times: number[] = []
  // CPU time of each scrape too (this process's user+system): on a shared, loaded
  // machine the wall time includes waiting for a core; the CPU time does not.
  const cpuTimes: number[] = []
  let bytes = 0
  for (let i = 0; i < 200; i++) {
    const t = performance.now()
    const c = process.cpuUsage()
    const {body} = await metrics.render()
    const used = process.cpuUsage(c)
    times.push(performance.now() - t)
    cpuTimes.push((used.user + used.system) / 1000)
    bytes = body.length
  }
  times.sort((a, b) => a - b)
  cpuTimes.sort((a, b) => a - b)
  if (process.env.PER_METRIC) {
    for (const m of metrics.registry.getMetricsAsArray()) {
      const t = performance.now()
      for (let i = 0; i < 20; i++) await metrics.registry.getSingleMetricAsString(m.name)
      console.log(m.name, round((performance.now() - t) / 20))
    }
  }
  // For comparison, not part of a scrape (which reads the DC's last published status):
  // building the status itself, warmed up like the scrapes.
  const statusTimes: number[] = []
  for (let i = 0; i < 220; i++) {
    const t = performance.now()
    buildStatus({bootstrap, config, orchestrator, view, localNode: 'n1', localReport: {}, source: 'dc'})
    if (i >= 20) statusTimes.push(performance.now() - t)
  }
  statusTimes.sort((a, b) => a - b)
  return {
    resources, scrapes: times.length, median_ms: round(percentile(times, 0.5)), p99_ms: round(percentile(times, 0.99)), min_ms: round(times[0]),
    cpu_median_ms: round(percentile(cpuTimes, 0.5)), cpu_p99_ms: round(percentile(cpuTimes, 0.99)),
    status_build_median_ms: round(percentile(statusTimes, 0.5)), body_kib: Math.round(bytes / 102.4) / 10,
  }
}

async function cpuTicks(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

async function idleFigure(mode: 'off' | 'on' | 'scraped'): Promise<{mode: string, idle_cpu_percent_per_node: number[], mean: number}> {
  const {startWorkload} = await import('./workload.js')
  const cluster = await startWorkload({HACTL_LOG_LEVEL: 'notice', HACTL_METRICS_ADDRESS: mode === 'off' ? 'off' : '127.0.0.1:9664'})
  let timer: NodeJS.Timeout | undefined
  try {
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const scrape = () => {
      for (const n of [1, 2, 3]) void cluster.net.exec(n, ['curl', '-sf', '-o', '/dev/null', 'http://127.0.0.1:9664/metrics'], {reject: false})
    }
    if (mode === 'scraped') {
      scrape()
      timer = setInterval(scrape, 15_000)
    }
    const pids = [1, 2, 3].map((n) => cluster.daemons.get(n)!.pid!)
    const before = await Promise.all(pids.map(cpuTicks))
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000))
    const after = await Promise.all(pids.map(cpuTicks))
    const perNode = pids.map((_, i) => Math.round((after[i] - before[i]) / 100 / idleS * 1000) / 10)
    return {mode, idle_cpu_percent_per_node: perNode, mean: Math.round(perNode.reduce((a, b) => a + b, 0) / 3 * 100) / 100}
  } finally {
    clearInterval(timer)
    await cluster.destroy()
  }
}

const scrape = await scrapeFigures()
const idle: Array<Awaited<ReturnType<typeof idleFigure>>> = []
if (runIdle) {
  // Interleaved twice, so that a change of the machine's load does not pass for a difference.
  for (const mode of ['off', 'on', 'scraped', 'off', 'on', 'scraped'] as const) idle.push(await idleFigure(mode))
}
const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')
console.log(JSON.stringify({benchmark: 'metrics', settings: {resources, idle_s: idleS, workload: 'vip (monitor 2s) + dummy (monitor 10s)', scrape_interval_s: 15}, scrape, idle, load_average: load}))
console.log(`\nscrape of ${resources} resources: median ${scrape.median_ms} ms, p99 ${scrape.p99_ms} ms, min ${scrape.min_ms} ms wall; CPU median ${scrape.cpu_median_ms} ms, p99 ${scrape.cpu_p99_ms} ms (building the status, not in a scrape: ${scrape.status_build_median_ms} ms), ${scrape.body_kib} KiB; target < 5 ms; load average ${load}`)
if (idle.length > 0) {
  console.log(`\n${'metrics'.padEnd(10)}${'idle CPU % per node'.padStart(24)}${'mean'.padStart(8)}`)
  for (const row of idle) console.log(`${row.mode.padEnd(10)}${row.idle_cpu_percent_per_node.join(' / ').padStart(24)}${String(row.mean).padStart(8)}`)
  console.log(`load average now ${load}`)
} else console.log('idle CPU comparison skipped (needs root and network namespaces; IDLE=1)')
