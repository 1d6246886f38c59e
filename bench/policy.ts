// Policy engine benchmark: synthetic clusters (nodes x resources) with location
// constraints on 10 % of resources, colocations on 5 % and groups on 5 %,
// scheduled from all-stopped and again after one node fails.
// Run: node --import tsx bench/policy.ts   (or npm run bench:policy)
//      add --vs-crm-simulate to also time crm_simulate against hactl simulate on 64 x 10,000 (minutes)
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {syntheticCluster} from './policy-cluster.js'
import {configToCib} from '../src/core/cib/write.js'
import {defaultState, schedule, type ClusterState} from '../src/core/policy/index.js'

interface Figure {
  case: string
  nodes: number
  resources: number
  scenario: string
  /** Median of the timed runs. */
  wallMs: number
  /** CPU time of the median run's process share: less sensitive to other load on a shared machine. */
  cpuMs: number
  actions: number
  /** Peak RSS of a child process that built this case and scheduled it once, and its RSS before building the cluster (Node + tsx). */
  maxRssMb: number
  baselineRssMb: number
}

const SCENARIOS = ['all stopped', 'node n1 fails'] as const

function runCase(nodes: number, resources: number, scenario: string): Figure {
  const baselineRssMb = Math.round(process.memoryUsage().rss / 1048576)
  const config = syntheticCluster(nodes, resources)
  let state: ClusterState = defaultState(config)
  if (scenario === 'node n1 fails') {
    const running = schedule(config, state).nextState
    state = {...running, nodes: {...running.nodes, n1: {online: false}}}
  }
  const runs = resources >= 10_000 ? 5 : 15
  const gc = (globalThis as {gc?: () => void}).gc
  gc?.()
  schedule(config, state) // Warm-up: JIT and lazy initialisation are not timed; its peak memory is the one reported.
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
  const samples: Array<{wall: number, cpu: number}> = []
  let actions = 0
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    actions = schedule(config, state).transition.actions.length
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    samples.push({wall, cpu: (used.user + used.system) / 1000})
  }
  samples.sort((a, b) => a.wall - b.wall)
  const median = samples[Math.floor(runs / 2)]
  return {
    case: `${nodes}x${resources}`, nodes, resources, scenario, wallMs: Math.round(median.wall * 10) / 10, cpuMs: Math.round(median.cpu * 10) / 10,
    actions, maxRssMb, baselineRssMb,
  }
}

const child = process.argv.indexOf('--case')
if (child >= 0) {
  const [nodes, resources] = process.argv[child + 1].split('x').map(Number)
  process.stdout.write(JSON.stringify(runCase(nodes, resources, process.argv[child + 2])))
} else {
  // Each case runs in its own process, so that its peak memory is its own.
  const sizes: Array<[number, number]> = [[3, 100], [16, 1_000], [64, 10_000]]
  const figures: Figure[] = []
  const self = fileURLToPath(import.meta.url)
  for (const [nodes, resources] of sizes) {
    for (const scenario of SCENARIOS) {
      const out = execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, self, '--case', `${nodes}x${resources}`, scenario], {encoding: 'utf8'})
      figures.push(JSON.parse(out) as Figure)
    }
  }
  console.log(JSON.stringify({benchmark: 'policy', units: {time: 'ms (median)', memory: 'MB'}, node: process.version, targets: {'64x10000': {wallMs: 250, maxRssMb: 200}}, figures}))
  console.log('')
  console.log('case        scenario        wall ms   cpu ms  actions  max RSS MB  (Node+tsx alone)')
  for (const f of figures) {
    console.log(`${f.case.padEnd(12)}${f.scenario.padEnd(16)}${String(f.wallMs).padStart(7)}${String(f.cpuMs).padStart(9)}${String(f.actions).padStart(9)}${String(f.maxRssMb).padStart(12)}${String(f.baselineRssMb).padStart(18)}`)
  }
  if (process.argv.includes('--vs-crm-simulate')) compareWithCrmSimulate()
}

/**
 * 64 x 10,000 from all stopped: `crm_simulate -x CIB -S -Q` (Pacemaker's scheduler) against `hactl simulate -f`
 * (the built CLI, a whole process each), on the same cluster written both ways (without monitor operations,
 * which a CIB's history would need digests for). Slow: crm_simulate takes minutes here.
 */
function compareWithCrmSimulate(): void {
  const dir = mkdtempSync(join(tmpdir(), 'hactl-bench-'))
  try {
    const config = syntheticCluster(64, 10_000)
    for (const r of config.resources) r.operations = []
    writeFileSync(join(dir, 'cib.xml'), configToCib(config, defaultState(config)))
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
    const time = (file: string, args: string[]) => {
      const start = performance.now()
      execFileSync(file, args, {stdio: 'ignore', maxBuffer: 1 << 30})
      return Math.round(performance.now() - start)
    }
    const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
    const hactlMs = time(process.execPath, [bin, '-f', join(dir, 'config.json'), 'simulate', '--json'])
    const crmMs = time('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S', '-Q'])
    console.log(JSON.stringify({benchmark: 'policy-vs-crm_simulate', case: '64x10000', scenario: 'all stopped', hactlSimulateMs: hactlMs, crmSimulateMs: crmMs, ratio: Math.round((hactlMs / crmMs) * 1000) / 1000}))
    console.log(`64x10000 all stopped: hactl simulate ${hactlMs} ms, crm_simulate ${crmMs} ms (${(100 * hactlMs / crmMs).toFixed(1)} %)`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
