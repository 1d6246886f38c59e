import {strict as assert} from 'node:assert'
import {timingOf} from '../../src/core/membership/config.js'
import {render} from '../../src/commands/membership.js'

describe('membership timing and rendering', () => {
  it('worst-case figures follow the formulas printed by hactl cluster timing', () => {
    const f = timingOf({heartbeat: 50, token: 300, consensus: 100})
    assert.equal(f.detectMs, 300 + 5 + 10)
    assert.equal(f.agreeMs, 315 + 50 + 15 + 10)
    assert.equal(f.linkLossMs, 600)
    assert.equal(f.lossesTolerated, 10)
    assert.equal(f.lossesToleratedEverywhere, 4)
    const slower = timingOf({heartbeat: 100, token: 1000, consensus: 1200})
    assert.ok(slower.agreeMs > f.agreeMs)
    assert.equal(slower.tickMs, 10)
  })

  it('hactl membership renders view, quorum, DC, links and non-zero drop counters', () => {
    const dropped = {truncated: 0, oversized: 0, 'bad-magic': 3, 'bad-version': 0, 'foreign-cluster': 0, 'crypto-mismatch': 0, 'unknown-type': 0, 'unknown-sender': 0, 'own-packet': 0, 'auth-failed': 2, duplicate: 0, replayed: 0, malformed: 0, 'not-for-us': 0}
    const text = render({
      nodeId: 1, incarnation: 9, transport: 'udp', crypto: 'aes256gcm', reachable: [2], rttMs: {2: 0.4},
      view: {viewId: 4, phase: 'usable', members: [{id: 1, name: 'a', votes: 1}, {id: 2, name: 'b', votes: 1}], quorate: true, dc: 1, expectedVotes: 3, totalVotes: 2, joined: [], left: [], reason: 'startup'},
      links: [{link: 0, localAddr: '10.0.0.1', sentPackets: 5, sentBytes: 500, receivedPackets: 4, receivedBytes: 400, sendErrors: 0, peersUp: [2], up: true}],
      counters: {sentPackets: 5, sentBytes: 500, receivedPackets: 4, receivedBytes: 400, accepted: 4, dropped, appSent: 0, appReceived: 0},
    })
    assert.match(text, /view 4 agreed, quorate, votes 2\/3, DC a/)
    assert.match(text, /dropped bad-magic 3, auth-failed 2;/)
    assert.match(text, /link 0 10\.0\.0\.1 +up/)
  })
})
