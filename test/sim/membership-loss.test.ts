import {strict as assert} from 'node:assert'
import {DEFAULT_TOTEM} from '../../src/core/config/bootstrap.js'
import {simulateLoss} from './membership-loss.js'

// The detection model at the shipped defaults (deterministic: simulated clock and
// seeded loss). Figures and other settings: npm run sim:loss (flags in scripts/sim-loss.ts).
const base = {heartbeatMs: DEFAULT_TOTEM.heartbeat, tokenMs: DEFAULT_TOTEM.token, consensusMs: DEFAULT_TOTEM.consensus}

describe('membership detection model (defaults)', function () {
  this.timeout(300_000)

  for (const nodes of [3, 5]) {
    it(`${nodes} nodes, 10 % loss on every link for 5 simulated minutes: no live node evicted, few re-agreements`, () => {
      for (const seed of [1, 2]) {
        const r = simulateLoss({...base, seed, nodes, loss: 0.1, jitterMs: 0, durationMs: 300_000})
        assert.equal(r.evictions, 0, `seed ${seed}: ${JSON.stringify(r)}`)
        assert.ok(r.viewsAgreed <= 30, `seed ${seed}: ${r.viewsAgreed} views agreed`)
      }
    })
  }

  it('3 nodes, 5 % loss and 20 ms of extra jitter: no live node evicted', () => {
    for (const seed of [1, 2]) {
      const r = simulateLoss({...base, seed, nodes: 3, loss: 0.05, jitterMs: 20, durationMs: 300_000})
      assert.equal(r.evictions, 0, `seed ${seed}: ${JSON.stringify(r)}`)
    }
  })

  it('every crash is detected and the survivors agree without the crashed node, under loss too', () => {
    for (const loss of [0, 0.1]) {
      const r = simulateLoss({...base, seed: 7, nodes: 3, loss, jitterMs: 0, durationMs: 120_000, crashEveryMs: 2000})
      assert.ok(r.agreeMs.length >= 20, `loss ${loss}: ${r.agreeMs.length} crash trials completed`)
      assert.equal(r.detectMs.length, r.agreeMs.length + (r.detectMs.length > r.agreeMs.length ? 1 : 0), 'every crash was suspected')
      assert.equal(r.evictions, 0)
    }
  })
})
