// What a DC holds for nodes it cannot see: cases the whole-cluster simulator found.
import assert from 'node:assert/strict'
import {applyEdit, emptyConfig, type ResourceConfig} from '../../src/core/config/index.js'
import {initialOrchestrator, stepOrchestrator, type OrchestratorEvent, type OrchestratorOutput, type OrchestratorState} from '../../src/core/orchestration/index.js'

const NODES = ['n1', 'n2', 'n3']

function config(agent = 'ocf:hactl:vip'): ResourceConfig {
  return applyEdit(emptyConfig(), {op: 'resource.add', resource: {id: 'ip', agent, params: {ip: '10.213.0.100'}, meta: {}, operations: [], utilization: {}}})
}

function run(state: OrchestratorState, ...events: OrchestratorEvent[]): {state: OrchestratorState, outputs: OrchestratorOutput[]} {
  const outputs: OrchestratorOutput[] = []
  for (const event of events) {
    const step = stepOrchestrator(state, event)
    state = step.state
    outputs.push(...step.outputs)
  }
  return {state, outputs}
}

const starts = (outputs: OrchestratorOutput[]) => outputs.filter((o) => o.type === 'dispatch' && o.action.op === 'start').map((o) => o.type === 'dispatch' ? o.node : '')

describe('orchestration: what a DC holds for nodes it cannot see', () => {
  it('a new DC holds what a node it never saw may run, until the safety delay from now has passed', () => {
    let {state, outputs} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config()},
      {type: 'view', nowMs: 10_000, viewId: 1, members: ['n1', 'n2'], quorate: true, active: true},
      {type: 'report', node: 'n1', resources: {}, full: true}, {type: 'report', node: 'n2', resources: {}, full: true})
    assert.deepEqual(starts(outputs), [], 'n3 may hold the VIP')
    assert.equal(state.nodes.n3.unclean, true)
    ;({state, outputs} = run(state, {type: 'tick', nowMs: 10_500}))
    assert.deepEqual(starts(outputs), ['n1'], 'after token + 150 ms')
  })

  it('a member that saw a node leave cleanly later than this DC saw it go clears the hold', () => {
    let {state, outputs} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config()},
      {type: 'view', nowMs: 10_000, viewId: 5, members: ['n1', 'n2'], quorate: true, active: true},
      {type: 'report', node: 'n1', resources: {}, full: true})
    ;({state, outputs} = run(state, {type: 'departed', records: [{node: 'n3', viewId: 7, clean: true}]}, {type: 'report', node: 'n2', resources: {}, full: true}))
    assert.deepEqual(starts(outputs), ['n1'])
    assert.equal(state.nodes.n3.unclean, false)
  })

  it('a start dispatched to a node that leaves before answering is held there', () => {
    // Not a VIP: a VIP's safety delay (token + the guard's 50 ms) has passed by the time the view is agreed.
    let {state, outputs} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config('ocf:hactl:dummy')},
      {type: 'view', nowMs: 10_000, viewId: 1, members: NODES, quorate: true, active: true},
      ...NODES.map((node): OrchestratorEvent => ({type: 'report', node, resources: {}, full: true})))
    assert.deepEqual(starts(outputs), ['n1'])
    ;({state, outputs} = run(state, {type: 'view', nowMs: 11_000, viewId: 2, members: ['n2', 'n3'], quorate: true, active: true}))
    assert.equal(state.nodes.n1.resources.ip?.role, 'started', 'the start may have happened')
    assert.deepEqual(starts(outputs), [], 'held until the safety delay passed')
  })

  it('a VIP is held for token + the guard\'s budget, any other resource for token + 150 ms', () => {
    for (const [agent, releasedAtMs] of [['ocf:hactl:vip', 10_350], ['ocf:hactl:dummy', 10_450]] as const) {
      let {state, outputs} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config(agent)},
        {type: 'view', nowMs: 9_000, viewId: 1, members: NODES, quorate: true, active: true},
        ...NODES.map((node): OrchestratorEvent => ({type: 'report', node, resources: node === 'n3' ? {ip: {role: 'started', failCount: 0}} : {}, full: true})))
      // n3 was last heard at 10,000 (the DC's own record), the view without it is agreed at 10,200.
      ;({state, outputs} = run(state, {type: 'view', nowMs: 10_200, viewId: 2, members: ['n1', 'n2'], quorate: true, active: true, heardAtMs: {n3: 10_000}}))
      assert.deepEqual(starts(outputs), [], `${agent}: held at first`)
      assert.equal(state.recheckAtMs, releasedAtMs, `${agent}: the engine asks to look again when its hold ends`)
      ;({state, outputs} = run(state, {type: 'tick', nowMs: releasedAtMs - 1}))
      assert.deepEqual(starts(outputs), [], `${agent}: still held 1 ms before`)
      ;({state, outputs} = run(state, {type: 'tick', nowMs: releasedAtMs}))
      assert.deepEqual(starts(outputs).length, 1, `${agent}: started elsewhere at ${releasedAtMs}`)
    }
  })

  it('a clean leave is undone only by a member that saw the node in a quorate view since', () => {
    const fresh = () => {
      let {state} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config()},
        {type: 'view', nowMs: 9_000, viewId: 4, members: NODES, quorate: true, active: true},
        ...NODES.map((node): OrchestratorEvent => ({type: 'report', node, resources: {}, full: true})),
        {type: 'leaving', node: 'n3', resources: {}})
      ;({state} = run(state, {type: 'view', nowMs: 10_000, viewId: 5, members: ['n1', 'n2'], quorate: true, active: true}))
      assert.equal(state.nodes.n3.leftCleanly, true)
      return state
    }
    // A rebooted member last saw n3 in a view without quorum (or before the leave): the same absence, noticed later.
    let {state} = run(fresh(), {type: 'departed', records: [{node: 'n3', viewId: 7, clean: false}]}, {type: 'departed', records: [{node: 'n3', viewId: 8, clean: false, seenInViewId: 4}]})
    assert.equal(state.nodes.n3.unclean, false, 'still a clean leave')
    // A member saw n3 come back in quorate view 6, then lose it in view 7: a newer, unclean departure.
    ;({state} = run(fresh(), {type: 'departed', records: [{node: 'n3', viewId: 7, clean: false, seenInViewId: 6}]}))
    assert.equal(state.nodes.n3.unclean, true)
  })
})
