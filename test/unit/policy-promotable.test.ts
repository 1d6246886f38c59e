// Promotable clones in the policy engine: convergence of the golden scenarios,
// notification variables, role monitors, cloned groups, transient attributes in
// rules, and the configuration checks of roles.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {applyEdit} from '../../src/core/config/edits.js'
import type {Primitive, ResourceConfig} from '../../src/core/config/types.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import {explain, schedule, summarize, validateClusterState, type ClusterState} from '../../src/core/policy/index.js'
import {parseOperation} from '../../src/cli/parse.js'

const scenarios = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios')
const load = (name: string) => ({
  config: validateResourceConfig(JSON.parse(readFileSync(join(scenarios, name, 'config.json'), 'utf8'))),
  state: validateClusterState(JSON.parse(readFileSync(join(scenarios, name, 'state.json'), 'utf8'))),
})

const stateful = (id: string): Primitive => ({
  id, agent: 'ocf:pacemaker:Stateful', params: {}, meta: {}, utilization: {},
  operations: [{name: 'monitor', interval: '10s', role: 'Promoted'}, {name: 'monitor', interval: '11s', role: 'Unpromoted'}],
})

function cluster(extra: Partial<ResourceConfig> = {}): ResourceConfig {
  return validateResourceConfig({
    epoch: 1, properties: {}, groups: [], constraints: [],
    nodes: ['n1', 'n2'].map((name) => ({name, attributes: {}, utilization: {}, standby: false, maintenance: false})),
    resources: [stateful('db')], clones: [{id: 'db-clone', child: 'db', meta: {promotable: 'true'}}], ...extra,
  })
}

const running = (scores: Record<string, Record<string, string>>): ClusterState => ({
  nowMs: 0, quorate: true,
  nodes: Object.fromEntries(Object.entries(scores).map(([n, attributes]) => [n, {online: true, attributes}])),
  resources: {'db:0': {nodes: {n1: {role: 'started'}}}, 'db:1': {nodes: {n2: {role: 'started'}}}},
})

describe('policy: promotable clones', () => {
  const names = readdirSync(scenarios).filter((n) => n.startsWith('promotable-'))
  it('has the golden scenarios', () => assert.ok(names.length >= 10, names.join(', ')))
  for (const name of names) {
    it(`${name} converges: the state after the transition needs nothing more`, () => {
      const {config, state} = load(name)
      const first = schedule(config, state)
      const second = schedule(config, first.nextState)
      // A Hold (a lost node's resources, until the safety delay) lasts until the clock moves: it is no action.
      const left = summarize(second).filter((line) => !line.startsWith('* Hold '))
      assert.deepEqual(left, [], `second run of ${name}: ${left.join('; ')}`)
      assert.equal(second.transition.actions.length, 0)
    })
  }

  it('records the Promoted role in the next state', () => {
    const {config, state} = load('promotable-promote-by-score')
    const next = schedule(config, state).nextState
    assert.equal(next.resources['db:1'].nodes.n2.role, 'promoted')
    assert.equal(next.resources['db:0'].nodes.n1.role, 'started')
  })

  it('gives notifications Pacemaker\'s variables', () => {
    const {config, state} = load('promotable-notify')
    const actions = schedule(config, state).transition.actions
    const pre = actions.find((a) => a.id === 'db:1_pre_notify_promote_n2')
    assert.ok(pre?.notify)
    const env = pre.notify.env
    assert.equal(pre.op, 'notify')
    assert.equal(pre.notify.type, 'pre')
    assert.equal(pre.notify.operation, 'promote')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_type, 'pre')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_operation, 'promote')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_promote_resource, 'db:2')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_promote_uname, 'n3')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_demote_uname, 'n1')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_master_uname, 'n1')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_promoted_resource, 'db:0')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_slave_uname, 'n2 n3')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_unpromoted_resource, 'db:1 db:2')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_active_uname, 'n1 n2 n3')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_start_resource, '')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_all_uname, 'n1 n2 n3')
    assert.equal(env.OCF_RESKEY_CRM_meta_notify_available_uname, 'n1 n2 n3')
    // Every pre-promote notification comes before the promote, every post one after it, and all after the demote's.
    const at = (id: string) => actions.findIndex((a) => a.id === id)
    for (const n of ['n1', 'n2', 'n3']) {
      assert.ok(at(`db:${n.slice(1) === '1' ? 0 : Number(n.slice(1)) - 1}_pre_notify_promote_${n}`) < at('db:2_promote_n3'))
      assert.ok(at(`db:${Number(n.slice(1)) - 1}_post_notify_demote_${n}`) < at(`db:${Number(n.slice(1)) - 1}_pre_notify_promote_${n}`))
    }
    assert.ok(at('db:0_demote_n1') < at('db:2_promote_n3'))
  })

  it('runs the monitor of the role the instance will have', () => {
    const config = cluster()
    const result = schedule(config, running({n1: {'master-db': '3'}, n2: {'master-db': '7'}}))
    const monitor = result.transition.actions.find((a) => a.op === 'monitor')
    assert.deepEqual({id: monitor?.id, role: monitor?.role}, {id: 'db:1_monitor_10000_n2', role: 'Promoted'})
    const promote = result.transition.actions.findIndex((a) => a.op === 'promote')
    assert.ok(promote >= 0 && promote < result.transition.actions.indexOf(monitor!))
  })

  it('restarts a Promoted instance as demote, stop, start, promote', () => {
    const config = cluster()
    const state = running({n1: {'master-db': '9'}, n2: {'master-db': '1'}})
    state.resources['db:0'].nodes.n1 = {role: 'failed', failCount: 1, failedOp: 'monitor', failedRole: 'Promoted'}
    const ops = schedule(config, state).transition.actions.filter((a) => a.resource === 'db:0' && a.op !== 'monitor').map((a) => a.op)
    assert.deepEqual(ops, ['demote', 'stop', 'start', 'promote'])
  })

  it('sums the members\' promotion scores of a cloned group', () => {
    const config = validateResourceConfig({
      ...cluster(), resources: [stateful('a'), stateful('b')], groups: [{id: 'g', members: ['a', 'b'], meta: {}}],
      clones: [{id: 'g-clone', child: 'g', meta: {promotable: 'true'}}],
    })
    const state: ClusterState = {
      nowMs: 0, quorate: true,
      nodes: {n1: {online: true, attributes: {'master-a': '5', 'master-b': '5'}}, n2: {online: true, attributes: {'master-a': '8'}}},
      resources: {'a:0': {nodes: {n1: {role: 'started'}}}, 'b:0': {nodes: {n1: {role: 'started'}}}, 'a:1': {nodes: {n2: {role: 'started'}}}, 'b:1': {nodes: {n2: {role: 'started'}}}},
    }
    const promoted = schedule(config, state).transition.actions.filter((a) => a.op === 'promote').map((a) => a.id)
    assert.deepEqual(promoted, ['a:0_promote_n1', 'b:0_promote_n1'])
  })

  it('lets transient node attributes feed location rules', () => {
    const config = validateResourceConfig({
      ...cluster(), resources: [{id: 'web', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}}], clones: [],
      constraints: [{id: 'web-on-ok', type: 'location', resource: 'web', score: 'INFINITY', rule: {attribute: 'healthy', operation: 'eq', value: 'yes'}}],
    })
    const result = schedule(config, {nowMs: 0, quorate: true, nodes: {n1: {online: true}, n2: {online: true, attributes: {healthy: 'yes'}}}, resources: {}})
    assert.equal(result.placement.find((p) => p.resource === 'web')?.node, 'n2')
  })

  it('explains the role choice in resource why', () => {
    const {config, state} = load('promotable-switchover-move')
    const why = explain(config, state, 'db-clone')
    assert.ok(why?.roles)
    const n1 = why.roles.instances.find((i) => i.node === 'n1')
    assert.equal(n1?.role, 'Promoted')
    assert.ok(n1?.terms.some((t) => t.source.includes('cli-prefer-db-clone')), JSON.stringify(n1))
  })

  describe('configuration', () => {
    it('refuses a role on a resource that is not a promotable clone', () => {
      const base = cluster({resources: [stateful('db'), {...stateful('vip'), operations: []}]})
      assert.throws(() => applyEdit(base, {op: 'constraint.colocation', resource: 'db-clone', withResource: 'vip', score: 'INFINITY', withRole: 'Promoted'}), /"vip" is not one/)
      assert.throws(() => applyEdit(base, {op: 'constraint.order', first: 'vip', firstAction: 'promote', then: 'db-clone', thenAction: 'start', kind: 'mandatory', symmetrical: true}), /action promote needs a promotable clone/)
      const ok = applyEdit(base, {op: 'constraint.colocation', resource: 'vip', withResource: 'db-clone', score: 'INFINITY', withRole: 'Promoted'})
      assert.equal(ok.constraints[0].type === 'colocation' && ok.constraints[0].withRole, 'Promoted')
      const moved = applyEdit(base, {op: 'resource.move', id: 'db-clone', node: 'n1', promoted: true})
      assert.deepEqual(moved.constraints[0], {id: 'cli-prefer-db-clone', type: 'location', resource: 'db-clone', node: 'n1', score: 'INFINITY', role: 'Promoted'})
    })

    it('refuses on-fail=demote outside a promote or a Promoted monitor, and role monitors sharing an interval', () => {
      const bad = (ops: Primitive['operations']) => () => cluster({resources: [{...stateful('db'), operations: ops}]})
      assert.throws(bad([{name: 'monitor', interval: '10s', onFail: 'demote'}]), /only a promote or a recurring monitor with role Promoted/)
      assert.throws(bad([{name: 'monitor', interval: '10s', role: 'Promoted'}, {name: 'monitor', interval: '10s', role: 'Unpromoted'}]), /repeats the interval/)
      assert.doesNotThrow(bad([{name: 'monitor', interval: '10s', role: 'Promoted', onFail: 'demote'}, {name: 'promote', interval: '0', onFail: 'demote'}]))
    })

    it('reads Master and Slave as Promoted and Unpromoted in --op', () => {
      assert.equal(parseOperation('monitor interval=10s role=Master').role, 'Promoted')
      assert.equal(parseOperation('monitor interval=11s role=Slave').role, 'Unpromoted')
      assert.equal(parseOperation('monitor interval=11s role=Started').role, undefined)
      assert.throws(() => parseOperation('monitor interval=11s role=Boss'), /role="Boss"/)
    })
  })
})
