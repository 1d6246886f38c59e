// One seeded run: a chaos phase (loss, delay, reordering, duplication, crashes with
// the disk kept, partitions, writes everywhere) with invariants checked at every
// step, then a liveness phase: heal everything and demand convergence and a write.
//   node --import tsx test/sim/replication/run.ts --seed 42        replay one seed
//   node --import tsx test/sim/replication/run.ts --seeds 5000     many seeds
import {isReady} from '../../../src/core/replication/index.js'
import {writtenKeys} from './checks.js'
import {SimCluster} from './cluster.js'
import {Prng} from './prng.js'

export interface RunSummary {
  seed: number
  nodes: number
  writes: number
  acknowledged: number
  finalEpoch: number
}

const CHAOS_TICKS = 300
const CONVERGE_TICKS_MAX = 400

function randomFault(c: SimCluster): void {
  const rng = c.rng
  const up = c.nodes.filter((n) => n.up)
  const down = c.nodes.filter((n) => !n.up)
  const roll = rng.next()
  if (roll < 0.35 && up.length > 0) {
    // Crash the DC half of the time: it is where the interesting windows are.
    const dcs = c.readyDcs()
    const victim = dcs.length > 0 && rng.chance(0.5) ? rng.pick(dcs) : rng.pick(up)
    c.crash(victim.id)
  } else if (roll < 0.6 && down.length > 0) c.restart(rng.pick(down).id)
  else if (roll < 0.85) c.partition(c.nodes.map(() => rng.int(0, rng.int(1, 2))))
  else c.heal()
}

function chaos(c: SimCluster, size: number, absent: number): void {
  for (let t = 0; t < CHAOS_TICKS; t++) {
    if (c.rng.chance(0.03)) randomFault(c)
    // A live node add/remove of the configured node that never runs.
    if (absent > 0 && c.rng.chance(0.01)) c.changeExpected(c.expectedVotes === size ? size + absent : size)
    if (c.rng.chance(0.2)) {
      const up = c.nodes.filter((n) => n.up)
      if (up.length > 0) c.clientWrite(c.rng.pick(up).id, {cas: c.rng.chance(0.2), invalid: c.rng.chance(0.05)})
    }
    c.tick()
  }
}

function converged(c: SimCluster): boolean {
  const dc = c.readyDcs()
  if (dc.length !== 1) return false
  const target = dc[0].state.record
  const term = dc[0].state.dc!.term
  return c.nodes.every((n) => n.up && n.writing.length === 0 && n.views.length === 0 && n.state.promised === term
    && n.state.record.config.epoch === target.config.epoch && n.state.record.born === target.born
    && n.state.committed?.config.epoch === target.config.epoch && n.disk.config.epoch === target.config.epoch)
}

function heal(c: SimCluster, seed: number): void {
  for (const n of c.nodes) c.restart(n.id)
  c.heal()
  c.faults = {...c.faults, loss: 0, duplicate: 0}
  settle(c, seed)
  const dc = c.readyDcs()[0]
  const keys = writtenKeys(dc.state.record.config)
  for (const key of c.checker.acked.keys()) if (keys[key] === undefined) throw new Error(`seed ${seed}: acknowledged ${key} missing after healing`)
}

function settle(c: SimCluster, seed: number): void {
  let t = 0
  while (!converged(c)) {
    if (++t > CONVERGE_TICKS_MAX) throw new Error(`seed ${seed}: no convergence within ${CONVERGE_TICKS_MAX} ticks after healing`)
    c.tick()
  }
}

function finalWrite(c: SimCluster, seed: number): void {
  const write = c.clientWrite(c.rng.pick(c.nodes).id)
  for (let t = 0; t < 100 && write.answered === undefined; t++) c.tick()
  if (write.answered?.ok !== true) throw new Error(`seed ${seed}: a write after healing failed: ${JSON.stringify(write.answered)}`)
}

export function runSeed(seed: number): RunSummary {
  const rng = new Prng(seed)
  const twoNode = rng.chance(0.1)
  const size = twoNode ? 2 : rng.int(3, 7)
  const faults = {
    loss: rng.pick([0, 0.05, 0.15, 0.3]), duplicate: rng.pick([0, 0.05, 0.2]), delayMax: rng.int(1, 6),
    viewLagMax: rng.int(0, 8), localViewIds: rng.chance(0.5), twoNode,
  }
  const absent = !twoNode && rng.chance(0.25) ? 1 : 0
  const c = new SimCluster(rng, size, faults, absent)
  try {
    chaos(c, size, absent)
    heal(c, seed)
    finalWrite(c, seed)
    if (absent > 0) {
      // The node that never ran is removed (or added back) with nothing else happening: the
      // same views re-announced with other expected votes must not stall the next write.
      c.changeExpected(c.expectedVotes === size ? size + absent : size)
      settle(c, seed)
      finalWrite(c, seed)
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`replication simulation failed at tick ${c.now} (seed ${seed}; replay: node --import tsx test/sim/replication/run.ts --seed ${seed}): ${message}`, {cause: error})
  }
  const dc = c.nodes.find((n) => isReady(n.state))!
  return {seed, nodes: size, writes: c.writes.size, acknowledged: c.checker.acked.size, finalEpoch: dc.state.record.config.epoch}
}

function main(argv: string[]): void {
  const value = (flag: string) => {
    const at = argv.indexOf(flag)
    return at >= 0 ? Number(argv[at + 1]) : undefined
  }
  const one = value('--seed')
  const seeds = one === undefined ? Array.from({length: value('--seeds') ?? 1000}, (_, i) => (value('--from') ?? 1) + i) : [one]
  const started = process.hrtime.bigint()
  let acknowledged = 0
  for (const seed of seeds) {
    const summary = runSeed(seed)
    acknowledged += summary.acknowledged
    if (one !== undefined) console.log(JSON.stringify(summary))
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(JSON.stringify({seeds: seeds.length, acknowledgedWrites: acknowledged, seconds: Number(seconds.toFixed(2))}))
}

if (process.argv[1]?.endsWith('run.ts')) main(process.argv.slice(2))
