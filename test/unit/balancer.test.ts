import assert from 'node:assert/strict'
import {balancerStatus, desiredBackends, recordCheck, parseHealthCheck, withBalancers, BALANCER_TRANSITION, type ParamAction} from '../../src/core/balancer/index.js'
import {applyEdit, emptyConfig, type ResourceConfig} from '../../src/core/config/index.js'
import {initialOrchestrator, stepOrchestrator, type OrchestratorEvent, type OrchestratorOutput, type OrchestratorState} from '../../src/core/orchestration/index.js'
import {balancerEdit} from '../../src/cli/balancer-add.js'

const NODES = ['n1', 'n2', 'n3']
const ADDRS = {n1: '10.0.0.1', n2: '10.0.0.2', n3: '10.0.0.3'}
const ops = [{name: 'monitor', interval: '1s', timeout: '2s'}]

function config(): ResourceConfig {
  let c = applyEdit(emptyConfig(), {op: 'resource.add', resource: {id: 'web', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: ops, utilization: {}}})
  c = applyEdit(c, {op: 'clone.add', id: 'web-clone', child: 'web', meta: {}})
  c = applyEdit(c, {op: 'property.set', properties: {'resource-stickiness': '100'}})
  return applyEdit(c, balancerEdit('lb', {vip: '10.0.0.100/24', port: '80', to: 'web-clone', 'target-port': '8080', disabled: false}).edit)
}

class Harness {
  state: OrchestratorState = withBalancers(initialOrchestrator(NODES, 250), ADDRS)
  log: string[] = []
  step(event: OrchestratorEvent): OrchestratorOutput[] {
    const {state, outputs} = stepOrchestrator(this.state, event)
    this.state = state
    return outputs
  }
  /** Runs every dispatched action to success (a start's result says started), recording reloads. */
  run(outputs: OrchestratorOutput[], filter: (o: OrchestratorOutput) => boolean = () => true): OrchestratorOutput[] {
    let pending = outputs
    const held: OrchestratorOutput[] = []
    for (let i = 0; i < 50 && pending.some((o) => o.type === 'dispatch'); i++) {
      const next: OrchestratorOutput[] = []
      for (const o of pending) {
        if (o.type !== 'dispatch') continue
        if (!filter(o)) {
          held.push(o)
          continue
        }
        const a = o.action as ParamAction
        if (a.op === ('reload' as string) || a.params) this.log.push(`${a.op} ${a.resource} ${o.node} ${a.params?.backends ?? ''}`)
        next.push(...this.step({type: 'result', node: o.node, transitionId: o.transitionId, actionId: a.id, ok: true,
          resources: {[a.resource!]: {role: a.op === 'stop' ? 'stopped' : 'started', failCount: 0}}}))
      }
      pending = next
    }
    return held
  }
}

function boot(h: Harness): void {
  h.step({type: 'config', config: config()})
  h.step({type: 'view', nowMs: 1000, viewId: 1, members: NODES, quorate: true, active: true})
  h.step({type: 'report', node: 'n1', resources: {}, full: true})
  h.step({type: 'report', node: 'n2', resources: {}, full: true})
  h.run(h.step({type: 'report', node: 'n3', resources: {}, full: true}))
}

describe('balancer: backends follow the cluster through the DC', () => {
  it('a started balancer gets every started instance as a backend, by reload', () => {
    const h = new Harness()
    boot(h)
    const last = h.log.at(-1)!
    assert.match(last, /^reload lb n\d 10\.0\.0\.1=|^reload lb n\d n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3$/)
    assert.equal(last.split(' ')[3], 'n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3')
    const [status] = balancerStatus(h.state)
    assert.equal(status!.applied, 'n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3')
    assert.equal(status!.reloading, false)
  })

  it('an instance failing its monitor is dropped at once, in the same step, before its recovery', () => {
    const h = new Harness()
    boot(h)
    const instance = Object.keys(h.state.nodes.n2!.resources).find((id) => id.startsWith('web:'))!
    const out = h.step({type: 'report', node: 'n2', resources: {[instance]: {role: 'failed', failCount: 1, failedOp: 'monitor'}}, full: false})
    const reload = out.find((o) => o.type === 'dispatch' && o.transitionId === BALANCER_TRANSITION)
    assert.ok(reload && reload.type === 'dispatch')
    assert.equal((reload.action as ParamAction).params!.backends, 'n1=10.0.0.1,n3=10.0.0.3')
    // The recovery runs; once the instance is started again, it is put back.
    h.run(out)
    assert.equal(h.log.at(-1)!.split(' ')[3], 'n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3')
  })

  it('a node leaving is dropped at once; nothing is reloaded twice for the same set', () => {
    const h = new Harness()
    boot(h)
    const lbNode = NODES.find((n) => h.state.nodes[n]!.resources.lb?.role === 'started')!
    const other = NODES.find((n) => n !== lbNode)!
    const out = h.step({type: 'view', nowMs: 5000, viewId: 2, members: NODES.filter((n) => n !== other), quorate: true, active: true})
    const reloads = out.filter((o) => o.type === 'dispatch' && o.transitionId === BALANCER_TRANSITION)
    assert.equal(reloads.length, 1)
    const expected = NODES.filter((n) => n !== other).map((n) => `${n}=${ADDRS[n as keyof typeof ADDRS]}`).join(',')
    assert.equal(((reloads[0] as {action: ParamAction}).action).params!.backends, expected)
    assert.equal(h.step({type: 'tick', nowMs: 5001}).filter((o) => o.type === 'dispatch').length, 0, 'in flight: not sent again')
  })

  it('desiredBackends ignores instances that are failed, stopped or on nodes leaving', () => {
    const h = new Harness()
    boot(h)
    const spec = {id: 'lb', clone: 'web-clone', vip: '', port: '', targetPort: '', method: 'rr'}
    const state = {...h.state, nodes: {...h.state.nodes, n3: {...h.state.nodes.n3!, leaving: true}}}
    assert.equal(desiredBackends(state.config!, state, spec, ADDRS), 'n1=10.0.0.1,n2=10.0.0.2')
  })
})

describe('balancer: health checks and the CLI edit', () => {
  it('rise and fall', () => {
    let h = {up: true, streak: 0}
    const s = {rise: 2, fall: 3}
    const seq = [false, false, true, false, false, false, true, true].map((ok) => {
      const r = recordCheck(h, ok, s)
      h = r.health
      return h.up ? 'U' : 'D'
    }).join('')
    assert.equal(seq, 'UUUUUDDU')
  })

  it('parses checks and refuses bad ones', () => {
    assert.deepEqual(parseHealthCheck('tcp'), {kind: 'tcp'})
    assert.deepEqual(parseHealthCheck('http:/health=204'), {kind: 'http', path: '/health', status: 204})
    assert.deepEqual(parseHealthCheck('http:/'), {kind: 'http', path: '/', status: 200})
    for (const bad of ['udp', 'http:health', 'http:/x=99', 'http:/a b']) assert.equal(typeof parseHealthCheck(bad), 'string', bad)
  })

  it('one edit makes the group of the VIP and the balancer; a missing clone is refused by the configuration check', () => {
    const c = config()
    assert.deepEqual(c.groups.find((g) => g.id === 'lb-group')!.members, ['lb-vip', 'lb'])
    assert.equal(c.epoch, emptyConfig().epoch + 4)
    const bad = balancerEdit('lb2', {vip: '10.0.0.101', port: '80', to: 'nope', disabled: false}).edit
    assert.throws(() => applyEdit(c, bad), /clone "nope" does not exist/)
  })
})

describe('balancer: connections per backend from conntrack', () => {
  it('counts entries to VIP:PORT by the reply source, established apart', async () => {
    const {connectionsByBackend} = await import('../../src/core/balancer/conntrack.js')
    const text = [
      'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.4 dst=10.0.0.100 sport=51000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=8080 dport=51000 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 119 TIME_WAIT src=10.0.0.4 dst=10.0.0.100 sport=51001 dport=80 src=10.0.0.3 dst=10.0.0.1 sport=8080 dport=51001 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.4 dst=10.0.0.100 sport=51002 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=8080 dport=51002 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.4 dst=10.0.0.9 sport=51003 dport=80 src=10.0.0.9 dst=10.0.0.4 sport=80 dport=51003 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 udp      17 20 src=10.0.0.4 dst=10.0.0.100 sport=5353 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=8080 dport=5353 mark=0 zone=0 use=2',
      'garbage',
    ].join('\n')
    assert.deepEqual(connectionsByBackend(text, '10.0.0.100', '80'), {'10.0.0.2': {established: 2, total: 2}, '10.0.0.3': {established: 0, total: 1}})
    assert.deepEqual(connectionsByBackend(text, '10.0.0.100', '80', 'udp'), {'10.0.0.2': {established: 1, total: 1}})
  })
})

describe('balancer: metrics', () => {
  it('hactl_balancer_backend has one series per backend and state', async () => {
    const {DaemonMetrics} = await import('../../src/daemon/metrics/registry.js')
    const status = {
      clusterName: 'c', dc: 'n1', quorate: true, viewId: 3, epoch: 1, source: 'dc' as const, localNode: 'n1', settled: true, warnings: [], generatedAt: 0, transition: null,
      nodes: [{name: 'n1', id: 1, online: true, standby: false, maintenance: false, unclean: false}], resources: [], failures: [],
      balancers: [{id: 'lb', clone: 'web-clone', vip: '10.0.0.100', port: '80', targetPort: '8080', method: 'rr', node: 'n1', applied: 'n1=10.0.0.1', reloading: true,
        backends: [{node: 'n1', address: '10.0.0.1', state: 'active' as const}, {node: 'n2', address: '10.0.0.2', state: 'adding' as const}]}],
    }
    const metrics = new DaemonMetrics({
      nodeName: 'n1', bootstrap: {nodes: [{id: 1, name: 'n1', addrs: ['10.0.0.1'], votes: 1}]} as never,
      status: () => status, config: () => emptyConfig(), membership: () => undefined, lastDcStatus: () => status, now: () => 0,
    })
    const {body} = await metrics.render()
    assert.match(body, /hactl_balancer_backend\{balancer="lb",backend="n1",state="active"\} 1/)
    assert.match(body, /hactl_balancer_backend\{balancer="lb",backend="n2",state="adding"\} 1/)
  })
})

describe('balancer: a reload and the balancer\'s own actions never overlap', () => {
  it('a stop of the balancer planned while its reload runs waits for the reload\'s result', () => {
    const h = new Harness()
    boot(h)
    const lbNode = NODES.find((n) => h.state.nodes[n]!.resources.lb?.role === 'started')!
    const other = NODES.find((n) => n !== lbNode)!
    const instance = Object.keys(h.state.nodes[other]!.resources).find((id) => id.startsWith('web:'))!
    // A backend fails: the reload goes out at once.
    const out = h.step({type: 'report', node: other, resources: {[instance]: {role: 'failed', failCount: 1, failedOp: 'monitor'}}, full: false})
    const reload = out.find((o) => o.type === 'dispatch' && o.transitionId === BALANCER_TRANSITION)
    assert.ok(reload && reload.type === 'dispatch')
    // While it runs, the balancer's node is put in standby: the group must move, but the stop waits.
    const config = applyEdit(h.state.config!, {op: 'node.set', name: lbNode, standby: true})
    const during = [...h.step({type: 'config', config}), ...h.run(out.filter((o) => o !== reload), (o) => o.type === 'dispatch' && o.action.resource !== 'lb')]
    const stopLb = (list: OrchestratorOutput[]) => list.some((o) => o.type === 'dispatch' && o.action.resource === 'lb' && o.action.op === 'stop')
    assert.equal(stopLb(during), false, 'no stop of the balancer while its reload runs')
    const after = h.step({type: 'result', node: reload.node, transitionId: BALANCER_TRANSITION, actionId: reload.action.id, ok: true, resources: {lb: {role: 'started', failCount: 0}}})
    const all = [...after, ...h.run(after.filter((o) => !(o.type === 'dispatch' && o.action.resource === 'lb')))]
    assert.ok(stopLb(all) || stopLb(h.run(all)), 'the stop goes out once the reload answered')
  })
})
