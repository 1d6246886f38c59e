// The engine's working model: the configuration and state unpacked into arrays
// indexed by number, so that the hot loops of 64 nodes x 10,000 resources touch
// typed arrays instead of maps of strings.
import type {Primitive, ResourceConfig} from '../config/types.js'
import type {ClusterState} from './state.js'

export type OnFail = 'restart' | 'ignore' | 'stop' | 'block' | 'standby' | 'fence' | 'demote'

/** One primitive instance: a primitive, a group member, or `child:N` of a clone. */
export interface Instance {
  index: number
  /** Instance id: the primitive id, or `primitive:N` inside a clone. */
  id: string
  primitive: Primitive
  /** Effective meta: the primitive's, else its group's, else its clone's. */
  meta: (name: string) => string | undefined
  unit: number
  member: number
  /** Online nodes where it is active (started or failed); the stops we can run. */
  active: number[]
  /** Nodes where it failed and is to be recovered (a subset of active). */
  failed: number[]
  /** Nodes where it was active but is stopped by a fence in this transition. */
  fencedOn: number[]
  /** Nodes where it was active but the safety delay has passed: stopped by assumption. */
  expiredOn: number[]
  /** A node it is held on: lost uncleanly, neither fenced nor past the safety delay. */
  heldOn: number
  managed: boolean
  /** Why it is unmanaged, when it is. */
  unmanagedWhy: string
  /** A failure with on-fail=stop keeps it stopped. */
  stopWhy: string
  /** What set stopWhy, where it matters: multiple-active=stop_only. */
  stopKind?: 'multiple-active'
  migratable: boolean
  /** Unexpired fail counts per node index (only nodes with failures). */
  failCounts: Map<number, number>
  /** A promotable clone's instance: the node where it runs (or failed) in the Promoted role, -1 when none. */
  promotedOn: number
  /** Why it must be demoted where it is Promoted, even if it stays Promoted (on-fail=demote after a Promoted failure); '' when not. */
  demoteWhy: string
  /** Why it may not be promoted in this transition (its promote failed: recovered Unpromoted, as Pacemaker); '' when it may. */
  noPromoteWhy: string
}

/** What the engine places: a primitive, a group, or one clone instance. */
export interface Unit {
  index: number
  id: string
  /** Ids constraints may name to mean this unit: own id, group id, clone id, member ids. */
  names: string[]
  instances: number[]
  clone: number
  priority: number
  /** Config order, the last tie-break. */
  order: number
  utilization: Record<string, number>
  /** A node this unit cannot leave (held, unmanaged and active, frozen); -1 when free. */
  pinnedTo: number
  /** Why it cannot leave that node: lost and held, unmanaged, or frozen without quorum ('' when free). */
  pinned: '' | 'held' | 'unmanaged' | 'frozen'
  pinnedWhy: string
  /** A reason this unit must not run anywhere ('' when it may). */
  stopWhy: string
  /** The node it runs on now (-1: none), for stickiness and tie-breaks. */
  current: number
}

export interface CloneInfo {
  index: number
  id: string
  child: string
  max: number
  nodeMax: number
  interleave: boolean
  units: number[]
  /** meta promotable=true: instances run Unpromoted or Promoted. */
  promotable: boolean
  /** promoted-max (master-max), 0 with target-role Unpromoted. */
  promotedMax: number
  promotedNodeMax: number
  /** meta notify=true: instances are told before and after each start, stop, promote and demote. */
  notify: boolean
}

export interface NodeInfo {
  index: number
  name: string
  attributes: Record<string, string>
  capacity: Record<string, number>
  /** '' when resources may run here; otherwise why not. */
  cannotHost: string
  /** In standby because a failure had on-fail=standby (kept in the next state). */
  standbyOnFail: boolean
  online: boolean
  maintenance: boolean
  /** Fenced by this transition. */
  fenceWhy: string
  /** Lost uncleanly and held: the time its resources may be recovered (ms), or -1. */
  holdUntilMs: number
}

/** One addend of a unit's score on a node, recorded for `hactl resource why`. */
export interface Term {
  unit: string
  node: string
  score: number
  source: string
}

export interface Model {
  config: ResourceConfig
  state: ClusterState
  nodes: NodeInfo[]
  nodeIndex: Map<string, number>
  instances: Instance[]
  instanceIndex: Map<string, number>
  units: Unit[]
  clones: CloneInfo[]
  /** Constraint target id -> units it names (a clone names all its instances). */
  unitsByName: Map<string, number[]>
  /** Primitive id -> its instances. */
  instancesByPrimitive: Map<string, number[]>
  /** May resources start at all (quorum or no-quorum-policy=ignore)? */
  canStart: boolean
  quorumWhy: string
  strategy: 'default' | 'utilization' | 'balanced' | 'minimal'
  stonith: boolean
  warnings: string[]
  /** Earliest time something time-based changes (failure-timeout, safety delay); -1 when none. */
  recheckAtMs: number
  /** Units whose score terms are recorded (explain); undefined in normal runs. */
  trace?: {units: Set<number>, terms: Term[]}
}

/** Records a score term when the unit is traced. */
export function note(model: Model, unit: number, node: number, score: number, source: string): void {
  if (model.trace?.units.has(unit)) model.trace.terms.push({unit: model.units[unit].id, node: model.nodes[node].name, score, source})
}

export {isTrue} from '../config/booleans.js'

/** Without quorum and with no-quorum-policy=freeze, what runs keeps running untouched. */
export function isFrozen(model: Model, inst: Instance): boolean {
  return inst.active.length > 0 && model.units[inst.unit].pinned === 'frozen'
}
