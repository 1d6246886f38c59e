// Shows one random cluster of the property tests and what the engine does with
// it, twice (the second run on the state after the first transition):
//   node --import tsx test/scenarios/show-seed.ts SEED
import {renderResult, schedule} from '../../src/core/policy/index.js'
import {generate} from './random-cluster.js'

const seed = Number(process.argv[2])
if (!Number.isInteger(seed)) {
  console.error('usage: node --import tsx test/scenarios/show-seed.ts SEED')
  process.exit(2)
}
const {config, state} = generate(seed)
console.log(JSON.stringify({config, state}, null, 2))
const first = schedule(config, state)
console.log(renderResult(first))
console.log('After the transition:')
console.log(renderResult(schedule(config, first.nextState)))
