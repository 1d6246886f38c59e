// Writes the golden scenarios of promotable clones (promotable-*): config.json and
// state.json from the compact definitions below. Run:
//   node --import tsx test/scenarios/generate-promotable.ts
// then UPDATE_SCENARIOS=1 npx mocha test/scenarios/scenarios.test.ts, and review the expected files.
// Promotion scores are transient node attributes master-PRIMITIVE, as crm_master sets them.
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Constraint, NodeEntry, Primitive, ResourceConfig} from '../../src/core/config/types.js'
import type {ClusterState, InstanceOnNode, NodeState} from '../../src/core/policy/state.js'

const here = dirname(fileURLToPath(import.meta.url))

interface Def {
  nodes?: string[]
  props?: Record<string, string>
  /** Extra meta of db-clone. */
  clone?: Record<string, string>
  /** Extra primitives (vip, …). */
  rs?: Primitive[]
  cs?: Constraint[]
  /** Instance -> node -> its record (role started/promoted/failed …). */
  state?: Record<string, Record<string, InstanceOnNode>>
  /** Promotion scores of db per node (master-db). */
  scores?: Record<string, string>
  nodeState?: Record<string, NodeState>
  quorate?: boolean
  dbOps?: Primitive['operations']
  /** Nodes in standby (configured). */
  standby?: string[]
  nowMs?: number
}

const ROLE_MONITORS: Primitive['operations'] = [
  {name: 'monitor', interval: '10s', role: 'Promoted'},
  {name: 'monitor', interval: '11s', role: 'Unpromoted'},
]
const db = (ops = ROLE_MONITORS): Primitive => ({id: 'db', agent: 'ocf:pacemaker:Stateful', params: {}, meta: {}, operations: ops, utilization: {}})
const vip: Primitive = {id: 'vip', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [{name: 'monitor', interval: '10s'}], utilization: {}}
const up = (role: InstanceOnNode['role'] = 'started'): InstanceOnNode => ({role})
const allUnpromoted = {'db:0': {n1: up()}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}
const vipWithPromoted: Constraint = {id: 'vip-with-db', type: 'colocation', resource: 'vip', withResource: 'db-clone', score: 'INFINITY', withRole: 'Promoted'}
const promoteThenVip: Constraint = {id: 'promote-db-then-vip', type: 'order', first: 'db-clone', firstAction: 'promote', then: 'vip', thenAction: 'start', kind: 'mandatory', symmetrical: true}

function build(def: Def): {config: ResourceConfig, state: ClusterState} {
  const names = def.nodes ?? ['n1', 'n2', 'n3']
  const nodes = names.map((name): NodeEntry => ({name, attributes: {}, utilization: {}, standby: def.standby?.includes(name) ?? false, maintenance: false}))
  const config: ResourceConfig = {
    epoch: 1, properties: def.props ?? {}, nodes, resources: [db(def.dbOps), ...(def.rs ?? [])], groups: [],
    clones: [{id: 'db-clone', child: 'db', meta: {promotable: 'true', ...def.clone}}], constraints: def.cs ?? [],
  }
  const nodeState: Record<string, NodeState> = {}
  for (const name of names) {
    const base = def.nodeState?.[name] ?? {online: true}
    const score = def.scores?.[name]
    nodeState[name] = score === undefined || !base.online ? base : {...base, attributes: {'master-db': score}}
  }
  const resources: ClusterState['resources'] = {}
  for (const [id, byNode] of Object.entries(def.state ?? {})) resources[id] = {nodes: byNode}
  return {config, state: {nowMs: def.nowMs ?? 0, quorate: def.quorate ?? true, nodes: nodeState, resources}}
}

export const scenarios: Record<string, Def> = {
  // Nothing runs and no agent has set a promotion score yet: every instance starts Unpromoted, none is promoted.
  'promotable-start-no-score': {},
  // All run Unpromoted; the agents set scores: the highest (n2) is promoted, after every start of the clone.
  'promotable-promote-by-score': {state: allUnpromoted, scores: {n1: '5', n2: '10', n3: '5'}},
  // n1 is Promoted but n3's replica now has the higher score: demote n1 first, then promote n3.
  'promotable-highest-score-wins': {state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}, scores: {n1: '5', n2: '5', n3: '100'}},
  // Equal scores: the instance Promoted now stays Promoted (no needless switchover).
  'promotable-tie-keeps-promoted': {state: {'db:0': {n1: up()}, 'db:1': {n2: up('promoted')}, 'db:2': {n3: up()}}, scores: {n1: '10', n2: '10', n3: '10'}},
  // The Promoted monitor failed on n1 with on-fail=demote: demoted without a restart, and promoted again as it is
  // still the best (crm_simulate's Re-promote).
  'promotable-demote-on-fail': {
    dbOps: [{name: 'monitor', interval: '10s', role: 'Promoted', onFail: 'demote'}, {name: 'monitor', interval: '11s', role: 'Unpromoted'}],
    state: {'db:0': {n1: {role: 'failed', failCount: 1, lastFailureMs: 0, failedOp: 'monitor', failedRole: 'Promoted'}}, 'db:1': {n2: up()}, 'db:2': {n3: up()}},
    scores: {n1: '10', n2: '5', n3: '1'},
  },
  // The Promoted instance failed (on-fail restart): recovered in place as demote, stop, start, promote (n1 keeps the best score).
  'promotable-promoted-fails-recover': {
    state: {'db:0': {n1: {role: 'failed', failCount: 1, lastFailureMs: 0, failedOp: 'monitor', failedRole: 'Promoted'}}, 'db:1': {n2: up()}, 'db:2': {n3: up()}},
    scores: {n1: '10', n2: '5', n3: '1'},
  },
  // A VIP colocated with the Promoted role and ordered after the promote: it starts on n2, after db:1's promote.
  'promotable-vip-with-promoted': {rs: [vip], cs: [vipWithPromoted, promoteThenVip], state: allUnpromoted, scores: {n1: '5', n2: '10', n3: '5'}},
  // No instance can be promoted (no scores): the VIP that needs the Promoted role stays stopped.
  'promotable-vip-no-promoted': {rs: [vip], cs: [vipWithPromoted, promoteThenVip], state: allUnpromoted},
  // The primary's node left cleanly: the best replica (n3) is promoted and the VIP follows it, after the promote.
  'promotable-failover-vip': {
    rs: [vip], cs: [vipWithPromoted, promoteThenVip],
    state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}, vip: {n1: up()}},
    scores: {n1: '100', n2: '5', n3: '8'}, nodeState: {n1: {online: false}},
  },
  // Switchover: `resource move db-clone n1 --promoted` writes a location with role Promoted: n2 is demoted, n1 promoted, the VIP moves after.
  'promotable-switchover-move': {
    rs: [vip], cs: [vipWithPromoted, promoteThenVip, {id: 'cli-prefer-db-clone', type: 'location', resource: 'db-clone', node: 'n1', score: 'INFINITY', role: 'Promoted'}],
    state: {'db:0': {n1: up()}, 'db:1': {n2: up('promoted')}, 'db:2': {n3: up()}, vip: {n2: up()}},
    scores: {n1: '10', n2: '10', n3: '10'},
  },
  // promoted-max=2: the two highest scores are promoted.
  'promotable-max-2': {clone: {'promoted-max': '2'}, state: allUnpromoted, scores: {n1: '5', n2: '10', n3: '7'}},
  // notify=true: a switchover's demote and promote are each surrounded by pre and post notifications on every instance.
  'promotable-notify': {clone: {notify: 'true'}, state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}, scores: {n1: '5', n2: '5', n3: '100'}},
  // notify=true, first start: nothing runs before (no pre-start notifications), every started instance gets the post-start one.
  'promotable-notify-start': {clone: {notify: 'true'}},
  // target-role Unpromoted: the clone runs but is never promoted, whatever the scores.
  'promotable-target-unpromoted': {clone: {'target-role': 'Unpromoted'}, state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}, scores: {n1: '10', n2: '5', n3: '5'}},
  // Quorum lost (no-quorum-policy=stop): the Promoted instance is demoted before it stops.
  'promotable-no-quorum': {quorate: false, state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}, scores: {n1: '10', n2: '5', n3: '5'}},
  // A negative promotion score means "not here": n3 (-1) is not promoted although it is the only one with a score above n1's absent one.
  'promotable-negative-score': {state: allUnpromoted, scores: {n2: '-10', n3: '-1'}},
  // "promote db-clone then start vip" without a colocation: vip, running where it stays, is not restarted by the promote (as in Pacemaker).
  'promotable-order-no-restart': {rs: [vip], cs: [promoteThenVip], state: {...allUnpromoted, vip: {n3: up()}}, scores: {n1: '5', n2: '10', n3: '5'}},
  // "Promoted db-clone with fs INFINITY": the Promoted instance goes where fs runs (n3), although n2 has the higher score.
  'promotable-promoted-with-resource': {
    rs: [{...vip, id: 'fs'}], cs: [{id: 'fs-on-n3', type: 'location', resource: 'fs', node: 'n3', score: 100}, {id: 'db-promoted-with-fs', type: 'colocation', resource: 'db-clone', withResource: 'fs', score: 'INFINITY', rscRole: 'Promoted'}],
    state: {...allUnpromoted, fs: {n3: up()}}, scores: {n1: '5', n2: '10', n3: '5'},
  },
  // The Promoted instance's node goes into standby: it is demoted, then stopped, and the best other one (n3) is promoted.
  'promotable-standby-primary': {standby: ['n1'], state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}}, scores: {n1: '10', n2: '5', n3: '7'}},
  // Equal scores: the VIP's own preference for n3 pulls the promotion there (colocation influence).
  'promotable-vip-pulls-promotion': {
    rs: [vip], cs: [vipWithPromoted, {id: 'vip-prefers-n3', type: 'location', resource: 'vip', node: 'n3', score: 100}],
    state: allUnpromoted, scores: {n1: '5', n2: '5', n3: '5'},
  },
  // Two instances per node, two Promoted at most but one per node (promoted-node-max 1).
  'promotable-node-max': {
    nodes: ['n1', 'n2'], clone: {'clone-max': '4', 'clone-node-max': '2', 'promoted-max': '2'},
    state: {'db:0': {n1: up()}, 'db:1': {n2: up()}, 'db:2': {n1: up()}, 'db:3': {n2: up()}}, scores: {n1: '10', n2: '5'},
  },
  // The Promoted instance's node was lost uncleanly (no fencing): it may still run Promoted, so nothing is promoted
  // elsewhere (never two primaries) until the safety delay has passed.
  'promotable-primary-lost-held': {
    rs: [vip], cs: [vipWithPromoted, promoteThenVip], nowMs: 1_000,
    state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}, vip: {n1: up()}},
    scores: {n1: '10', n2: '5', n3: '8'}, nodeState: {n1: {online: false, unclean: true, lostAtMs: 0}},
  },
  // The same after the safety delay: n3, the best replica left, is promoted and the VIP follows.
  'promotable-primary-lost-recovered': {
    rs: [vip], cs: [vipWithPromoted, promoteThenVip], nowMs: 10_000,
    state: {'db:0': {n1: up('promoted')}, 'db:1': {n2: up()}, 'db:2': {n3: up()}, vip: {n1: up()}},
    scores: {n1: '10', n2: '5', n3: '8'}, nodeState: {n1: {online: false, unclean: true, lostAtMs: 0}},
  },
  // The promote of n1's instance failed (on-fail restart): it is recovered (demote, stop, start) as Unpromoted and the
  // best other instance (n2) is promoted, as Pacemaker does.
  'promotable-promote-fails': {
    state: {'db:0': {n1: {role: 'failed', failCount: 1, lastFailureMs: 0, failedOp: 'promote'}}, 'db:1': {n2: up()}, 'db:2': {n3: up()}},
    scores: {n1: '10', n2: '10', n3: '1'},
  },
}

for (const [name, def] of Object.entries(scenarios)) {
  const {config, state} = build(def)
  const dir = join(here, name)
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`)
}
console.log(`${Object.keys(scenarios).length} promotable scenarios written`)
