import {strict as assert} from 'node:assert'
import {MembershipMachine, type MembershipConfig, type Outgoing} from '../../src/core/membership/index.js'
import type {QuorumConfig} from '../../src/core/quorum/votequorum.js'
import {seededRandom, type Random} from '../../src/core/random.js'

// The daemon sleeps until nextDeadline() instead of ticking every 10 ms. Here a
// lock-step network (1 ms steps, packets arrive 1 ms later unless a directed link
// is cut) steps each node only when a packet arrives or its deadline has passed.
// Probes — extra ticks at random moments before a node's deadline — must never
// send anything or change its status: otherwise the deadline missed a timer.
class DeadlineNet {
  readonly machines = new Map<number, MembershipMachine>()
  readonly cut = new Set<string>()
  readonly timerSteps = new Map<number, number>()
  probes = 0
  now = 0
  private readonly deadline = new Map<number, number>()
  private readonly wakeAt = new Map<number, number>()
  private queue: Array<{at: number, to: number, from: number, out: Outgoing, inc: number}> = []
  private readonly quorum: QuorumConfig

  constructor(readonly ids: number[], private readonly random: Random, quorum: Partial<QuorumConfig> = {}) {
    this.quorum = {nodes: ids.map((id) => ({id, votes: 1})), twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 1000, autoTieBreaker: false, ...quorum}
    for (const id of ids) this.boot(id, 1)
  }

  boot(id: number, inc: number): void {
    const config: MembershipConfig = {selfId: id, nodes: this.quorum.nodes, heartbeatMs: 50, tokenMs: 250, linkLossMs: 500, consensusMs: 100, settleMs: 50, pauseMs: 100, quorum: this.quorum}
    this.machines.set(id, new MembershipMachine(config, inc))
    this.step(id, {type: 'tick'})
  }

  crash(id: number): void {
    this.machines.delete(id)
    this.wakeAt.delete(id)
    this.deadline.delete(id)
  }

  private step(id: number, event: Parameters<MembershipMachine['step']>[0]): void {
    const m = this.machines.get(id)!
    const ready = m.step(event, this.now)
    for (const out of ready.outbox) {
      for (const to of this.ids) if (to !== id && !this.cut.has(`${id}>${to}`)) this.queue.push({at: this.now + 1, to, from: id, out, inc: m.self.inc})
    }
    // As the daemon: one millisecond past the deadline.
    this.deadline.set(id, m.nextDeadline(this.now))
    this.wakeAt.set(id, Math.ceil(this.deadline.get(id)!) + 1)
  }

  private probe(id: number): void {
    const m = this.machines.get(id)!
    const before = JSON.stringify(m.status())
    const ready = m.step({type: 'tick'}, this.now)
    this.probes++
    assert.deepEqual(ready.outbox, [], `node ${id} sent at ${this.now} ms, before its deadline ${this.deadline.get(id)}`)
    assert.deepEqual(ready.notifications, [], `node ${id} changed its view at ${this.now} ms, before its deadline ${this.deadline.get(id)}`)
    assert.equal(JSON.stringify(m.status()), before)
  }

  run(ms: number, probeChance = 0): void {
    const end = this.now + ms
    for (; this.now < end; this.now++) {
      const due = this.queue.filter((p) => p.at <= this.now)
      this.queue = this.queue.filter((p) => p.at > this.now)
      for (const p of due) if (this.machines.get(p.to)?.self.inc !== undefined) this.step(p.to, {type: 'receive', packet: {from: p.from, inc: p.inc, seq: p.out.seq, msg: p.out.msg}})
      for (const [id] of this.machines) {
        if (this.now >= this.wakeAt.get(id)!) {
          this.timerSteps.set(id, (this.timerSteps.get(id) ?? 0) + 1)
          this.step(id, {type: 'tick'})
        } else if (this.now < this.deadline.get(id)! && probeChance > 0 && this.random.next() < probeChance) this.probe(id)
      }
    }
  }

  agreed(ids: number[], members: number[]): boolean {
    const s = ids.map((id) => this.machines.get(id)!.status())
    return s.every((x) => x.phase === 'usable' && x.quorate && x.viewId === s[0].viewId && x.members.map((m) => m.id).join() === members.join())
  }
}

describe('membership state machine driven by nextDeadline()', () => {
  it('three nodes agree, and an idle node wakes on its own only about once per heartbeat', () => {
    const net = new DeadlineNet([1, 2, 3], seededRandom(1))
    net.run(1000)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3]))
    net.timerSteps.clear()
    net.run(10_000)
    assert.ok(net.agreed([1, 2, 3], [1, 2, 3]))
    // A 10 ms tick would be 1000 wakeups; a heartbeat every 50 ms is 200.
    for (const id of [1, 2, 3]) assert.ok((net.timerSteps.get(id) ?? 0) <= 210, `node ${id} woke ${net.timerSteps.get(id)} times in 10 s`)
  })

  it('a crash is noticed and agreed on as fast as with a fixed 10 ms tick', () => {
    const net = new DeadlineNet([1, 2, 3], seededRandom(2))
    net.run(1000)
    net.crash(3)
    net.ids.splice(2, 1)
    // token 250 + settle 50 + a round trip or two (the fixed-tick test allows 250 + a tick margin).
    net.run(320)
    assert.ok(net.agreed([1, 2], [1, 2]))
  })

  for (const seed of [3, 4, 5, 6, 7, 8]) {
    it(`no tick before the deadline changes anything (cuts, crashes, restarts; seed ${seed})`, () => {
      const random = seededRandom(seed)
      const net = new DeadlineNet([1, 2, 3, 4, 5], random, {lastManStanding: seed % 2 === 0})
      net.run(600, 0.2)
      for (let round = 0; round < 12; round++) {
        const a = 1 + random.int(0, 4)
        const b = 1 + random.int(0, 4)
        switch (random.int(0, 3)) {
          case 0: if (a !== b) net.cut.add(`${a}>${b}`); break
          case 1: net.cut.clear(); break
          case 2: if (net.machines.has(a) && net.machines.size > 2) net.crash(a); break
          case 3: if (!net.machines.has(a)) net.boot(a, 2 + round); break
        }
        net.run(random.int(30, 400), 0.2)
      }
      net.cut.clear()
      for (const id of [1, 2, 3, 4, 5]) if (!net.machines.has(id)) net.boot(id, 100)
      net.run(2000, 0.2)
      assert.ok(net.agreed([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), 'converges once healed')
      assert.ok(net.probes > 1000)
    })
  }
})
