import assert from 'node:assert/strict'
import {emptyConfig} from '../../src/core/config/defaults.js'
import {
  CONTROLLER_DEFAULTS, initialController, nextDeadline, parsePeerMessage, reportFromWire, reportToWire, stepController,
  type ControllerEvent, type ControllerOutput, type ControllerState, type ControllerView,
} from '../../src/core/controller/index.js'
import {ManualClock, wallTimeOf} from '../../src/daemon/clock.js'

const NODES = [1, 2, 3].map((id) => ({id, name: `n${id}`, votes: 1}))

function controller(selfId = 2): ControllerState {
  return initialController({
    ...CONTROLLER_DEFAULTS, selfId, nodes: NODES, tokenMs: 300, heartbeatMs: 50, evictAfterMs: 350, requestIdPrefix: `t${selfId}`,
  })
}

function run(state: ControllerState, ...events: ControllerEvent[]): {state: ControllerState, outputs: ControllerOutput[]} {
  const outputs: ControllerOutput[] = []
  for (const event of events) {
    const step = stepController(state, event)
    state = step.state
    outputs.push(...step.outputs)
  }
  return {state, outputs}
}

const view = (viewId: number, members: number[], quorate: boolean): ControllerView => ({viewId, members, quorate, dc: quorate ? Math.min(...members) : null, expectedVotes: 3})
const of = <T extends ControllerOutput['type']>(outputs: ControllerOutput[], type: T) => outputs.filter((o): o is Extract<ControllerOutput, {type: T}> => o.type === type)

describe('node controller', () => {
  it('drops malformed, foreign-version and unknown messages, counted, without a crash or a change', () => {
    let state = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]}).state
    const bad: unknown[] = [null, 42, 'x', {v: 2, ch: 'dc', viewId: 1, m: {t: 'report-request'}}, {ch: 'nope'}, {ch: 'dc', viewId: -1, m: {t: 'report-request'}},
      {ch: 'dc', viewId: 1, m: {t: 'action', transitionId: 1, action: {id: 'a', op: 'rm -rf', node: 'n2', reason: '', dependsOn: []}}},
      {ch: 'node', m: {t: 'report', full: true, epoch: 1, resources: {r: {role: 'weird', failCount: 0}}}}, {ch: 'repl', m: {type: 'append'}},
      {ch: 'dc', viewId: 1, m: {t: '__proto__'}}]
    for (const message of bad) {
      const step = stepController(state, {type: 'peer', nowMs: 1, from: 1, message})
      assert.ok(!step.outputs.some((o) => o.type !== 'log'), JSON.stringify(message))
      state = step.state
    }
    const total = Object.values(state.drops).reduce((a, b) => a + b, 0)
    assert.equal(total, bad.length)
    assert.equal(parsePeerMessage({ch: 'dc', viewId: 3, m: {t: 'report-request'}}).ok, true, 'a message without v is version 1')
  })

  it('a live node list change is the core\'s: the votes the no-quorum wait counts, the DC\'s books and the balancers\' addresses', async () => {
    const {withBalancers} = await import('../../src/core/balancer/index.js')
    let state = run(controller(1), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [2, 3]}).state
    state = {...state, orchestrator: withBalancers(state.orchestrator, {n1: '10.0.0.1', n2: '10.0.0.2', n3: '10.0.0.3'})}
    const nodes = [{id: 1, name: 'n1', votes: 1, addr: '10.0.0.1'}, {id: 2, name: 'n2', votes: 1, addr: '10.0.0.2'}, {id: 4, name: 'n4', votes: 2, addr: '10.0.0.4'}]
    const before = state
    state = run(state, {type: 'nodes-changed', nowMs: 5, nodes}).state
    assert.deepEqual(state.options.nodes, [{id: 1, name: 'n1', votes: 1}, {id: 2, name: 'n2', votes: 1}, {id: 4, name: 'n4', votes: 2}])
    assert.deepEqual(Object.keys(state.orchestrator.nodes).sort(), ['n1', 'n2', 'n4'])
    assert.equal(state.orchestrator.nodes.n4.online, false, 'a node just added is not online before it joins')
    assert.deepEqual((state.orchestrator as unknown as {balancer: {addresses: Record<string, string>}}).balancer.addresses, {n1: '10.0.0.1', n2: '10.0.0.2', n4: '10.0.0.4'})
    assert.deepEqual(Object.keys(before.orchestrator.nodes).sort(), ['n1', 'n2', 'n3'], 'the input state is left alone')
  })

  it('a cleanup or a fence asked on a node that is not the DC goes to the DC; the DC fences and answers the node that asked', () => {
    const state = run(controller(2), {type: 'view', nowMs: 0, view: view(4, [1, 2, 3], true), reachable: [1, 3]}).state
    const sent = (outputs: ControllerOutput[]) => of(outputs, 'send').map((o) => [o.to, (o.message as {m: {t: string}}).m.t])
    assert.deepEqual(sent(stepController(state, {type: 'client-cleanup', nowMs: 1, resource: 'web'}).outputs), [[1, 'cleanup-request']])
    assert.deepEqual(sent(stepController(state, {type: 'client-fence', nowMs: 1, requestId: 'r1', node: 'n3'}).outputs), [[1, 'fence-request']])
    // The DC is the target: the asking node runs the device itself (a delegate).
    assert.deepEqual(of(stepController(state, {type: 'client-fence', nowMs: 1, requestId: 'r2', node: 'n1'}).outputs, 'manual-fence'), [{type: 'manual-fence', requestId: 'r2', node: 'n1', from: 2}])
    // Without quorum: answered at once, nothing sent.
    const alone = run(controller(2), {type: 'view', nowMs: 0, view: view(5, [2], false), reachable: []}).state
    assert.deepEqual(of(stepController(alone, {type: 'client-fence', nowMs: 1, requestId: 'r3', node: 'n3'}).outputs, 'fence-reply'), [{type: 'fence-reply', requestId: 'r3', node: 'n3', fenced: false, device: null, error: 'no-dc'}])
    // The node takes the DC's reply for its request.
    const reply = stepController(state, {type: 'peer', nowMs: 2, from: 1, message: {v: 1, ch: 'dc', viewId: 4, m: {t: 'fence-reply', requestId: 'r1', node: 'n3', fenced: true, device: 'fd'}}})
    assert.deepEqual(of(reply.outputs, 'fence-reply'), [{type: 'fence-reply', requestId: 'r1', node: 'n3', fenced: true, device: 'fd'}])
    // On the DC: the request becomes a manual fence; its end answers the asking node.
    const dc = run(controller(1), {type: 'view', nowMs: 0, view: view(4, [1, 2, 3], true), reachable: [2, 3]}).state
    const asked = stepController(dc, {type: 'peer', nowMs: 1, from: 2, message: {v: 1, ch: 'node', viewId: 4, m: {t: 'fence-request', requestId: 'r1', node: 'n3'}}})
    // Not the active DC yet (replication not ready): a node message is dropped, counted.
    assert.equal(of(asked.outputs, 'manual-fence').length, 0)
    assert.equal(asked.state.drops['not-the-dc'], 1)
    const done = stepController(dc, {type: 'manual-fence-done', nowMs: 2, requestId: 'r1', from: 2, node: 'n3', fenced: true, device: 'fd'})
    assert.deepEqual(sent(done.outputs), [[2, 'fence-reply']])
    assert.equal(done.state.orchestrator.nodes.n3.leaving, true, 'the books take the fenced node as gone holding nothing')
  })

  it('obeys only the DC of its quorate view, in that view', () => {
    const state = run(controller(), {type: 'view', nowMs: 0, view: view(4, [1, 2, 3], true), reachable: [1, 3]}).state
    const action = {id: 'vip_start_n2', op: 'start', resource: 'vip', node: 'n2', reason: 'x', dependsOn: []}
    const fromDc = stepController(state, {type: 'peer', nowMs: 1, from: 1, message: {v: 1, ch: 'dc', viewId: 4, m: {t: 'action', transitionId: 1, action}}})
    assert.equal(of(fromDc.outputs, 'lrm-execute').length, 1)
    const otherNode = stepController(state, {type: 'peer', nowMs: 1, from: 3, message: {v: 1, ch: 'dc', viewId: 4, m: {t: 'action', transitionId: 1, action}}})
    assert.equal(of(otherNode.outputs, 'lrm-execute').length, 0)
    const oldView = stepController(state, {type: 'peer', nowMs: 1, from: 1, message: {v: 1, ch: 'dc', viewId: 3, m: {t: 'action', transitionId: 1, action}}})
    assert.equal(of(oldView.outputs, 'lrm-execute').length, 0)
    assert.equal(oldView.state.drops['not-my-dc'], 1)
  })

  it('no-quorum-policy=stop: stops at once when no majority is reachable', () => {
    const {outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]}, {type: 'view', nowMs: 10, view: view(2, [2], false), reachable: []})
    assert.deepEqual(of(outputs, 'lrm-stop-all').map((o) => o.reason), ['no quorum'])
  })

  it('no-quorum-policy=stop: a transient with a closed majority waits at most one token from its first view, whatever views follow', () => {
    const closed = {peerFresh: {1: [2, 3], 3: [1, 2]}, heardUsAgoMs: {1: 10, 3: 10}}
    let {state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]}, {type: 'view', nowMs: 100, view: view(1, [1, 2, 3], false), reachable: [1, 3], ...closed})
    assert.equal(of(outputs, 'lrm-stop-all').length, 0)
    assert.equal(nextDeadline(state), 125, 'looks at reachability every half heartbeat')
    ;({state, outputs} = run(state, {type: 'view', nowMs: 300, view: view(2, [1, 2], false), reachable: [1, 3], ...closed}, {type: 'tick', nowMs: 350, reachable: [1, 3], ...closed}))
    assert.equal(of(outputs, 'lrm-stop-all').length, 0)
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 400, reachable: [1, 3], ...closed}))
    assert.deepEqual(of(outputs, 'lrm-stop-all').map((o) => o.reason), ['no quorum'], 'given up at 100 + token, not pushed back by view 2')
    // Something that finishes starting after the stop is stopped too.
    ;({outputs} = run(state, {type: 'action-done', nowMs: 420, transitionId: 1, actionId: 'a', ok: true, resources: {vip: {role: 'started', failCount: 0}}}))
    assert.equal(of(outputs, 'lrm-stop-all').length, 1)
  })

  it('no-quorum-policy=stop: a reachable majority that reaches a node this one cannot reach is not waited out (one-way cut)', () => {
    // n2 reaches n1 only; n1 reaches n3 too, which n2 cannot reach: n1 and n3 may form a view without n2.
    const reports = {peerFresh: {1: [2, 3]}, heardUsAgoMs: {1: 10}}
    let {state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]}, {type: 'view', nowMs: 100, view: view(1, [1, 2, 3], false), reachable: [1], ...reports})
    assert.equal(of(outputs, 'lrm-stop-all').length, 0, 'half a heartbeat for the reports to catch up')
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 125, reachable: [1], ...reports}))
    assert.deepEqual(of(outputs, 'lrm-stop-all').map((o) => o.reason), ['no quorum'])
  })

  it('no-quorum-policy=stop: a peer that stopped hearing this node is no clique, though it still reports the link fresh', () => {
    // n2 hears n1 and n3; n1 last echoed a packet n2 sent 260 ms ago (more than token - heartbeat):
    // its link to n2 is still "fresh" for two tokens, but n1 may already agree a view without n2.
    const reports = {peerFresh: {1: [2, 3], 3: [1, 2]}, heardUsAgoMs: {1: 260, 3: 10}}
    let {state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]},
      {type: 'view', nowMs: 100, view: view(1, [1, 2, 3], false), reachable: [1, 3], ...reports})
    assert.equal(of(outputs, 'lrm-stop-all').length, 0)
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 125, reachable: [1, 3], ...reports}))
    assert.equal(of(outputs, 'lrm-stop-all').length, 1)
    // Nor is one that never echoed us, or a peer nothing is known of.
    for (const unknown of [{peerFresh: {1: [2, 3], 3: [1, 2]}, heardUsAgoMs: {3: 10}}, {peerFresh: {1: [2, 3], 3: [1, 2]}}, {heardUsAgoMs: {1: 10, 3: 10}}]) {
      ;({state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]},
        {type: 'view', nowMs: 100, view: view(1, [1, 2, 3], false), reachable: [1, 3], ...unknown}, {type: 'tick', nowMs: 125, reachable: [1, 3], ...unknown}))
      assert.equal(of(outputs, 'lrm-stop-all').length, 1, JSON.stringify(unknown))
    }
  })

  it('no-quorum-policy=stop: a survivor waits out the round of a node that joins before every survivor reports it fresh', () => {
    // n1 rejoins and proposes {1,2,3}; n3 heard n1 but its last report does not list n1 yet.
    const reports = {peerFresh: {1: [2, 3], 3: [2]}, heardUsAgoMs: {1: 20, 3: 10}}
    let {state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [2, 3], true), reachable: [3]},
      {type: 'view', nowMs: 100, view: view(1, [2, 3], false), reachable: [1, 3], ...reports},
      {type: 'tick', nowMs: 125, reachable: [1, 3], ...reports}, {type: 'tick', nowMs: 150, reachable: [1, 3], ...reports})
    assert.equal(of(outputs, 'lrm-stop-all').length, 0)
    ;({state, outputs} = run(state, {type: 'view', nowMs: 160, view: view(3, [1, 2, 3], true), reachable: [1, 3], ...reports}, {type: 'tick', nowMs: 500, reachable: [1, 3], ...reports}))
    assert.equal(of(outputs, 'lrm-stop-all').length, 0, 'quorate again: nothing was stopped')
  })

  it('clean leave: asks the DC even when holding nothing; after the grant, announces to every member and waits for acks', () => {
    let {state, outputs} = run(controller(), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 3]}, {type: 'shutdown', nowMs: 5, reason: 'SIGTERM', budgetMs: 5000})
    const asked = of(outputs, 'send').filter((o) => o.to === 1 && o.message.ch === 'node' && o.message.m.t === 'leave-request')
    assert.equal(asked.length, 1)
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 1005, reachable: [1, 3]}))
    assert.equal(of(outputs, 'send').filter((o) => o.message.ch === 'node').length, 1, 'asks again')
    ;({state, outputs} = run(state, {type: 'peer', nowMs: 1100, from: 1, message: {v: 1, ch: 'dc', viewId: 1, m: {t: 'leave-granted'}}}))
    assert.equal(of(outputs, 'lrm-stop-all').length, 1)
    ;({state, outputs} = run(state, {type: 'stopped-all', nowMs: 1101, reason: 'shutdown', durationMs: 1, active: []}))
    assert.deepEqual(of(outputs, 'send').filter((o) => o.message.ch === 'peer').map((o) => o.to).sort(), [1, 3])
    ;({state, outputs} = run(state, {type: 'peer', nowMs: 1102, from: 1, message: {v: 1, ch: 'peer', viewId: 1, m: {t: 'leaving-ack'}}}))
    assert.equal(of(outputs, 'leave-membership').length, 0)
    ;({outputs} = run(state, {type: 'peer', nowMs: 1103, from: 3, message: {v: 1, ch: 'peer', viewId: 1, m: {t: 'leaving-ack'}}}))
    assert.deepEqual(of(outputs, 'leave-membership'), [{type: 'leave-membership', clean: true}])
  })

  it('a member that heard a clean leave records it: the node is not unclean when it goes, even if this node becomes DC', () => {
    let {state} = run(controller(3), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [1, 2]})
    let outputs: ControllerOutput[]
    ;({state, outputs} = run(state, {type: 'peer', nowMs: 10, from: 1, message: {v: 1, ch: 'peer', viewId: 1, m: {t: 'leaving', resources: {}}}}))
    assert.equal(of(outputs, 'send')[0].to, 1)
    ;({state} = run(state, {type: 'view', nowMs: 20, view: view(2, [2, 3], true), reachable: [2]}))
    assert.equal(state.orchestrator.nodes.n1.unclean, false)
    assert.equal(state.orchestrator.nodes.n1.leftCleanly, true)
  })

  it('retries a write refused during a membership change, within writeRetryMs; never one whose outcome is unknown', () => {
    let {state, outputs} = run(controller(), {type: 'client-write', nowMs: 0, clientId: 'c1', edit: {op: 'property.set', values: {a: 'b'}} as never})
    const first = of(outputs, 'replicate')[0]
    ;({state, outputs} = run(state, {type: 'write-reply', nowMs: 10, requestId: first.requestId, result: {ok: false, error: {code: 'no-quorum', message: 'x', outcome: 'not-applied'}}}))
    assert.equal(of(outputs, 'write-done').length, 0)
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 60, reachable: []}))
    const second = of(outputs, 'replicate')[0]
    assert.notEqual(second.requestId, first.requestId)
    ;({outputs} = run(state, {type: 'write-reply', nowMs: 70, requestId: second.requestId, result: {ok: false, error: {code: 'dc-changed', message: 'x', outcome: 'unknown'}}}))
    assert.equal(of(outputs, 'write-done').length, 1)
  })

  it('the DC takes a full report probed against an older configuration as partial', () => {
    let {state} = run(controller(1), {type: 'view', nowMs: 0, view: view(1, [1, 2, 3], true), reachable: [2, 3]})
    ;({state} = run(state, {type: 'ready', nowMs: 1, viewId: 1, config: {...emptyConfig(), epoch: 5}}))
    ;({state} = run(state, {type: 'peer', nowMs: 2, from: 2, message: {v: 1, ch: 'node', viewId: 1, m: {t: 'report', full: true, epoch: 4, resources: {}}}}))
    assert.equal(state.orchestrator.nodes.n2.reported, false)
    assert.equal(state.drops['stale-report'], 1)
    ;({state} = run(state, {type: 'peer', nowMs: 3, from: 2, message: {v: 1, ch: 'node', viewId: 1, m: {t: 'report', full: true, epoch: 5, resources: {}}}}))
    assert.equal(state.orchestrator.nodes.n2.reported, true)
  })

  it('failure times travel as ages; a wall-clock step moves no monotonic time', () => {
    const wire = reportToWire({r: {role: 'failed', failCount: 1, lastFailureMs: 1_000, failedOp: 'monitor'}}, 1_500)
    assert.deepEqual(wire, {r: {role: 'failed', failCount: 1, failedAgoMs: 500, failedOp: 'monitor'}})
    assert.equal(reportFromWire(wire, 90_000).r.lastFailureMs, 89_500)
    const clock = new ManualClock(10_000, 1_700_000_000_000)
    clock.advance(100)
    clock.stepWall(-3_600_000)
    assert.equal(clock.now(), 10_100)
    assert.equal(wallTimeOf(clock, 10_000), 1_700_000_000_000 - 3_600_000)
  })
})
