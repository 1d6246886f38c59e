// Writes the config.json and state.json of every golden scenario from the
// compact definitions below: `node --import tsx test/scenarios/generate.ts`.
// Expected files are then produced by UPDATE_SCENARIOS=1 and reviewed by hand.
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Constraint, NodeEntry, Primitive, ResourceConfig} from '../../src/core/config/types.js'
import type {ClusterState, InstanceOnNode, NodeState} from '../../src/core/policy/state.js'

const here = dirname(fileURLToPath(import.meta.url))

type NodeOpt = Partial<NodeEntry> & {name: string}
interface Def {
  nodes?: Array<string | NodeOpt>
  props?: Record<string, string>
  rs?: Primitive[]
  groups?: Array<[string, string[], Record<string, string>?]>
  clones?: Array<[string, string, Record<string, string>?]>
  cs?: Constraint[]
  running?: Record<string, string | string[]>
  failed?: Record<string, Record<string, Partial<InstanceOnNode>>>
  nodeState?: Record<string, NodeState>
  quorate?: boolean
  nowMs?: number
  migratable?: Record<string, boolean>
  rscDefaults?: Record<string, string>
}

const MON = [{name: 'monitor', interval: '10s'}]
function r(id: string, meta: Record<string, string> = {}, extra: Partial<Primitive> = {}): Primitive {
  return {id, agent: 'ocf:hactl:dummy', params: {}, meta, operations: MON, utilization: {}, ...extra}
}
let n = 0
const id = (p: string) => `${p}-${++n}`
const loc = (resource: string, node: string, score: number | string): Constraint => ({id: id('loc'), type: 'location', resource, node, score: score as number})
const rule = (resource: string, attribute: string, operation: 'eq' | 'ne' | 'gt' | 'lt' | 'defined', value: string | undefined, score: number | string): Constraint =>
  ({id: id('rule'), type: 'location', resource, score: score as number, rule: value === undefined ? {attribute, operation} : {attribute, operation, value}})
const col = (resource: string, withResource: string, score: number | string): Constraint => ({id: id('col'), type: 'colocation', resource, withResource, score: score as number})
const ord = (first: string, then: string, kind: 'mandatory' | 'optional' = 'mandatory', symmetrical = true): Constraint =>
  ({id: id('ord'), type: 'order', first, firstAction: 'start', then, thenAction: 'start', kind, symmetrical})
const ban = (resource: string, node: string): Constraint => ({id: `cli-ban-${resource}-on-${node}`, type: 'location', resource, node, score: '-INFINITY'})
const prefer = (resource: string, node: string): Constraint => ({id: `cli-prefer-${resource}`, type: 'location', resource, node, score: 'INFINITY'})

function build(def: Def): {config: ResourceConfig, state: ClusterState} {
  const nodes = (def.nodes ?? ['n1', 'n2', 'n3']).map((x): NodeEntry => {
    const o = typeof x === 'string' ? {name: x} : x
    return {attributes: {}, utilization: {}, standby: false, maintenance: false, ...o}
  })
  const config: ResourceConfig = {
    epoch: 1, properties: def.props ?? {}, nodes, resources: def.rs ?? [],
    groups: (def.groups ?? []).map(([gid, members, meta]) => ({id: gid, members, meta: meta ?? {}})),
    clones: (def.clones ?? []).map(([cid, child, meta]) => ({id: cid, child, meta: meta ?? {}})),
    constraints: def.cs ?? [],
    ...(def.rscDefaults ? {rscDefaults: def.rscDefaults} : {}),
  }
  const resources: ClusterState['resources'] = {}
  for (const [rid, where] of Object.entries(def.running ?? {})) {
    for (const node of [where].flat()) {
      resources[rid] ??= {nodes: {}}
      resources[rid].nodes[node] = {role: 'started'}
    }
  }
  for (const [rid, byNode] of Object.entries(def.failed ?? {})) {
    for (const [node, rec] of Object.entries(byNode)) {
      resources[rid] ??= {nodes: {}}
      resources[rid].nodes[node] = {role: 'failed', failCount: 1, lastFailureMs: def.nowMs ?? 0, failedOp: 'monitor', ...rec}
    }
  }
  for (const [rid, m] of Object.entries(def.migratable ?? {})) (resources[rid] ??= {nodes: {}}).migratable = m
  const nodeState: Record<string, NodeState> = {}
  for (const node of nodes) nodeState[node.name] = def.nodeState?.[node.name] ?? {online: true}
  return {config, state: {nowMs: def.nowMs ?? 0, quorate: def.quorate ?? true, nodes: nodeState, resources}}
}

const down: NodeState = {online: false}
const lost = (at = 0): NodeState => ({online: false, unclean: true, lostAtMs: at})
const two = ['n1', 'n2']

export const scenarios: Record<string, Def> = {
  'start-empty': {rs: [r('a'), r('b'), r('c')]},
  'start-spread-tiebreak': {rs: [r('a'), r('b'), r('c'), r('d'), r('e')]},
  'node-order-tiebreak': {nodes: ['n3', 'n1', 'n2'], rs: [r('a')]},
  'location-prefers': {rs: [r('web')], cs: [loc('web', 'n2', 100)]},
  'location-avoids': {rs: [r('web')], cs: [loc('web', 'n1', -100), loc('web', 'n2', -50)]},
  'location-avoids-all': {rs: [r('web')], cs: [loc('web', 'n1', -10), loc('web', 'n2', -10), loc('web', 'n3', -10)]},
  'location-minus-infinity': {rs: [r('web')], cs: [loc('web', 'n1', '-INFINITY'), loc('web', 'n2', 'INFINITY'), loc('web', 'n2', '-INFINITY')]},
  'location-rule-attribute': {nodes: [{name: 'n1', attributes: {ssd: 'no'}}, {name: 'n2', attributes: {ssd: 'yes'}}, 'n3'], rs: [r('db')], cs: [rule('db', 'ssd', 'eq', 'yes', 200)]},
  'location-rule-numeric': {nodes: [{name: 'n1', attributes: {cores: '4'}}, {name: 'n2', attributes: {cores: '16'}}, {name: 'n3', attributes: {cores: '8'}}], rs: [r('db')], cs: [rule('db', 'cores', 'lt', '8', '-INFINITY'), rule('db', 'cores', 'gt', '10', 50)]},
  'location-rule-defined': {nodes: [{name: 'n1', attributes: {}}, {name: 'n2', attributes: {gpu: '1'}}, 'n3'], rs: [r('ml')], cs: [rule('ml', 'gpu', 'defined', undefined, 'INFINITY')]},
  'symmetric-false-optin': {props: {'symmetric-cluster': 'false'}, rs: [r('a'), r('b')], cs: [loc('a', 'n3', 0)]},
  'symmetric-false-no-location': {props: {'symmetric-cluster': 'false'}, rs: [r('a')]},
  'stickiness-stays': {props: {'resource-stickiness': '200'}, rs: [r('web')], cs: [loc('web', 'n2', 100)], running: {web: 'n1'}},
  'stickiness-loses': {rs: [r('web', {'resource-stickiness': '50'})], cs: [loc('web', 'n2', 100)], running: {web: 'n1'}},
  'stickiness-zero-no-shuffle': {nodes: two, rs: [r('a'), r('b')], running: {a: 'n1', b: 'n1'}},
  'priority-capacity': {nodes: [{name: 'n1', utilization: {mem: '10'}}], props: {'placement-strategy': 'utilization'}, rs: [r('low', {priority: '1'}, {utilization: {mem: '8'}}), r('high', {priority: '10'}, {utilization: {mem: '8'}})], running: {low: 'n1'}},
  'colocation-infinity': {rs: [r('ip'), r('web')], cs: [loc('ip', 'n3', 100), col('web', 'ip', 'INFINITY')]},
  'colocation-dependent-pulls': {rs: [r('ip'), r('web')], cs: [loc('web', 'n2', 100), col('web', 'ip', 'INFINITY')]},
  'colocation-anti': {nodes: two, rs: [r('a'), r('b')], cs: [col('b', 'a', '-INFINITY')], running: {a: 'n1'}},
  'colocation-anti-no-room': {nodes: ['n1'], rs: [r('a'), r('b')], cs: [col('b', 'a', '-INFINITY')]},
  'colocation-finite': {rs: [r('a'), r('b')], cs: [loc('a', 'n2', 10), col('b', 'a', 50), loc('b', 'n3', 40)]},
  'colocation-primary-stopped': {rs: [r('a', {'target-role': 'Stopped'}), r('b')], cs: [col('b', 'a', 'INFINITY')], running: {a: 'n1', b: 'n1'}},
  'order-mandatory': {rs: [r('db'), r('app')], cs: [ord('db', 'app')]},
  'order-optional': {rs: [r('db'), r('app')], cs: [ord('db', 'app', 'optional')]},
  'order-symmetrical-stop': {rs: [r('db', {'target-role': 'Stopped'}), r('app', {'target-role': 'Stopped'})], cs: [ord('db', 'app')], running: {db: 'n1', app: 'n2'}},
  'order-unrunnable-first': {rs: [r('db', {'target-role': 'Stopped'}), r('app')], cs: [ord('db', 'app')]},
  'order-restart-then': {rs: [r('db'), r('app')], cs: [ord('db', 'app')], running: {db: 'n1', app: 'n2'}, failed: {db: {n1: {}}}},
  'order-loop': {rs: [r('a'), r('b')], cs: [ord('a', 'b', 'mandatory', false), ord('b', 'a', 'mandatory', false)]},
  'group-order': {rs: [r('fs'), r('ip'), r('web')], groups: [['g', ['fs', 'ip', 'web']]]},
  'group-stop-reverse': {rs: [r('fs'), r('ip'), r('web')], groups: [['g', ['fs', 'ip', 'web'], {'target-role': 'Stopped'}]], running: {fs: 'n1', ip: 'n1', web: 'n1'}},
  'group-member-banned': {rs: [r('fs'), r('ip'), r('web')], groups: [['g', ['fs', 'ip', 'web']]], cs: [loc('g', 'n1', 100), loc('web', 'n1', '-INFINITY')]},
  'group-member-banned-everywhere': {nodes: ['n1'], rs: [r('fs'), r('ip'), r('web')], groups: [['g', ['fs', 'ip', 'web']]], cs: [loc('ip', 'n1', '-INFINITY')]},
  'group-member-fails': {rs: [r('fs'), r('ip'), r('web')], groups: [['g', ['fs', 'ip', 'web']]], running: {fs: 'n1', web: 'n1'}, failed: {ip: {n1: {}}}},
  'group-standby-move': {rs: [r('fs'), r('ip')], groups: [['g', ['fs', 'ip']]], nodes: ['n1', {name: 'n2', standby: true}, 'n3'], running: {fs: 'n2', ip: 'n2'}},
  'clone-default-max': {rs: [r('ping')], clones: [['ping-clone', 'ping']]},
  'clone-max': {rs: [r('ping')], clones: [['ping-clone', 'ping', {'clone-max': '2'}]]},
  'clone-node-max': {nodes: two, rs: [r('w')], clones: [['w-clone', 'w', {'clone-max': '4', 'clone-node-max': '2'}]]},
  'clone-node-down': {rs: [r('ping')], clones: [['ping-clone', 'ping']], running: {'ping:0': 'n1', 'ping:1': 'n2', 'ping:2': 'n3'}, nodeState: {n2: down}},
  'clone-over-max': {rs: [r('ping')], clones: [['ping-clone', 'ping', {'clone-max': '1'}]], running: {'ping:0': 'n1', 'ping:1': 'n2'}},
  'clone-group': {rs: [r('a'), r('b')], groups: [['g', ['a', 'b']]], clones: [['g-clone', 'g', {'clone-max': '2'}]]},
  'clone-colocation': {rs: [r('ping'), r('ip')], clones: [['ping-clone', 'ping', {'clone-max': '2'}]], cs: [col('ip', 'ping-clone', 'INFINITY'), loc('ip', 'n3', 100)]},
  'target-role-stopped': {rs: [r('a', {'target-role': 'Stopped'}), r('b')], running: {a: 'n1'}},
  'unmanaged-untouched': {rs: [r('a', {'is-managed': 'false'}), r('b', {'is-managed': 'false'})], cs: [ban('a', 'n1')], running: {a: 'n1'}, failed: {b: {n2: {}}}},
  'standby-move': {nodes: ['n1', {name: 'n2', standby: true}, 'n3'], rs: [r('web-ip')], cs: [loc('web-ip', 'n2', 100)], running: {'web-ip': 'n2'}},
  'standby-transient': {rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: {online: true, standby: true}}},
  'maintenance-node': {nodes: ['n1', {name: 'n2', maintenance: true}, 'n3'], rs: [r('a'), r('b')], cs: [ban('a', 'n2')], running: {a: 'n2'}},
  'maintenance-mode': {props: {'maintenance-mode': 'true'}, rs: [r('a'), r('b')], running: {a: 'n1'}, failed: {b: {n2: {}}}},
  'cli-ban': {rs: [r('web')], cs: [ban('web', 'n1')], running: {web: 'n1'}},
  'cli-prefer': {props: {'resource-stickiness': '100'}, rs: [r('web')], cs: [prefer('web', 'n3')], running: {web: 'n1'}},
  'cli-prefer-and-ban': {rs: [r('web')], cs: [prefer('web', 'n3'), ban('web', 'n3')]},
  'migration-threshold-3': {rs: [r('db', {'migration-threshold': '3'})], running: {}, failed: {db: {n1: {failCount: 3}}}},
  'migration-threshold-below': {rs: [r('db', {'migration-threshold': '3'})], failed: {db: {n1: {failCount: 2}}}},
  'failure-timeout-expired': {nowMs: 120_000, rs: [r('db', {'migration-threshold': '1', 'failure-timeout': '60s'})], cs: [loc('db', 'n1', 10)], running: {db: 'n2'}, failed: {db: {n1: {role: 'stopped', failCount: 1, lastFailureMs: 30_000}}}},
  'failure-timeout-pending': {nowMs: 60_000, rs: [r('db', {'migration-threshold': '1', 'failure-timeout': '60s'})], cs: [loc('db', 'n1', 10)], running: {db: 'n2'}, failed: {db: {n1: {role: 'stopped', failCount: 1, lastFailureMs: 30_000}}}},
  'start-failure-fatal': {rs: [r('db')], failed: {db: {n1: {failCount: 1_000_000, failedOp: 'start'}}}},
  'on-fail-restart': {rs: [r('db')], failed: {db: {n1: {}}}},
  'on-fail-ignore': {rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'ignore'}]})], failed: {db: {n1: {}}}},
  'on-fail-stop': {rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'stop'}]})], failed: {db: {n1: {}}}},
  'on-fail-block': {rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'block'}]})], failed: {db: {n1: {}}}},
  'on-fail-standby': {rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'standby'}]}), r('other')], cs: [loc('other', 'n1', 100)], running: {other: 'n1'}, failed: {db: {n1: {}}}},
  'on-fail-fence': {props: {'stonith-enabled': 'true'}, rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'fence'}]}), r('other')], running: {other: 'n1'}, failed: {db: {n1: {}}}},
  'on-fail-fence-disabled': {rs: [r('db', {}, {operations: [{name: 'monitor', interval: '10s', onFail: 'fence'}]})], failed: {db: {n1: {}}}},
  'stop-failure-block': {rs: [r('db', {'target-role': 'Stopped'})], failed: {db: {n1: {failedOp: 'stop'}}}},
  'utilization-capacity': {props: {'placement-strategy': 'utilization'}, nodes: [{name: 'n1', utilization: {cpu: '2'}}, {name: 'n2', utilization: {cpu: '4'}}], rs: [r('a', {}, {utilization: {cpu: '2'}}), r('b', {}, {utilization: {cpu: '2'}}), r('c', {}, {utilization: {cpu: '2'}}), r('d', {}, {utilization: {cpu: '2'}})]},
  'utilization-balanced': {props: {'placement-strategy': 'balanced'}, nodes: [{name: 'n1', utilization: {cpu: '8'}}, {name: 'n2', utilization: {cpu: '4'}}], rs: [r('a', {}, {utilization: {cpu: '2'}}), r('b', {}, {utilization: {cpu: '2'}}), r('c', {}, {utilization: {cpu: '2'}})]},
  'utilization-minimal': {props: {'placement-strategy': 'minimal'}, nodes: [{name: 'n1', utilization: {cpu: '4'}}, {name: 'n2', utilization: {cpu: '4'}}], rs: [r('a', {}, {utilization: {cpu: '2'}}), r('b', {}, {utilization: {cpu: '2'}}), r('c', {}, {utilization: {cpu: '2'}})]},
  'utilization-default-ignored': {nodes: [{name: 'n1', utilization: {cpu: '1'}}], rs: [r('a', {}, {utilization: {cpu: '2'}})]},
  'no-quorum-stop': {rs: [r('a'), r('b')], running: {a: 'n1', b: 'n2'}, quorate: false},
  'no-quorum-freeze': {props: {'no-quorum-policy': 'freeze'}, rs: [r('a'), r('b')], running: {a: 'n1'}, quorate: false},
  'no-quorum-ignore': {props: {'no-quorum-policy': 'ignore'}, rs: [r('a'), r('b')], running: {a: 'n1'}, quorate: false},
  'unclean-fence': {props: {'stonith-enabled': 'true'}, rs: [r('web-ip'), r('db')], running: {'web-ip': 'n2', db: 'n1'}, nodeState: {n2: lost(1000)}, nowMs: 2000},
  'unclean-fence-no-quorum': {props: {'stonith-enabled': 'true'}, rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: lost(1000)}, nowMs: 2000, quorate: false},
  'unclean-safety-delay': {rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: lost(1000)}, nowMs: 2000},
  'unclean-safety-delay-passed': {rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: lost(1000)}, nowMs: 30_000},
  'unclean-safety-delay-configured': {props: {'safety-delay': '5s'}, rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: lost(1000)}, nowMs: 6000},
  'node-down-clean': {rs: [r('web-ip')], running: {'web-ip': 'n1'}, nodeState: {n1: down}},
  'fenced-node': {rs: [r('web-ip')], running: {'web-ip': 'n2'}, nodeState: {n2: {online: false, unclean: true, fenced: true}}},
  'multiple-active-stop-start': {rs: [r('db')], running: {db: ['n1', 'n2']}},
  'multiple-active-stop-only': {rs: [r('db', {'multiple-active': 'stop_only'})], running: {db: ['n1', 'n2']}},
  'multiple-active-block': {rs: [r('db', {'multiple-active': 'block'})], running: {db: ['n1', 'n2']}},
  'multiple-active-stop-unexpected': {rs: [r('db', {'multiple-active': 'stop_unexpected'})], cs: [loc('db', 'n2', 10)], running: {db: ['n1', 'n2']}},
  'allow-migrate': {rs: [r('vm', {'allow-migrate': 'true'})], cs: [ban('vm', 'n1')], running: {vm: 'n1'}},
  'allow-migrate-unsupported': {rs: [r('vm', {'allow-migrate': 'true'})], cs: [ban('vm', 'n1')], running: {vm: 'n1'}, migratable: {vm: false}},
  'allow-migrate-failed': {rs: [r('vm', {'allow-migrate': 'true', 'migration-threshold': '1'})], failed: {vm: {n1: {}}}},
  'stop-all-resources': {props: {'stop-all-resources': 'true'}, rs: [r('a')], running: {a: 'n1'}},
  'steady-state': {rs: [r('a'), r('b')], running: {a: 'n1', b: 'n2'}},
  'clone-order-no-interleave': {nodes: two, rs: [r('fs'), r('app')], clones: [['fs-clone', 'fs'], ['app-clone', 'app']], cs: [ord('fs-clone', 'app-clone')]},
  'clone-order-interleave': {nodes: two, rs: [r('fs'), r('app')], clones: [['fs-clone', 'fs'], ['app-clone', 'app', {interleave: 'true'}]], cs: [ord('fs-clone', 'app-clone')]},
  'clone-instance-fails': {nodes: two, rs: [r('fs'), r('app')], clones: [['fs-clone', 'fs'], ['app-clone', 'app', {interleave: 'true'}]], cs: [ord('fs-clone', 'app-clone')], running: {'fs:0': 'n1', 'fs:1': 'n2', 'app:0': 'n1', 'app:1': 'n2'}, failed: {'fs:1': {n2: {}}}},
  'clone-instance-fails-no-interleave': {nodes: two, rs: [r('fs'), r('app')], clones: [['fs-clone', 'fs'], ['app-clone', 'app']], cs: [ord('fs-clone', 'app-clone')], running: {'fs:0': 'n1', 'fs:1': 'n2', 'app:0': 'n1', 'app:1': 'n2'}, failed: {'fs:1': {n2: {}}}},
  'priority-order-no-room': {nodes: ['n1'], rs: [r('a', {priority: '1'}), r('b', {priority: '5'})], cs: [col('a', 'b', '-INFINITY')], running: {a: 'n1'}},
  'node-rejoin-location': {rs: [r('web')], cs: [loc('web', 'n1', 100)], running: {web: 'n2'}},
  'node-rejoin-sticky': {props: {'resource-stickiness': 'INFINITY'}, rs: [r('web')], cs: [loc('web', 'n1', 100)], running: {web: 'n2'}},
  'orphan-running': {rs: [r('a')], running: {a: 'n1', gone: 'n2'}},
  'group-colocated-with-group': {rs: [r('a1'), r('a2'), r('b1'), r('b2')], groups: [['ga', ['a1', 'a2']], ['gb', ['b1', 'b2']]], cs: [col('gb', 'ga', 'INFINITY'), loc('ga', 'n3', 50)]},
  'failed-unclean-fence-stop': {props: {'stonith-enabled': 'true'}, rs: [r('db', {'target-role': 'Stopped'})], failed: {db: {n1: {failedOp: 'stop'}}}},
  // An unmanaged resource that runs nowhere is placed nowhere: no phantom node for b to avoid, and c cannot start after it.
  'unmanaged-stopped-colocation': {rs: [r('a', {'is-managed': 'false'}), r('b'), r('c')], cs: [col('b', 'a', '-INFINITY'), ord('a', 'c')], running: {b: 'n1'}},
  // A new clone instance does not take the node of a running resource only because its running sibling is sticky.
  'clone-new-instance-no-room': {props: {'placement-strategy': 'utilization'}, nodes: [{name: 'n1', utilization: {cpu: '2'}}, {name: 'n2', utilization: {cpu: '2'}}],
    rs: [r('w', {'resource-stickiness': '100'}, {utilization: {cpu: '2'}}), r('x', {}, {utilization: {cpu: '2'}})], clones: [['w-clone', 'w', {'clone-max': '2'}]], running: {'w:0': 'n1', x: 'n2'}},
  // b cannot start (a cannot run anywhere): it holds no node, so c, which avoids b, stays where it runs.
  'order-first-cannot-run-anti-colocation': {nodes: two, rs: [r('a'), r('b'), r('c')], cs: [ban('a', 'n1'), ban('a', 'n2'), ord('a', 'b'), col('c', 'b', '-INFINITY')], running: {c: 'n1'}},
  // c cannot run after the stopped unmanaged b, so its stickiness does not keep the group on n1.
  'group-stopped-member-no-stickiness': {rs: [r('a'), r('b', {'is-managed': 'false'}), r('c', {'resource-stickiness': '100'})], groups: [['g', ['a', 'b', 'c']]], cs: [loc('g', 'n1', -50)], running: {c: 'n1'}},
  // x would rather be on n2, so it does not go before the unmanaged u that fills n2.
  'utilization-mover-after-unmanaged': {props: {'placement-strategy': 'utilization'}, nodes: [{name: 'n1', utilization: {cpu: '2'}}, {name: 'n2', utilization: {cpu: '2'}}],
    rs: [r('x', {}, {utilization: {cpu: '2'}}), r('u', {'is-managed': 'false'}, {utilization: {cpu: '2'}})], cs: [loc('x', 'n2', 20)], running: {x: 'n1', u: 'n2'}},
  // The group stays where its unmanaged first member runs; its managed member may not join o there.
  'group-unmanaged-member-anti-colocation': {rs: [r('a', {'is-managed': 'false'}), r('b'), r('o')], groups: [['g', ['a', 'b']]], cs: [col('g', 'o', '-INFINITY')], running: {a: 'n1', b: 'n2', o: 'n1'}},
  // Pacemaker's semantics (issue 11), each checked against crm_simulate by test/pacemaker.
  // A finite negative colocation is a preference: with one node left, b still runs next to a.
  'colocation-finite-negative-one-node': {nodes: ['n1', {name: 'n2', standby: true}], rs: [r('a'), r('b')], cs: [col('b', 'a', -100)]},
  // Under a placement strategy the running x is assigned first: the bigger new y does not displace it.
  'utilization-running-not-displaced': {props: {'placement-strategy': 'utilization'}, nodes: [{name: 'n1', utilization: {cpu: '4'}}, {name: 'n2', utilization: {cpu: '2'}}],
    rs: [r('x', {}, {utilization: {cpu: '2'}}), r('y', {}, {utilization: {cpu: '3'}})], running: {x: 'n1'}},
  // a sticks to n1 with INFINITY and must not share a node with b: a's preference pushes b away from n1 (colocation influence).
  'colocation-anti-influence': {rs: [r('b'), r('a', {'resource-stickiness': 'INFINITY'})], cs: [loc('b', 'n1', 100), col('a', 'b', '-INFINITY')], running: {a: 'n1'}},
  // Mutual colocations, one of them INFINITY: satisfiable, so both run (where the sticky one is).
  'colocation-mutual-infinity': {rscDefaults: {'resource-stickiness': 'INFINITY'}, rs: [r('r1'), r('r2')], cs: [col('r2', 'r1', 'INFINITY'), col('r1', 'r2', 500)], running: {r1: 'n2'}},
  // Scores flow along a chain of colocations: c's preference for n3 pulls b and a there.
  'colocation-chain-influence': {rs: [r('a'), r('b'), r('c')], cs: [col('b', 'a', 'INFINITY'), col('c', 'b', 'INFINITY'), loc('c', 'n3', 100)]},
  // The group fits on no node in full (7 > 6 cpu): the members that fit start, in order.
  'group-partial-utilization': {props: {'placement-strategy': 'balanced'}, nodes: [{name: 'n1', utilization: {cpu: '6'}}, {name: 'n2', utilization: {cpu: '4'}}],
    rs: [r('a', {}, {utilization: {cpu: '1'}}), r('b', {}, {utilization: {cpu: '3'}}), r('c', {}, {utilization: {cpu: '3'}})], groups: [['g', ['a', 'b', 'c']]]},
  // A member of g can run nowhere, so g never completes its start and d, ordered after g, stays stopped.
  'order-after-partial-group': {rs: [r('a'), r('b'), r('d')], groups: [['g', ['a', 'b']]], cs: [ban('b', 'n1'), ban('b', 'n2'), ban('b', 'n3'), ord('g', 'd')]},
  // ne is true on a node without the attribute: n3 (no rack) is avoided too.
  'rule-ne-missing-attribute': {nodes: [{name: 'n1', attributes: {rack: 'a'}}, {name: 'n2', attributes: {rack: 'b'}}, 'n3'], rs: [r('web')], cs: [rule('web', 'rack', 'ne', 'a', '-INFINITY')]},
  // Opt-in: a location on member b admits only b; a is admitted nowhere, so the group does not run.
  'optin-member-location': {props: {'symmetric-cluster': 'false'}, rs: [r('a'), r('b')], groups: [['g', ['a', 'b']]], cs: [loc('b', 'n2', 100)]},
  // An anonymous clone's failures count per node: w:0 reached migration-threshold on n1, so no instance runs there.
  'clone-failcount-per-node': {rs: [r('w', {'migration-threshold': '2'})], clones: [['w-clone', 'w', {'clone-max': '2'}]],
    running: {'w:1': 'n2'}, failed: {'w:0': {n1: {role: 'stopped', failCount: 2}}}},
  // a starts: b, which needs it (mandatory order) and already runs, restarts.
  'order-restart-on-first-start': {rs: [r('a'), r('b')], cs: [ord('a', 'b')], running: {b: 'n2'}},
  // Resource defaults: a stickiness for everything keeps web where it runs.
  'rsc-defaults-stickiness': {rscDefaults: {'resource-stickiness': '200'}, rs: [r('web')], cs: [loc('web', 'n2', 100)], running: {web: 'n1'}},
  // Colocation by node attribute: b must be in a's rack, not on a's node (b may not run on n1).
  'colocation-node-attribute': {nodes: [{name: 'n1', attributes: {rack: 'a'}}, {name: 'n2', attributes: {rack: 'a'}}, {name: 'n3', attributes: {rack: 'b'}}],
    rs: [r('a'), r('b')], cs: [loc('a', 'n1', 100), ban('b', 'n1'), {...col('b', 'a', 'INFINITY'), nodeAttribute: 'rack'} as Constraint]},
}

for (const [name, def] of Object.entries(scenarios)) {
  const {config, state} = build(def)
  const dir = join(here, name)
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`)
}
console.log(`${Object.keys(scenarios).length} scenarios written`)
