// npm run sim -- --seed N [--nodes K] [--steps MS] [--seeds COUNT] [--trace]
// Runs the deterministic membership simulation; exits 1 printing the seed and
// the broken invariant when one breaks. --steps is the simulated duration in ms.
import {parseArgs} from 'node:util'
import {simulate} from '../test/sim/simulator.js'

const {values} = parseArgs({options: {
  seed: {type: 'string'}, nodes: {type: 'string'}, steps: {type: 'string'}, seeds: {type: 'string'}, trace: {type: 'boolean'},
}})

function integer(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text)) {
    process.stderr.write(`sim: --${name} must be a non-negative integer, got ${JSON.stringify(text)}\n`)
    process.exit(2)
  }
  return Number(text)
}

const first = integer('seed', values.seed, Date.now() % 1_000_000)!
const seeds = integer('seeds', values.seeds, 1)!
const nodes = integer('nodes', values.nodes, undefined)
const durationMs = integer('steps', values.steps, undefined)
const started = Date.now()
for (let seed = first; seed < first + seeds; seed++) {
  const result = simulate({seed, nodes, durationMs, trace: values.trace ? (line) => process.stdout.write(`${line}\n`) : undefined})
  if (!result.ok) {
    process.stderr.write(`sim: FAILED ${result.summary}\nsim: at ${result.atMs}ms: ${result.violation}\nsim: replay with: npm run sim -- --seed ${seed}${nodes ? ` --nodes ${nodes}` : ''}${durationMs ? ` --steps ${durationMs}` : ''} --trace\n`)
    process.exit(1)
  }
  if (seeds === 1) process.stdout.write(`sim: ok ${result.summary} views=${result.stats.views} maxViewId=${result.stats.maxViewId} delivered=${result.stats.delivered}\n`)
}
if (seeds > 1) process.stdout.write(`sim: ${seeds} seeds from ${first} ok in ${Date.now() - started} ms\n`)
