import {strict as assert} from 'node:assert'
import {simulate} from './simulator.js'

// Many seeds, each a different cluster and fault schedule. The seed range is
// fixed so that a failure is reproducible: npm run sim -- --seed N --nodes K --steps MS
const SEEDS = Number(process.env.HACTL_SIM_SEEDS ?? 3000)

describe('membership simulation', function () {
  this.timeout(600_000)

  it(`keeps every invariant over ${SEEDS} seeds of small clusters (3-7 nodes)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const nodes = 3 + (seed % 5)
      const result = simulate({seed, nodes, durationMs: 5000})
      assert.ok(result.ok, `${result.summary}: at ${result.atMs}ms ${result.violation} (npm run sim -- --seed ${seed} --nodes ${nodes} --steps 5000)`)
    }
  })

  it('keeps every invariant on large clusters (16 nodes)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const result = simulate({seed, nodes: 16, durationMs: 6000})
      assert.ok(result.ok, `${result.summary}: at ${result.atMs}ms ${result.violation} (npm run sim -- --seed ${seed} --nodes 16 --steps 6000)`)
    }
  })

  it('is deterministic: one seed, one history', () => {
    const lines = (seed: number) => {
      const out: string[] = []
      simulate({seed, nodes: 5, durationMs: 3000, trace: (l) => out.push(l)})
      return out
    }
    assert.deepEqual(lines(42), lines(42))
    assert.notDeepEqual(lines(42), lines(43))
  })
})
