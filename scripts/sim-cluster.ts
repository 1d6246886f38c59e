// npm run sim:cluster -- --seed N [--minutes M] [--nodes K] [--fencing|--no-fencing] [--trace]
// npm run sim:soak -- --hours H [--seed FIRST]
// The whole-cluster simulation (test/sim/cluster/sim.ts). One seed decides the
// cluster and every fault; a broken invariant prints the seed and exits 1, and the
// printed command replays it exactly. --hours runs seeds of --minutes each (default
// 10) from --seed on until that much simulated time has passed.
import {parseArgs} from 'node:util'
import {simulateCluster} from '../test/sim/cluster/sim.js'

const {values} = parseArgs({options: {
  seed: {type: 'string'}, minutes: {type: 'string'}, nodes: {type: 'string'}, hours: {type: 'string'},
  fencing: {type: 'boolean'}, 'no-fencing': {type: 'boolean'}, trace: {type: 'boolean'},
}})

function number(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback
  if (!/^\d+(\.\d+)?$/.test(text)) {
    process.stderr.write(`sim:cluster: --${name} must be a non-negative number, got ${JSON.stringify(text)}\n`)
    process.exit(2)
  }
  return Number(text)
}

const first = Math.floor(number('seed', values.seed, Date.now() % 1_000_000)!)
const minutes = number('minutes', values.minutes, 10)!
const nodes = number('nodes', values.nodes, undefined)
const hours = number('hours', values.hours, undefined)
const fencing = values.fencing ? true : values['no-fencing'] ? false : undefined
const durationMs = Math.round(minutes * 60_000)
const flags = `${values.minutes ? ` --minutes ${minutes}` : ''}${nodes ? ` --nodes ${nodes}` : ''}${fencing === true ? ' --fencing' : fencing === false ? ' --no-fencing' : ''}`
const started = Date.now()
let simulated = 0
let runs = 0
for (let seed = first; ; seed++) {
  const result = simulateCluster({seed, durationMs, nodes, fencing, trace: values.trace ? (line) => process.stdout.write(`${line}\n`) : undefined})
  runs++
  simulated += result.simulatedMs
  if (!result.ok) {
    process.stderr.write(`sim:cluster: FAILED ${result.summary}\nsim:cluster: at ${result.atMs}ms: ${result.violation}\nsim:cluster: replay with: npm run sim:cluster -- --seed ${seed}${flags} --trace\n`)
    process.exit(1)
  }
  if (hours === undefined) {
    process.stdout.write(`sim:cluster: ok ${result.summary} ${JSON.stringify(result.stats)} in ${Date.now() - started} ms\n`)
    break
  }
  if (runs % 10 === 0) process.stdout.write(`sim:soak: ${runs} seeds from ${first}, ${(simulated / 3_600_000).toFixed(2)} simulated hours in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  if (simulated >= hours * 3_600_000) break
}
if (hours !== undefined) process.stdout.write(`sim:soak: ok: ${runs} seeds from ${first}, ${(simulated / 3_600_000).toFixed(2)} simulated hours, every invariant held, in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
