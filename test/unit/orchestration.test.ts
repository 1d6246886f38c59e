import assert from 'node:assert/strict'
import {applyEdit, emptyConfig, type ResourceConfig} from '../../src/core/config/index.js'
import {initialOrchestrator, stepOrchestrator, type OrchestratorEvent, type OrchestratorOutput, type OrchestratorState} from '../../src/core/orchestration/index.js'

const NODES = ['n1', 'n2', 'n3']

function vipConfig(): ResourceConfig {
  return applyEdit(emptyConfig(), {op: 'resource.add', resource: {
    id: 'ip', agent: 'ocf:hactl:vip', params: {ip: '10.213.0.100'}, meta: {},
    operations: [{name: 'stop', interval: '0', timeout: '2s'}, {name: 'monitor', interval: '1s', timeout: '2s'}], utilization: {},
  }})
}

class Harness {
  state: OrchestratorState = initialOrchestrator(NODES, 250)
  outputs: OrchestratorOutput[] = []
  step(event: OrchestratorEvent): OrchestratorOutput[] {
    const {state, outputs} = stepOrchestrator(this.state, event)
    this.state = state
    this.outputs.push(...outputs)
    return outputs
  }
  dispatched(outputs: OrchestratorOutput[]) {
    return outputs.filter((o) => o.type === 'dispatch').map((o) => o.type === 'dispatch' ? `${o.action.op} ${o.action.resource} ${o.node}` : '')
  }
  finish(outputs: OrchestratorOutput[], ok = true, role: 'started' | 'stopped' = 'started'): OrchestratorOutput[] {
    const more: OrchestratorOutput[] = []
    for (const o of outputs) {
      if (o.type !== 'dispatch') continue
      const r = o.action.op === 'stop' ? 'stopped' : role
      more.push(...this.step({type: 'result', node: o.node, transitionId: o.transitionId, actionId: o.action.id, ok,
        resources: {[o.action.resource!]: {role: ok ? r : 'failed', failCount: ok ? 0 : 1}}}))
    }
    return more
  }
  /** Runs dispatched actions to completion, successfully. */
  settle(outputs: OrchestratorOutput[]): void {
    let pending = outputs
    for (let i = 0; i < 20 && pending.some((o) => o.type === 'dispatch'); i++) pending = this.finish(pending)
  }
}

function start(h: Harness): OrchestratorOutput[] {
  h.step({type: 'config', config: vipConfig()})
  const asked = h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: true})
  assert.deepEqual(asked, [{type: 'request-report', nodes: NODES}])
  h.step({type: 'report', node: 'n1', resources: {}, full: true})
  assert.deepEqual(h.dispatched(h.step({type: 'report', node: 'n2', resources: {}, full: true})), [], 'plans only once every node reported')
  return h.step({type: 'report', node: 'n3', resources: {}, full: true})
}

describe('orchestration (the DC bookkeeping)', () => {
  it('probes first, then starts, then starts the monitor once the start is done', () => {
    const h = new Harness()
    const first = start(h)
    assert.deepEqual(h.dispatched(first), ['start ip n1'])
    const next = h.finish(first)
    assert.deepEqual(h.dispatched(next), ['monitor ip n1'])
    const last = h.finish(next)
    assert.ok(last.some((o) => o.type === 'settled'))
  })

  it('a resource found running by a probe is not started again (its node runs the monitor itself)', () => {
    const h = new Harness()
    h.step({type: 'config', config: vipConfig()})
    h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: true})
    h.step({type: 'report', node: 'n1', resources: {}, full: true})
    h.step({type: 'report', node: 'n2', resources: {ip: {role: 'started', failCount: 0}}, full: true})
    const out = h.step({type: 'report', node: 'n3', resources: {}, full: true})
    assert.deepEqual(h.dispatched(out), [])
  })

  it('a changed input aborts the transition without re-running what is in flight', () => {
    const h = new Harness()
    const first = start(h)
    assert.deepEqual(h.dispatched(first), ['start ip n1'])
    // While the start runs, n1 is put in standby: nothing new is dispatched yet.
    const standby = applyEdit(vipConfig(), {op: 'node.set', name: 'n1', standby: true})
    assert.deepEqual(h.dispatched(h.step({type: 'config', config: standby})), [])
    // The start completes; the engine runs again and moves the address, starting nothing twice.
    const after = h.finish(first)
    assert.deepEqual(h.dispatched(after), ['stop ip n1'])
    const moved = h.finish(after)
    assert.deepEqual(h.dispatched(moved), ['start ip n2'])
  })

  it('a node lost uncleanly holds its resources until the safety delay passed', () => {
    const h = new Harness()
    h.settle(start(h))
    const lost = h.step({type: 'view', nowMs: 5000, viewId: 2, members: ['n2', 'n3'], quorate: true, active: true})
    assert.deepEqual(h.dispatched(lost), [], 'nothing moves before the safety delay')
    assert.equal(h.state.nodes.n1.unclean, true)
    assert.ok(h.state.recheckAtMs !== null && h.state.recheckAtMs > 5000, `recheck at ${h.state.recheckAtMs}`)
    const later = h.step({type: 'tick', nowMs: h.state.recheckAtMs!})
    assert.deepEqual(h.dispatched(later), ['start ip n2'])
  })

  it('with fencing enabled, fences first and starts only after the fence succeeded', () => {
    const h = new Harness()
    h.step({type: 'config', config: applyEdit(vipConfig(), {op: 'property.set', properties: {'stonith-enabled': 'true'}})})
    h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: true})
    for (const n of NODES) h.step({type: 'report', node: n, resources: n === 'n1' ? {ip: {role: 'started', failCount: 0}} : {}, full: true})
    h.settle(h.outputs)
    const lost = h.step({type: 'view', nowMs: 5000, viewId: 2, members: ['n2', 'n3'], quorate: true, active: true})
    const fence = lost.find((o) => o.type === 'fence')
    assert.ok(fence && fence.type === 'fence' && fence.node === 'n1', JSON.stringify(lost))
    assert.deepEqual(h.dispatched(lost), [])
    const after = h.step({type: 'fence-result', node: 'n1', transitionId: fence.transitionId, actionId: fence.actionId, ok: true})
    assert.deepEqual(h.dispatched(after), ['start ip n2'])
  })

  it('a node fenced on request (hactl node fence) is recovered at once and not fenced again when it leaves, even across a DC pause', () => {
    const h = new Harness()
    h.step({type: 'config', config: applyEdit(vipConfig(), {op: 'property.set', properties: {'stonith-enabled': 'true'}})})
    h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: true})
    for (const n of NODES) h.step({type: 'report', node: n, resources: n === 'n1' ? {ip: {role: 'started', failCount: 0}} : {}, full: true})
    h.settle(h.outputs)
    const fenced = h.step({type: 'fenced', node: 'n1'})
    assert.deepEqual(h.dispatched(fenced), ['start ip n2'], 'recovered while the membership still lists it')
    h.settle(fenced)
    // The membership re-forms: a non-quorate moment (the DC inactive), then a view without n1.
    h.step({type: 'view', nowMs: 2000, viewId: 2, members: NODES, quorate: false, active: false})
    const gone = h.step({type: 'view', nowMs: 3000, viewId: 3, members: ['n2', 'n3'], quorate: true, active: true})
    assert.equal(gone.filter((o) => o.type === 'fence').length, 0, JSON.stringify(gone))
    assert.equal(h.state.nodes.n1.unclean, false)
  })

  it('a monitor failure raises the fail count and recovers in place', () => {
    const h = new Harness()
    h.settle(start(h))
    const out = h.step({type: 'report', node: 'n1', resources: {ip: {role: 'failed', failCount: 1, failedOp: 'monitor', lastFailureMs: 6000}}, full: false})
    assert.deepEqual(h.dispatched(out), ['stop ip n1'])
    assert.deepEqual(h.dispatched(h.finish(out)), ['start ip n1'])
  })

  it('a leaving node is emptied first, then granted its leave', () => {
    const h = new Harness()
    h.settle(start(h))
    const out = h.step({type: 'leave-request', node: 'n1'})
    assert.deepEqual(h.dispatched(out), ['stop ip n1'])
    const after = h.finish(out)
    assert.ok(after.some((o) => o.type === 'leave-granted' && o.node === 'n1'), JSON.stringify(after))
    assert.deepEqual(h.dispatched(after), ['start ip n2'])
  })

  it('does nothing unless it is the active DC', () => {
    const h = new Harness()
    h.step({type: 'config', config: vipConfig()})
    const out = h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: false})
    assert.deepEqual(out, [])
  })
})

describe('orchestration after a DC change', () => {
  it('a new DC holds what the old DC knew ran on a lost node', () => {
    const h = new Harness()
    h.step({type: 'config', config: vipConfig()})
    // n1 (the old DC, holding the address) is gone; n2 becomes the DC with the old DC's status.
    h.step({type: 'seed', nowMs: 5000, nodes: {n1: {ip: {role: 'started', failCount: 0}}}})
    h.step({type: 'view', nowMs: 5000, viewId: 3, members: ['n2', 'n3'], quorate: true, active: true})
    h.step({type: 'report', node: 'n2', resources: {}, full: true})
    const out = h.step({type: 'report', node: 'n3', resources: {}, full: true})
    assert.deepEqual(h.dispatched(out), [], 'held until the safety delay')
    assert.equal(h.state.nodes.n1.unclean, true)
    assert.deepEqual(h.dispatched(h.step({type: 'tick', nowMs: h.state.recheckAtMs!})), ['start ip n2'])
  })
})
