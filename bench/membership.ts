// Membership benchmark in network namespaces (needs root, iproute2, nftables):
//   node --import tsx bench/membership.ts [--trials 20] [--loss-seconds 60] [--loss 10,20] [--idle-seconds 10] [--nodes 5] [--token MS] [--heartbeat MS]
// 1. crash (kill -9 + link down at the switch) to the survivors' agreed quorate view, per trial;
// 2. false evictions (an agreed view missing a live node) and agreed views under 10 % and 20 % random loss;
// 3. idle traffic per node (UDP payload bytes sent per second).
// Prints one JSON object and a table. Measures; never asserts.
import {parseArgs} from 'node:util'
import {DEFAULT_TOTEM} from '../src/core/config/bootstrap.js'
import {TestNet} from '../test/lib/netns.js'
import {MemberCluster, type Line} from '../test/netns/member-cluster.js'

const {values} = parseArgs({options: {trials: {type: 'string'}, 'loss-seconds': {type: 'string'}, 'idle-seconds': {type: 'string'}, nodes: {type: 'string'}, loss: {type: 'string'}, transport: {type: 'string'}, token: {type: 'string'}, heartbeat: {type: 'string'}}})
const trials = Number(values.trials ?? 20)
const lossSeconds = Number(values['loss-seconds'] ?? 60)
const idleSeconds = Number(values['idle-seconds'] ?? 10)
const count = Number(values.nodes ?? 5)
const lossPercents = (values.loss ?? '10,20').split(',').map(Number)
if (lossPercents.some((p) => !Number.isInteger(p) || p < 0 || p > 100)) {
  process.stderr.write(`bench/membership: --loss takes integer percents separated by commas, got ${JSON.stringify(values.loss)}\n`)
  process.exit(2)
}
const transport = values.transport === 'udpu' ? 'udpu' : 'udp'
const totem = {...DEFAULT_TOTEM, ...(values.token ? {token: Number(values.token)} : {}), ...(values.heartbeat ? {heartbeat: Number(values.heartbeat)} : {})}
const all = Array.from({length: count}, (_, i) => i + 1)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const net = await TestNet.create({nodes: count})
const cluster = new MemberCluster(net, all, {transport, token: totem.token, heartbeat: totem.heartbeat})
try {
  await cluster.setup()
  cluster.startAll()
  await cluster.waitFor('initial agreement', () => cluster.agreed(all, all, true), 15_000)
  await sleep(1000)

  // 3. idle traffic first, on a quiet cluster.
  const before = await Promise.all(all.map((n) => cluster.snapshot(n)))
  const t0 = Date.now()
  await sleep(idleSeconds * 1000)
  const after = await Promise.all(all.map((n) => cluster.snapshot(n)))
  const seconds = (Date.now() - t0) / 1000
  const idleBytesPerSecond = all.map((_, i) => (after[i].counters.sentBytes - before[i].counters.sentBytes) / seconds)
  const idlePacketsPerSecond = all.map((_, i) => (after[i].counters.sentPackets - before[i].counters.sentPackets) / seconds)

  // 1. crash trials.
  const agreeMs: number[] = []
  const suspectMs: number[] = []
  for (let trial = 0; trial < trials; trial++) {
    const victim = all[trial % count]
    const survivors = all.filter((n) => n !== victim)
    const mark = new Map(survivors.map((n) => [n, (cluster.lines.get(n) ?? []).length]))
    const start = Date.now()
    cluster.kill(victim)
    await net.setLinkUp(victim, 0, false)
    await cluster.waitFor(`trial ${trial}: survivors agree`, () => cluster.agreed(survivors, survivors, true), 10_000)
    // The instant the last survivor installed the view, from its own JSON line.
    const installed = survivors.map((n) => {
      const lines = (cluster.lines.get(n) ?? []).slice(mark.get(n)) as Line[]
      return lines.filter((l) => l.type === 'view' && l.phase === 'usable' && l.quorate === true).at(-1)!.wall
    })
    agreeMs.push(Math.max(...installed) - start)
    // The first survivor that left the old view: the crash was detected.
    const left = survivors.flatMap((n) => ((cluster.lines.get(n) ?? []).slice(mark.get(n)) as Line[]).filter((l) => l.type === 'view' && l.phase !== 'usable').map((l) => l.wall))
    if (left.length > 0) suspectMs.push(Math.min(...left) - start)
    await net.setLinkUp(victim, 0, true)
    cluster.start(victim)
    await cluster.waitFor(`trial ${trial}: rejoin`, () => cluster.agreed(all, all, true), 15_000)
    await sleep(500)
  }
  agreeMs.sort((a, b) => a - b)
  suspectMs.sort((a, b) => a - b)

  // 2. false evictions under loss.
  const loss: Array<{percent: number, seconds: number, evictions: number, viewsAgreed: number, gatherings: number, reasons: Record<string, number>}> = []
  for (const percent of lossPercents) {
    const marks = new Map(all.map((n) => [n, (cluster.lines.get(n) ?? []).length]))
    await net.setLoss(percent)
    await sleep(lossSeconds * 1000)
    await net.setLoss(0)
    const evicted = new Set<string>()
    const agreed = new Set<string>()
    const reasons: Record<string, number> = {}
    let gatherings = 0
    for (const n of all) {
      for (const l of (cluster.lines.get(n) ?? []).slice(marks.get(n)) as Line[]) {
        if (l.type !== 'view') continue
        if (l.phase !== 'usable') {
          gatherings++
          reasons[l.reason as string] = (reasons[l.reason as string] ?? 0) + 1
        }
        else {
          agreed.add(`${l.viewId}`)
          if ((l.members as unknown[]).length < count) evicted.add(`${l.viewId}`)
        }
      }
    }
    loss.push({percent, seconds: lossSeconds, evictions: evicted.size, viewsAgreed: agreed.size, gatherings, reasons})
    await cluster.waitFor('agreement after loss', () => cluster.agreed(all, all, true), 15_000)
  }

  const result = {
    benchmark: 'membership',
    settings: {nodes: count, transport, crypto: 'aes256gcm', ...totem},
    crashToSuspicion: {trials: suspectMs.length, unit: 'ms', min: suspectMs[0], median: percentile(suspectMs, 50), p99: percentile(suspectMs, 99), note: 'crash to the first survivor leaving the old view'},
    crashToAgreedView: {trials, unit: 'ms', min: agreeMs[0], median: percentile(agreeMs, 50), p99: percentile(agreeMs, 99), max: agreeMs.at(-1), samples: agreeMs},
    falseEvictions: loss,
    idle: {seconds: Number(seconds.toFixed(1)), bytesPerSecondPerNode: Math.round(Math.max(...idleBytesPerSecond)), packetsPerSecondPerNode: Number(Math.max(...idlePacketsPerSecond).toFixed(1)), note: 'UDP payload bytes sent, maximum over nodes'},
    targets: {medianMs: 400, p99Ms: 600, evictionsAt10Percent: 0, idleBytesPerSecond: 2048},
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.stdout.write([
    '',
    `membership (${count} nodes, ${transport}, heartbeat ${totem.heartbeat} ms, token ${totem.token} ms)`,
    `  crash -> first suspicion     min ${suspectMs[0]} ms  median ${result.crashToSuspicion.median} ms  p99 ${result.crashToSuspicion.p99} ms`,
    `  crash -> agreed quorate view  min ${agreeMs[0]} ms  median ${result.crashToAgreedView.median} ms  p99 ${result.crashToAgreedView.p99} ms  (${trials} trials; target median <= 400, p99 <= 600)`,
    ...loss.map((l) => `  ${l.percent} % loss for ${l.seconds} s    false evictions ${l.evictions}, views agreed ${l.viewsAgreed}, gathering episodes ${l.gatherings} ${JSON.stringify(l.reasons)} (target 0 evictions at 10 %)`),
    `  idle traffic                  ${result.idle.bytesPerSecondPerNode} B/s per node, ${result.idle.packetsPerSecondPerNode} packets/s (target < 2048 B/s)`,
    '',
  ].join('\n'))
} finally {
  await cluster.stop()
  await net.destroy()
}
