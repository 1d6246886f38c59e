import {strict as assert} from 'node:assert'
import {MembershipMachine, type MembershipConfig, type Outgoing, type ViewStatus} from '../../src/core/membership/index.js'
import type {QuorumConfig} from '../../src/core/quorum/votequorum.js'

// A tiny lock-step network: every node ticks every 10 ms; packets arrive 1 ms
// later unless the directed link is cut. Deterministic, no randomness.
export class Net {
  readonly machines = new Map<number, MembershipMachine>()
  readonly cut = new Set<string>()
  readonly paused = new Set<number>()
  readonly history = new Map<number, ViewStatus[]>()
  now = 0
  private queue: Array<{at: number, to: number, from: number, out: Outgoing, inc: number}> = []

  constructor(readonly ids: number[], quorum: Partial<QuorumConfig> = {}) {
    const q: QuorumConfig = {nodes: ids.map((id) => ({id, votes: 1})), twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 1000, autoTieBreaker: false, ...quorum}
    for (const id of ids) this.boot(id, 1, q)
  }

  config(id: number, quorum: QuorumConfig): MembershipConfig {
    return {selfId: id, nodes: quorum.nodes, heartbeatMs: 50, tokenMs: 250, linkLossMs: 500, consensusMs: 100, settleMs: 50, pauseMs: 100, quorum}
  }

  boot(id: number, inc: number, quorum = this.machines.get(this.ids[0])!.config.quorum): void {
    this.machines.set(id, new MembershipMachine(this.config(id, quorum), inc))
  }

  private apply(id: number, ready: ReturnType<MembershipMachine['step']>): void {
    const m = this.machines.get(id)!
    for (const out of ready.outbox) {
      for (const to of this.ids) if (to !== id && !this.cut.has(`${id}>${to}`)) this.queue.push({at: this.now + 1, to, from: id, out, inc: m.self.inc})
    }
    if (ready.notifications.length) this.history.set(id, [...(this.history.get(id) ?? []), ...ready.notifications])
  }

  run(ms: number): void {
    const end = this.now + ms
    for (; this.now < end; this.now++) {
      const due = this.queue.filter((p) => p.at <= this.now)
      this.queue = this.queue.filter((p) => p.at > this.now)
      for (const p of due) {
        if (this.paused.has(p.to) || !this.machines.has(p.to)) {
          if (this.paused.has(p.to)) this.queue.push({...p, at: this.now + 1})
          continue
        }
        this.apply(p.to, this.machines.get(p.to)!.step({type: 'receive', packet: {from: p.from, inc: p.inc, seq: p.out.seq, msg: p.out.msg}}, this.now))
      }
      if (this.now % 10 === 0) for (const [id, m] of this.machines) if (!this.paused.has(id)) this.apply(id, m.step({type: 'tick'}, this.now))
    }
  }

  status(id: number): ViewStatus {
    return this.machines.get(id)!.status()
  }

  agreed(ids: number[], members: number[], quorate: boolean): boolean {
    const s = ids.map((id) => this.status(id))
    return s.every((x) => x.phase === 'usable' && x.viewId === s[0].viewId && x.quorate === quorate && x.members.map((m) => m.id).join() === members.join())
  }

  viewChanges(id: number): number {
    return (this.history.get(id) ?? []).length
  }
}

describe('membership state machine', () => {
  it('three nodes agree on one quorate view, DC lowest id', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
    assert.equal(net.status(2).dc, 1)
  })

  it('a crashed node is removed after token + settle, and the view id grows', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    const before = net.status(1).viewId
    net.machines.delete(3)
    net.ids.splice(2, 1)
    net.run(250)
    assert.ok(!net.agreed([1, 2], [1, 2], true), 'not before the token expires')
    net.run(400)
    assert.ok(net.agreed([1, 2], [1, 2], true))
    assert.ok(net.status(1).viewId > before)
  })

  it('a restarted node (new incarnation) is a new join', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    net.boot(3, 2)
    net.run(1000)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
    assert.equal(net.status(1).members.find((m) => m.id === 3)!.inc, 2)
  })

  it('a one-way cut drops the link at both ends; a clique stays quorate without flapping', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    net.cut.add('1>3')
    net.run(1500)
    assert.ok(net.agreed([1, 2], [1, 2], true), JSON.stringify([1, 2, 3].map((id) => net.status(id))))
    const changes = [1, 2, 3].map((id) => net.viewChanges(id))
    net.run(5000)
    assert.deepEqual([1, 2, 3].map((id) => net.viewChanges(id)), changes, 'no view change while the cut is steady')
    net.cut.clear()
    net.run(1500)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
  })

  it('a node behind one cut link is vouched for by the others: no view change for two tokens (less the echo lag), then one end is left out', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    const changes = [1, 2, 3].map((id) => net.viewChanges(id))
    // Both directions between 1 and 3: each still reaches 2, which hears both.
    net.cut.add('1>3')
    net.cut.add('3>1')
    // The last round trip before the cut may be two heartbeats old already.
    net.run(2 * 250 - 2 * 50 - 50)
    assert.deepEqual([1, 2, 3].map((id) => net.viewChanges(id)), changes, 'nobody suspected, nobody left, within 2 tokens')
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
    net.run(1500)
    assert.ok(net.agreed([1, 2], [1, 2], true), JSON.stringify([1, 2, 3].map((id) => net.status(id))))
    net.cut.clear()
    net.run(1500)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
  })

  it('a node cut off from everyone leaves its view within a token of its last round trip, before the others agree without it', () => {
    const net = new Net([1, 2, 3, 4, 5])
    net.run(1000)
    for (const other of [1, 2, 3, 4]) {
      net.cut.add(`5>${other}`)
      net.cut.add(`${other}>5`)
    }
    let leftAt = -1
    let othersAt = -1
    for (let t = 0; t < 1000 && othersAt < 0; t++) {
      net.run(1)
      if (leftAt < 0 && net.status(5).phase !== 'usable') leftAt = net.now
      if (othersAt < 0 && net.agreed([1, 2, 3, 4], [1, 2, 3, 4], true)) othersAt = net.now
    }
    assert.ok(leftAt > 0 && othersAt > 0, `left at ${leftAt}, others agreed at ${othersAt}`)
    assert.ok(leftAt < othersAt, `node 5 left at ${leftAt}, after the others agreed at ${othersAt}`)
    assert.equal(net.status(5).quorate, false)
  })

  it('a node that reaches only a minority of its view leaves it although its links are not cut yet', () => {
    const net = new Net([1, 2, 3, 4, 5])
    net.run(1000)
    // 5 still reaches 1 both ways; 1 vouches for everyone, so nobody is suspected, but
    // 5's round trips cover 2 of 5 votes: it must not stay quorate in the old view.
    for (const other of [2, 3, 4]) {
      net.cut.add(`5>${other}`)
      net.cut.add(`${other}>5`)
    }
    net.run(300)
    assert.equal(net.status(5).quorate, false, JSON.stringify(net.status(5)))
  })

  it('measures each link\'s round-trip time without the peer\'s hold time', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    // Packets take 1 ms each way here; the peer's heartbeat timer is not part of it.
    const rtt = net.machines.get(1)!.rttMs(2, net.now)
    assert.ok(rtt !== undefined && rtt >= 1 && rtt <= 3, `rtt ${rtt}`)
    assert.equal(net.machines.get(1)!.rttMs(9, net.now), undefined)
  })

  it('a paused DC that wakes up drops its stale view before anything else', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    net.paused.add(1)
    net.run(1500)
    assert.ok(net.agreed([2, 3], [2, 3], true))
    net.paused.delete(1)
    // Its first step (with the packets that waited for it) must not leave it quorate.
    const ready = net.machines.get(1)!.step({type: 'tick'}, net.now)
    assert.equal(net.status(1).quorate, false, JSON.stringify(ready.notifications))
    net.run(1500)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3], true))
  })

  it('a minority partition is not quorate; with auto_tie_breaker the half holding node 1 is', () => {
    const net = new Net([1, 2, 3, 4], {autoTieBreaker: true})
    net.run(1000)
    for (const a of [1, 2]) for (const b of [3, 4]) net.cut.add(`${a}>${b}`).add(`${b}>${a}`)
    net.run(1500)
    assert.ok(net.agreed([1, 2], [1, 2], true))
    assert.ok(net.agreed([3, 4], [3, 4], false))
  })

  it('wait_for_all: not quorate until every node was seen once', () => {
    const net = new Net([1, 2, 3], {waitForAll: true})
    net.machines.delete(3)
    net.ids.splice(2, 1)
    net.run(1000)
    assert.ok(net.agreed([1, 2], [1, 2], false))
  })

  it('peerHeardUsAgo: how long ago each peer heard this node, from its echo; it grows once a one-way cut silences us, though the link still reads fresh', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    const before = net.machines.get(2)!.peerHeardUsAgo(net.now)
    for (const id of [1, 3]) assert.ok(before[id] <= 2 * 50 + 10, `n${id} heard n2 ${before[id]} ms ago`)
    net.cut.add('2>1')
    net.run(200)
    const after = net.machines.get(2)!.peerHeardUsAgo(net.now)
    assert.ok(after[1] >= 200, `n1 last heard n2 before the cut: ${after[1]} ms ago`)
    assert.ok(after[3] <= 2 * 50 + 10, `n3 still hears n2: ${after[3]} ms ago`)
    assert.ok(net.machines.get(2)!.peerFreshIds(net.now)[1]?.includes(2), 'n1 still reports its link to n2 fresh (two tokens)')
  })

  it('quorateWithout: whether the installed view stays quorate once these nodes stop (what cluster stop refuses)', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    const m = net.machines.get(1)!
    assert.equal(m.quorateWithout([3]), true)
    assert.equal(m.quorateWithout([1]), true)
    assert.equal(m.quorateWithout([2, 3]), false)
    net.cut.add('3>1').add('3>2').add('1>3').add('2>3')
    net.run(1000)
    assert.ok(net.agreed([1, 2], [1, 2], true))
    assert.equal(m.quorateWithout([2]), false, 'two of three left: stopping either loses quorum')
    assert.equal(net.machines.get(3)!.quorateWithout([]), false, 'a node in no quorate view: false')
  })

  it('peerFreshIds leaves out a node nobody heard within the token, though a peer\'s last report still calls it fresh', () => {
    const net = new Net([1, 2, 3])
    net.run(1000)
    // n3 dies; n2 stops hearing n1 just before n1 would suspect n3, so n2 holds n1's
    // last report, which still lists n3 fresh (n1 is still fresh to n2 on its own hearing).
    net.cut.add('3>1').add('3>2')
    net.run(250 - 60)
    net.cut.add('1>2')
    net.run(80)
    const n2 = net.machines.get(2)!
    assert.equal(n2.freshPeers(net.now).join(), '1', 'n2 still counts n1 fresh')
    assert.deepEqual(n2.peerFreshIds(net.now)[1], [2], 'n3, dead a token ago by every report, is left out')
    // Control: a live n3 that only n1 hears stays in n1's list.
    const live = new Net([1, 2, 3])
    live.run(1000)
    live.cut.add('3>2').add('2>3')
    live.run(100)
    assert.deepEqual(live.machines.get(2)!.peerFreshIds(live.now)[1], [2, 3], 'n1 heard n3 within the token: it stays')
  })
})
