import assert from 'node:assert/strict'
import {humanDuration, humanizeTimes, humanSize, relativeTime} from '../../src/cli/human-time.js'
import {closest, suggestCommand} from '../../src/cli/suggest.js'
import {newLines, PlainFollower} from '../../src/cli/watch-lines.js'

describe('cli: times for people, did-you-mean, plain watch lines', () => {
  it('durations in the two largest units', () => {
    assert.equal(humanDuration(250), '250 ms')
    assert.equal(humanDuration(1500), '1.5 s')
    assert.equal(humanDuration(45_000), '45 s')
    assert.equal(humanDuration(200_000), '3 min 20 s')
    assert.equal(humanDuration(3_600_000), '1 h')
    assert.equal(humanDuration(7_500_000), '2 h 5 min')
    assert.equal(humanDuration(90_061_000), '1 d 1 h')
    assert.equal(relativeTime(1000, 61_000), '1 min ago')
    assert.equal(humanSize(1234), '1.2 kB')
  })

  it('no raw epoch milliseconds: until/Recheck become durations (and clock times on a real clock)', () => {
    assert.equal(humanizeTimes('* Hold vip ( n1 ) until 5000ms due to safety delay', 1000), '* Hold vip ( n1 ) for another 4 s due to safety delay')
    const now = Date.UTC(2026, 10, 26, 3, 0, 0)
    assert.equal(humanizeTimes(`Recheck at ${now + 90_000}ms (a failure expires or a safety delay ends).`, now), 'Recheck in 1 min 30 s (2026-11-26T03:01:30Z) (a failure expires or a safety delay ends).')
  })

  it('did you mean: transpositions and prefixes', () => {
    assert.equal(closest('stauts', ['status', 'simulate']), 'status')
    assert.equal(closest('xyzzy', ['status', 'simulate']), undefined)
    assert.equal(suggestCommand('resource:updat:web', ['resource:update', 'resource:list']), 'resource:update')
  })

  it('plain watch lines: everything once, then only new lines, stamped', () => {
    assert.deepEqual(newLines(['a', 'b', 'b'], ['a', 'b', 'b', 'c']), ['c'])
    const f = new PlainFollower()
    assert.deepEqual(f.next('A\n  Last updated: 1\nB', '10:00:00'), ['A', '  Last updated: 1', 'B'])
    assert.deepEqual(f.next('A\n  Last updated: 2\nB', '10:00:01'), [])
    assert.deepEqual(f.next('A\n  Last updated: 3\nC', '10:00:02'), ['10:00:02 C'])
  })
})
