// Unit tests of the replication state machine: one step at a time, messages carried by hand.
import assert from 'node:assert/strict'
import type {ConfigEdit} from '../../src/core/config/edits.js'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {
  committedConfig, initialState, isReady, nextTerm, positionOf, step, type Message, type Output, type ReplicationState, type View,
} from '../../src/core/replication/index.js'

const edit = (mark: string): ConfigEdit => ({op: 'node.attribute', name: 'n1', attributes: {mark}})
const markOf = (config: ResourceConfig | undefined) => config?.nodes[0]?.attributes.mark
const marked = (config: ResourceConfig, mark: string): ResourceConfig => ({
  ...config, nodes: [{name: 'n1', attributes: {mark}, utilization: {}, standby: false, maintenance: false}],
})

function view(viewId: number, members: number[], expected = members.length, quorate = members.length * 2 > expected): View {
  const votes = Object.fromEntries(Array.from({length: Math.max(expected, ...members)}, (_, i) => [i + 1, 1]))
  return {viewId, members, quorate, dc: quorate ? Math.min(...members) : undefined, expectedVotes: expected, votes}
}

/** A tiny cluster driven by hand: outputs are collected, messages delivered when asked. */
class Bench {
  states = new Map<number, ReplicationState>()
  sent: Array<{from: number, to: number, message: Message}> = []
  outputs = new Map<number, Output[]>()

  constructor(ids: number[]) {
    for (const id of ids) this.states.set(id, initialState(id))
  }

  feed(id: number, event: Parameters<typeof step>[1]): Output[] {
    const {state, outputs} = step(this.states.get(id)!, event)
    this.states.set(id, state)
    this.outputs.set(id, [...(this.outputs.get(id) ?? []), ...outputs])
    for (const o of outputs) {
      if (o.type === 'send') this.sent.push({from: id, to: o.to, message: o.message})
      // Disks here are instant: every persist is confirmed at once.
      if (o.type === 'persist') this.feed(id, {type: 'persisted', position: positionOf(o.record)})
    }
    return outputs
  }

  /** Delivers queued messages (only to `only` when given) until none is left. */
  deliver(only?: number[]): void {
    for (let guard = 0; guard < 1000; guard++) {
      const at = this.sent.findIndex((m) => only === undefined || (only.includes(m.to) && only.includes(m.from)))
      if (at < 0) return
      const [m] = this.sent.splice(at, 1)
      this.feed(m.to, {type: 'message', from: m.from, message: m.message})
    }
  }

  replies(id: number) {
    return (this.outputs.get(id) ?? []).filter((o) => o.type === 'reply')
  }
}

describe('replication state machine', () => {
  it('a single-node cluster becomes ready and acknowledges writes only once its disk has them', () => {
    let r = step(initialState(1), {type: 'view', view: view(1, [1])})
    const restamp = r.outputs.find((o) => o.type === 'persist')
    assert.ok(restamp?.type === 'persist')
    assert.equal(r.outputs.some((o) => o.type === 'ready'), false)
    r = step(r.state, {type: 'clientWrite', requestId: 'a', edit: edit('x')})
    assert.deepEqual(r.outputs, [], 'a write waits while the DC is not ready')
    r = step(r.state, {type: 'persisted', position: positionOf(restamp.record)})
    assert.ok(isReady(r.state))
    const write = r.outputs.find((o) => o.type === 'persist')
    assert.ok(write?.type === 'persist')
    assert.equal(r.outputs.some((o) => o.type === 'reply'), false, 'answered before the disk confirmed')
    r = step(r.state, {type: 'persisted', position: positionOf(write.record)})
    const reply = r.outputs.find((o) => o.type === 'reply')
    assert.ok(reply?.type === 'reply' && reply.result.ok)
    assert.equal(markOf(reply.result.config), 'x')
    assert.equal(reply.result.config.epoch, 1)
    assert.equal(markOf(committedConfig(r.state)), 'x')
  })

  it('a member that learns of the view after the DC answers the DC\'s early sync request when the view arrives', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(1, [1, 2, 3])})
    b.deliver()
    assert.ok(isReady(b.states.get(1)!))
    // View 2 (node 3 gone) reaches the DC first; its sync request reaches node 2 before node 2's view.
    b.feed(1, {type: 'view', view: view(2, [1, 2], 3)})
    b.deliver([1, 2])
    assert.equal(isReady(b.states.get(1)!), false, 'no member answered yet')
    b.feed(2, {type: 'view', view: view(2, [1, 2], 3)})
    b.deliver([1, 2])
    assert.ok(isReady(b.states.get(1)!), 'ready without a retransmission (no tick was fed)')
  })

  for (const order of ['DC first', 'members first'] as const) {
    it(`the same view re-announced with fewer expected votes (live node remove), ${order}: writes still commit`, () => {
      const b = new Bench([1, 2, 3])
      for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(6, [1, 2, 3], 4)})
      b.deliver()
      assert.ok(isReady(b.states.get(1)!))
      // The node list drops node 4: every node re-announces view 6 with 3 expected votes, the DC
      // restarts its sync, and its request may reach a member before or after the member's own
      // re-announcement. A member that granted and then forgot its grant ignored the DC's appends
      // for ever: the write below was never answered (hactl node remove hung on its config edit).
      const smaller = view(6, [1, 2, 3], 3)
      if (order === 'DC first') {
        b.feed(1, {type: 'view', view: smaller})
        b.deliver()
        for (const id of [2, 3]) b.feed(id, {type: 'view', view: smaller})
      } else {
        for (const id of [2, 3]) b.feed(id, {type: 'view', view: smaller})
        b.feed(1, {type: 'view', view: smaller})
      }
      b.deliver()
      assert.ok(isReady(b.states.get(1)!))
      b.feed(1, {type: 'clientWrite', requestId: 'after', edit: edit('after')})
      b.deliver()
      const reply = b.replies(1).find((o) => o.type === 'reply' && o.requestId === 'after')
      assert.ok(reply?.type === 'reply' && reply.result.ok, `the write is acknowledged: ${JSON.stringify(reply)}`)
      for (const id of [1, 2, 3]) assert.equal(markOf(committedConfig(b.states.get(id)!)), 'after', `node ${id} has it`)
    })
  }

  it('an early sync request for a view that never comes here is never answered', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(1, [1, 2, 3])})
    b.deliver()
    b.feed(1, {type: 'view', view: view(2, [1, 2], 3)})
    b.deliver([1, 2])
    // Node 2 goes on to view 3, whose DC is node 2 alone... with node 3: the old request is dropped.
    const out = b.feed(2, {type: 'view', view: view(3, [2, 3], 3)})
    assert.equal(out.some((o) => o.type === 'send' && o.message.type === 'sync-reply' && o.to === 1), false)
    assert.equal(b.states.get(2)!.early, undefined)
  })

  it('refuses writes without quorum, naming the votes, and changes nothing', () => {
    const s = step(initialState(4), {type: 'view', view: view(3, [4, 5], 5)}).state
    const r = step(s, {type: 'clientWrite', requestId: 'a', edit: edit('x')})
    assert.deepEqual(r.outputs, [{type: 'reply', requestId: 'a', result: {ok: false, error: {
      code: 'no-quorum', outcome: 'not-applied', message: 'this partition has no quorum (2 of 5 votes); writes are refused (reads work)',
    }}}])
    assert.equal(r.state.record, s.record)
  })

  it('a two_node survivor becomes ready on its own document but cannot acknowledge writes', () => {
    const b = new Bench([1])
    b.feed(1, {type: 'view', view: view(2, [1], 2, true)})
    assert.ok(isReady(b.states.get(1)!))
    b.feed(1, {type: 'clientWrite', requestId: 'a', edit: edit('x')})
    const [reply] = b.replies(1)
    assert.ok(reply.type === 'reply' && !reply.result.ok)
    assert.equal(!reply.result.ok && reply.result.error.message,
      'a change must be persisted by more than half of the 2 expected votes and this partition holds 1; writes are refused (reads work)')
  })

  it('acknowledges only when more than half of EXPECTED votes hold the change, not half of the members', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(5, [1, 2, 3], 5)})
    b.deliver()
    assert.ok(isReady(b.states.get(1)!))
    b.feed(1, {type: 'clientWrite', requestId: 'a', edit: edit('x')})
    b.deliver([1, 2]) // Only node 2 gets it: 2 of 5 votes.
    assert.equal(b.replies(1).length, 0)
    b.deliver()
    const [reply] = b.replies(1)
    assert.ok(reply.type === 'reply' && reply.result.ok)
  })

  it('a member acknowledges an append only after its disk confirmed it', () => {
    let s = step(initialState(2), {type: 'view', view: view(1, [1, 2, 3])}).state
    const term = nextTerm(0, 1)
    const have = {term: 0, epoch: 0, born: 0}
    const granted = step(s, {type: 'message', from: 1, message: {type: 'sync-request', viewId: 1, term, have}})
    // The promise is persisted before the answer goes out (outputs are carried out in order).
    assert.deepEqual(granted.outputs, [
      {type: 'persistTerm', term},
      {type: 'send', to: 1, message: {type: 'sync-reply', viewId: 1, promised: term, have, grants: term}},
    ])
    const config = {...s.record.config, epoch: 1}
    const r = step(granted.state, {type: 'message', from: 1, message: {type: 'append', viewId: 1, term, epoch: 1, born: term, config}})
    assert.deepEqual(r.outputs.map((o) => o.type), ['persist'])
    s = r.state
    const done = step(s, {type: 'persisted', position: {term, epoch: 1, born: term}})
    assert.deepEqual(done.outputs, [{type: 'send', to: 1, message: {type: 'ack', viewId: 1, term, epoch: 1, born: term}}])
  })

  it('ignores appends from anyone but the DC it promised its term to, in its current view', () => {
    let s = step(initialState(2), {type: 'view', view: view(4, [1, 2, 3])}).state
    const term = nextTerm(0, 1)
    s = step(s, {type: 'message', from: 1, message: {type: 'sync-request', viewId: 4, term, have: {term: 0, epoch: 0, born: 0}}}).state
    const config = {...s.record.config, epoch: 9}
    for (const [from, viewId, t] of [[3, 4, term], [1, 3, term], [1, 4, nextTerm(term, 1)]]) {
      const r = step(s, {type: 'message', from, message: {type: 'append', viewId, term: t, epoch: 9, born: t, config}})
      assert.deepEqual(r.outputs, [])
    }
  })

  it('refuses to promise a term lower than one it promised before, also after a restart', () => {
    const high = nextTerm(nextTerm(0, 3), 3)
    let s = initialState(2, {promisedTerm: high})
    s = step(s, {type: 'view', view: view(1, [1, 2, 3])}).state
    const r = step(s, {type: 'message', from: 1, message: {type: 'sync-request', viewId: 1, term: nextTerm(0, 1), have: {term: 0, epoch: 0, born: 0}}})
    assert.deepEqual(r.outputs, [{type: 'send', to: 1, message: {type: 'sync-reply', viewId: 1, promised: high, have: {term: 0, epoch: 0, born: 0}}}])
  })

  it('never takes a lower epoch: it reports its own and the DC raises the epoch above it', () => {
    let member = initialState(2, {record: {term: 3, born: 3, config: {...initialState(2).record.config, epoch: 7}}})
    member = step(member, {type: 'view', view: view(9, [1, 2, 3])}).state
    const term = nextTerm(3, 1)
    member = step(member, {type: 'message', from: 1, message: {type: 'sync-request', viewId: 9, term, have: {term: 0, epoch: 0, born: 0}}}).state
    const config = {...marked(member.record.config, 'other'), epoch: 4}
    const r = step(member, {type: 'message', from: 1, message: {type: 'append', viewId: 9, term, epoch: 4, born: term, config}})
    assert.equal(r.state.record, member.record)
    assert.deepEqual(r.outputs, [{type: 'send', to: 1, message: {type: 'sync-reply', viewId: 9, promised: term, have: {term: 3, epoch: 7, born: 3}}}])
  })

  it('a new DC adopts the highest (term, epoch) among members and raises the epoch above every other', () => {
    const b = new Bench([1, 2, 3])
    const base = initialState(1).record.config
    // Node 2 holds an acknowledged document of view 6; node 3 an uncommitted one of view 4 with a higher epoch.
    b.states.set(2, initialState(2, {record: {term: 6, born: 6, config: {...marked(base, 'acked'), epoch: 5}}}))
    b.states.set(3, initialState(3, {record: {term: 4, born: 4, config: {...marked(base, 'lost'), epoch: 8}}}))
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(10, [1, 2, 3])})
    b.deliver()
    const dc = b.states.get(1)!
    assert.ok(isReady(dc))
    assert.equal(markOf(committedConfig(dc)), 'acked')
    assert.equal(committedConfig(dc)?.epoch, 9)
    for (const id of [2, 3]) assert.deepEqual(b.states.get(id)!.record.config, committedConfig(dc))
  })

  it('compare-and-set: --if-epoch must match the current epoch', () => {
    const b = new Bench([1])
    b.feed(1, {type: 'view', view: view(1, [1])})
    b.feed(1, {type: 'clientWrite', requestId: 'a', edit: edit('x'), ifEpoch: 3})
    const [reply] = b.replies(1)
    assert.ok(reply.type === 'reply' && !reply.result.ok)
    assert.deepEqual(!reply.result.ok && reply.result.error, {
      code: 'epoch-mismatch', outcome: 'not-applied',
      message: 'the configuration is at epoch 0, not 3 (--if-epoch): it changed meanwhile; review it and retry',
    })
  })

  it('an invalid edit gets the ConfigError message and changes nothing', () => {
    const b = new Bench([1])
    b.feed(1, {type: 'view', view: view(1, [1])})
    const before = b.states.get(1)!.record
    b.feed(1, {type: 'clientWrite', requestId: 'a', edit: {op: 'resource.remove', id: 'web'}})
    const [reply] = b.replies(1)
    assert.ok(reply.type === 'reply' && !reply.result.ok)
    assert.deepEqual(!reply.result.ok && reply.result.error, {
      code: 'invalid-config', outcome: 'not-applied', message: 'resource "web" does not exist', reason: 'not-found',
    })
    assert.equal(b.states.get(1)!.record, before)
  })

  it('forwards writes to the DC, applies a retransmitted one only once', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(1, [1, 2, 3])})
    b.deliver()
    b.feed(2, {type: 'clientWrite', requestId: 'r', edit: {op: 'node.add', name: 'n9'}})
    const forward = b.sent.find((m) => m.message.type === 'forward')!
    b.sent.push({...forward}) // A duplicate on the wire.
    b.deliver()
    const replies = b.replies(2)
    assert.equal(replies.length, 1)
    assert.ok(replies[0].type === 'reply' && replies[0].result.ok)
    assert.equal(b.states.get(1)!.record.config.nodes.length, 1)
    assert.equal(b.states.get(1)!.record.config.epoch, 1)
  })

  it('a forwarded write pending when the view changes is answered "outcome unknown"', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(1, [1, 2, 3])})
    b.deliver()
    b.feed(2, {type: 'clientWrite', requestId: 'r', edit: edit('x')})
    b.feed(2, {type: 'view', view: view(2, [2, 3])})
    const [reply] = b.replies(2)
    assert.ok(reply.type === 'reply' && !reply.result.ok)
    assert.equal(!reply.result.ok && reply.result.error.code, 'dc-changed')
    assert.equal(!reply.result.ok && reply.result.error.outcome, 'unknown')
  })

  it('answers a forwarded write with timeout when the DC stays silent', () => {
    let s = step(initialState(2, {}, {forwardTimeoutTicks: 5}), {type: 'view', view: view(1, [1, 2, 3])}).state
    s = step(s, {type: 'clientWrite', requestId: 'r', edit: edit('x')}).state
    const replies: Output[] = []
    for (let t = 0; t < 5; t++) {
      const r = step(s, {type: 'tick'})
      s = r.state
      replies.push(...r.outputs.filter((o) => o.type === 'reply'))
    }
    assert.equal(replies.length, 1)
    assert.ok(replies[0].type === 'reply' && !replies[0].result.ok && replies[0].result.error.code === 'timeout')
  })

  it('drops malformed messages without a crash or a change', () => {
    const s = step(initialState(2), {type: 'view', view: view(1, [1, 2, 3])}).state
    const bad: unknown[] = [
      null, 42, 'append', {}, {type: 'nonsense', viewId: 1},
      {type: 'sync-request', viewId: 1, term: 65537},
      {type: 'sync-request', viewId: -1, term: 65537, have: {term: 0, epoch: 0, born: 0}},
      {type: 'append', viewId: 1, term: 65537, epoch: 1, born: 65537},
      {type: 'append', viewId: 1, term: 65537, epoch: 1, born: 65537, base: {epoch: 0, born: 0}, steps: [{epoch: 1, born: 65537, edits: 'x'}]},
      {type: 'append', viewId: 1, term: 65537, epoch: 1, born: 65537, config: {epoch: 1}},
      {type: 'forward-reply', requestId: 'r', result: {ok: true}},
      {type: 'ack', viewId: 1, term: '65537', epoch: 1, born: 1},
    ]
    for (const message of bad) {
      const r = step(s, {type: 'message', from: 1, message: message as Message})
      assert.deepEqual(r.outputs, [], JSON.stringify(message))
      assert.equal(r.state.record, s.record)
    }
  })

  it('never modifies the state it is given', () => {
    const b = new Bench([1, 2, 3])
    for (const id of [1, 2, 3]) b.feed(id, {type: 'view', view: view(1, [1, 2, 3])})
    b.deliver()
    const frozen = b.states.get(1)!
    const snapshot = JSON.stringify(frozen)
    b.feed(1, {type: 'clientWrite', requestId: 'a', edit: edit('x')})
    b.deliver()
    b.feed(1, {type: 'tick'})
    b.feed(1, {type: 'view', view: view(2, [1, 2])})
    assert.equal(JSON.stringify(frozen), snapshot)
  })
})
