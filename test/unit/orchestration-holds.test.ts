// What a DC holds for nodes it cannot see: cases the whole-cluster simulator found.
import assert from 'node:assert/strict'
import {applyEdit, emptyConfig, type ResourceConfig} from '../../src/core/config/index.js'
import {initialOrchestrator, stepOrchestrator, type OrchestratorEvent, type OrchestratorOutput, type OrchestratorState} from '../../src/core/orchestration/index.js'

const NODES = ['n1', 'n2', 'n3']

function config(): ResourceConfig {
  return applyEdit(emptyConfig(), {op: 'resource.add', resource: {id: 'ip', agent: 'ocf:hactl:vip', params: {ip: '10.213.0.100'}, meta: {}, operations: [], utilization: {}}})
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
    let {state, outputs} = run(initialOrchestrator(NODES, 300, 350), {type: 'config', config: config()},
      {type: 'view', nowMs: 10_000, viewId: 1, members: NODES, quorate: true, active: true},
      ...NODES.map((node): OrchestratorEvent => ({type: 'report', node, resources: {}, full: true})))
    assert.deepEqual(starts(outputs), ['n1'])
    ;({state, outputs} = run(state, {type: 'view', nowMs: 11_000, viewId: 2, members: ['n2', 'n3'], quorate: true, active: true}))
    assert.equal(state.nodes.n1.resources.ip?.role, 'started', 'the start may have happened')
    assert.deepEqual(starts(outputs), [], 'held until the safety delay passed')
  })
})
