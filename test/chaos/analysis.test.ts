// The chaos checker's arithmetic and the campaign's fault plans, on made-up timelines.
import assert from 'node:assert/strict'
import {seededRandom} from '../../src/core/random.js'
import {analyse, intersect, intervalsOf, majorityConnected, type RoundRecord} from '../../src/lab/chaos/analysis.js'
import {FAULT_TYPES, planRound} from '../../src/lab/chaos/faults.js'

const round = (n: number, startMs: number, healMs: number, endMs: number, type = 'daemon-kill'): RoundRecord =>
  ({round: n, type, label: type, startMs, healMs, endMs, settled: true})

describe('chaos checker', () => {
  it('records every interval with two holders, with its round and fault type', () => {
    const result = analyse({
      initialHolders: [1],
      events: [
        {node: 2, added: true, atMs: 1500}, // round 1: n2 starts it while n1 still holds it
        {node: 1, added: false, atMs: 2300},
        {node: 3, added: true, atMs: 4000}, // round 2: n3 as well
        {node: 2, added: false, atMs: 4100},
      ],
      rounds: [round(1, 1000, 2000, 3000), round(2, 3000, 3500, 6000, 'daemon-pause')],
      majority: [{atMs: 0, value: true}],
    })
    assert.deepEqual(result.twoHolders.map((t) => [t.round, t.type, t.nodes, t.startMs, t.durationMs]),
      [[1, 'daemon-kill', [1, 2], 1500, 800], [2, 'daemon-pause', [2, 3], 4000, 100]])
  })

  it('counts nobody holding only while a majority can reach each other', () => {
    const result = analyse({
      initialHolders: [1],
      events: [{node: 1, added: false, atMs: 1100}, {node: 2, added: true, atMs: 1900}],
      rounds: [round(1, 1000, 1500, 3000)],
      majority: [{atMs: 0, value: true}, {atMs: 1000, value: false}, {atMs: 1400, value: true}],
    })
    assert.deepEqual(result.noHolders.map((n) => [n.startMs, n.durationMs]), [[1400, 500]])
  })

  it('measures from the heal until exactly one holder for good, and flags a round that never got there', () => {
    const result = analyse({
      initialHolders: [1],
      events: [{node: 2, added: true, atMs: 1200}, {node: 1, added: false, atMs: 2600}, {node: 3, added: true, atMs: 3500}],
      rounds: [round(1, 1000, 2000, 3000), round(2, 3000, 3200, 4000)],
      majority: [],
    })
    assert.deepEqual(result.settles.map((s) => [s.afterHealMs, s.unsettled]), [[600, false], [800, true]])
  })

  it('intervals and their intersection', () => {
    assert.deepEqual(intervalsOf([{atMs: 1, value: true}, {atMs: 3, value: false}, {atMs: 5, value: true}], 9), [{startMs: 1, endMs: 3}, {startMs: 5, endMs: 9}])
    assert.deepEqual(intersect([{startMs: 0, endMs: 4}, {startMs: 6, endMs: 10}], [{startMs: 2, endMs: 7}]), [{startMs: 2, endMs: 4}, {startMs: 6, endMs: 7}])
  })

  it('a majority reaches each other unless nodes are down, cut in either direction or unplugged', () => {
    const all = new Set([1, 2, 3])
    assert.equal(majorityConnected(3, all, new Set(), new Set()), true)
    assert.equal(majorityConnected(3, new Set([1, 2]), new Set(), new Set()), true)
    assert.equal(majorityConnected(3, new Set([1]), new Set(), new Set()), false)
    assert.equal(majorityConnected(3, all, new Set(['1>2']), new Set()), true, '1+3 or 2+3 remain')
    assert.equal(majorityConnected(3, all, new Set(['1>2', '3>1']), new Set([2])), false)
    assert.equal(majorityConnected(5, all, new Set(), new Set()), true)
    assert.equal(majorityConnected(5, new Set([1, 2]), new Set(), new Set()), false)
  })
})

describe('chaos fault plans', () => {
  it('replay from the seed and keep holds within 1-8 s (daemon pauses 0.2-3 s)', () => {
    const plans = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({length: 200}, (_, i) => planRound(random, {nodes: 3, allowed: FAULT_TYPES, round: i + 1, cycle: false, maxHoldMs: 8000}))
    }
    assert.deepEqual(plans(7), plans(7))
    assert.notDeepEqual(plans(7), plans(8))
    const seen = new Set(plans(7).map((p) => p.type))
    assert.deepEqual([...seen].sort(), [...FAULT_TYPES].sort(), 'every type comes up in 200 rounds')
    for (const plan of plans(7)) {
      const pause = plan.faults.every((f) => f.type === 'daemon-pause')
      assert.ok(plan.holdMs >= (pause ? 200 : 1000) && plan.holdMs <= (pause ? 3000 : 8000), `${plan.type} ${plan.holdMs}`)
      if (plan.type === 'double') assert.equal(new Set(plan.faults.map((f) => f.type)).size, 2)
    }
  })

  it('cycles through the allowed types in order when asked', () => {
    const random = seededRandom(1)
    const types = Array.from({length: 4}, (_, i) => planRound(random, {nodes: 3, allowed: ['loss', 'partition'], round: i + 1, cycle: true, maxHoldMs: 2000}).type)
    assert.deepEqual(types, ['loss', 'partition', 'loss', 'partition'])
  })
})
