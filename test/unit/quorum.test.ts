import {strict as assert} from 'node:assert'
import {afterStable, evaluateQuorum, onViewInstalled, type QuorumConfig, type QuorumHistory} from '../../src/core/quorum/votequorum.js'
import {seededRandom} from '../../src/core/random.js'

// The reference: votequorum(5) read literally, written the dumb way.
function reference(config: QuorumConfig, history: QuorumHistory, members: number[]): boolean {
  let total = 0
  for (const node of config.nodes) if (members.includes(node.id)) total += node.votes
  let configured = 0
  for (const node of config.nodes) configured += node.votes
  let expected = history.lowered !== undefined ? history.lowered : config.expectedVotes !== undefined ? config.expectedVotes : configured
  if (total > expected) expected = total
  if (expected < 1) expected = 1
  let quorate
  if (config.twoNode && expected === 2) quorate = total >= 1
  else quorate = 2 * total > expected
  if (config.autoTieBreaker && 2 * total === expected) {
    let lowest = Infinity
    for (const node of config.nodes) if (node.id < lowest) lowest = node.id
    if (members.includes(lowest)) quorate = true
  }
  if (config.waitForAll || config.twoNode) {
    let all = true
    for (const node of config.nodes) if (!members.includes(node.id)) all = false
    if (!history.seenAll && !all) quorate = false
  }
  return quorate
}

describe('votequorum arithmetic', () => {
  it('agrees with the reference on 20,000 random cases', () => {
    const random = seededRandom(7)
    for (let i = 0; i < 20_000; i++) {
      const count = random.int(1, 9)
      const ids: number[] = []
      for (let k = 0, id = 0; k < count; k++) ids.push(id += random.int(1, 3))
      const nodes = ids.map((id) => ({id, votes: random.int(0, 3)}))
      const config: QuorumConfig = {
        nodes,
        ...(random.chance(0.3) ? {expectedVotes: random.int(1, 12)} : {}),
        twoNode: count === 2 && random.chance(0.5),
        waitForAll: random.chance(0.3),
        lastManStanding: false,
        lastManStandingWindowMs: 0,
        autoTieBreaker: random.chance(0.3),
      }
      const history: QuorumHistory = {seenAll: random.chance(0.5), ...(random.chance(0.2) ? {lowered: random.int(1, 6)} : {})}
      const members = ids.filter(() => random.chance(0.6))
      const got = evaluateQuorum(config, history, members).quorate
      assert.equal(got, reference(config, history, members), `case ${i}: ${JSON.stringify({config, history, members})}`)
    }
  })

  const base = (n: number, extra: Partial<QuorumConfig> = {}): QuorumConfig => ({
    nodes: Array.from({length: n}, (_, i) => ({id: i + 1, votes: 1})), twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 10_000, autoTieBreaker: false, ...extra,
  })

  it('majority of expected votes', () => {
    assert.equal(evaluateQuorum(base(5), {seenAll: true}, [1, 2, 3]).quorate, true)
    assert.equal(evaluateQuorum(base(5), {seenAll: true}, [4, 5]).quorate, false)
    assert.equal(evaluateQuorum(base(4), {seenAll: true}, [1, 2]).quorate, false)
    assert.equal(evaluateQuorum(base(5), {seenAll: true}, [1, 2, 3]).quorum, 3)
  })

  it('two_node: one node is quorate once both were seen', () => {
    const config = base(2, {twoNode: true, waitForAll: true})
    assert.equal(evaluateQuorum(config, {seenAll: false}, [1]).quorate, false)
    assert.equal(evaluateQuorum(config, {seenAll: true}, [2]).quorate, true)
  })

  it('auto_tie_breaker: the half with the lowest node id wins a 50/50 split', () => {
    const config = base(4, {autoTieBreaker: true})
    assert.equal(evaluateQuorum(config, {seenAll: true}, [1, 4]).quorate, true)
    assert.equal(evaluateQuorum(config, {seenAll: true}, [2, 3]).quorate, false)
  })

  it('last_man_standing lowers expected votes after the window, one step at a time', () => {
    const config = base(5, {lastManStanding: true, lastManStandingWindowMs: 1000})
    let history: QuorumHistory = onViewInstalled(config, {seenAll: false}, [1, 2, 3, 4, 5])
    history = onViewInstalled(config, history, [1, 2, 3])
    assert.equal(evaluateQuorum(config, history, [1, 2, 3]).expectedVotes, 5)
    history = afterStable(config, history, [1, 2, 3], 999, true)
    assert.equal(history.lowered, undefined)
    history = afterStable(config, history, [1, 2, 3], 1000, true)
    assert.equal(evaluateQuorum(config, history, [1, 2, 3]).expectedVotes, 3)
    assert.equal(evaluateQuorum(config, history, [1, 2]).quorate, true)
    history = onViewInstalled(config, history, [1, 2, 3, 4, 5])
    assert.equal(evaluateQuorum(config, history, [1, 2, 3, 4, 5]).expectedVotes, 5)
  })
})
