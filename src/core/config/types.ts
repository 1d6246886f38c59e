// The resource configuration: hactl's equivalent of Pacemaker's CIB. It is the
// document that is replicated across the cluster and mirrored by `-f FILE`.
// Structural keys are camelCase; property and meta-attribute names are
// Pacemaker's own (kebab-case) so that operators' habits carry over.
import type {AlertEntry} from './alerts.js'

/** A score as written by a person: an integer or ±INFINITY. */
export type ScoreText = number | 'INFINITY' | '+INFINITY' | '-INFINITY'

export type NameValues = Record<string, string>

export interface NodeEntry {
  name: string
  /** Node attributes, usable by location rules (Pacemaker's node attributes). */
  attributes: NameValues
  /** Capacity per utilization attribute, e.g. {cpu: "8", memory: "16384"}. */
  utilization: NameValues
  standby: boolean
  maintenance: boolean
}

export interface Operation {
  /** start, stop, monitor, promote, demote, migrate_to, migrate_from, … */
  name: string
  /** Duration text: "10s", "500ms", "1m", "0" for non-recurring. */
  interval: string
  timeout?: string
  /** restart | ignore | stop | block | standby | fence | demote */
  onFail?: string
  /** The role this operation is for (recurring monitors of promotable clones); absent: every role. Master/Slave are read as Promoted/Unpromoted. */
  role?: OperationRole
  /** Other op attributes from `--op "monitor interval=10s OCF_CHECK_LEVEL=10"`. */
  extra?: NameValues
}

/** The roles of a promotable clone's instances, Pacemaker 2.1's names. */
export type OperationRole = 'Promoted' | 'Unpromoted'
/** A constraint's role filter: Started (the default) means any running instance. */
export type ConstraintRole = 'Started' | 'Promoted' | 'Unpromoted'

export interface Primitive {
  id: string
  /** ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT. */
  agent: string
  params: NameValues
  meta: NameValues
  operations: Operation[]
  utilization: NameValues
}

export interface Group {
  id: string
  /** Primitive ids, in start order. */
  members: string[]
  meta: NameValues
}

export interface Clone {
  id: string
  /** The primitive or group that is cloned. */
  child: string
  /** clone-max, clone-node-max and other meta attributes. */
  meta: NameValues
}

export type LocationRuleOperation = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'defined' | 'not_defined'

/** A node attribute expression (Pacemaker's <expression>). */
export interface LocationRule {
  attribute: string
  operation: LocationRuleOperation
  value?: string
}

/** Several expressions joined by and/or (Pacemaker's boolean-op), nested up to four levels. */
export interface CompoundRule {
  booleanOp: 'and' | 'or'
  rules: RuleExpression[]
}

/** Fields of a date_spec: a number or a range "A-B" each (weekdays 1-7 from Monday), in UTC. */
export interface DateSpec {
  years?: string
  months?: string
  monthdays?: string
  weekdays?: string
  yeardays?: string
  hours?: string
  minutes?: string
}

/** A date expression, evaluated with the engine's injected clock (UTC). */
export interface DateRule {
  date: 'in_range' | 'gt' | 'lt' | 'date_spec'
  /** ISO 8601 date-times for in_range (start and/or end), gt (start) and lt (end). */
  start?: string
  end?: string
  spec?: DateSpec
}

export type RuleExpression = LocationRule | CompoundRule | DateRule

export interface LocationConstraint {
  id: string
  type: 'location'
  /** A primitive, group or clone id. */
  resource: string
  score: ScoreText
  /** Exactly one of node or rule is set. */
  node?: string
  rule?: RuleExpression
  /** Only for instances in this role (Pacemaker's role): Promoted acts on the choice of the promoted instances, not on placement. */
  role?: ConstraintRole
}

export interface ColocationConstraint {
  id: string
  type: 'colocation'
  /** The dependent resource: placed relative to withResource. */
  resource: string
  withResource: string
  score: ScoreText
  /** Together (or apart) means on nodes with the same value of this node attribute, not the same node (Pacemaker's node-attribute). */
  nodeAttribute?: string
  /** The dependent's role (rsc-role): Promoted or Unpromoted acts on the dependent promotable clone's roles, not its placement. */
  rscRole?: ConstraintRole
  /** The primary's role (with-rsc-role): the dependent goes where the primary's instances in this role run. */
  withRole?: ConstraintRole
}

export type OrderKind = 'mandatory' | 'optional'
export type OrderAction = 'start' | 'stop' | 'promote' | 'demote'

export interface OrderConstraint {
  id: string
  type: 'order'
  first: string
  firstAction: OrderAction
  then: string
  thenAction: OrderAction
  kind: OrderKind
  /** When true (the default) the reverse order applies to stops. */
  symmetrical: boolean
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint

export interface ResourceConfig {
  /** Grows by one with every accepted change; never goes back. */
  epoch: number
  /** Cluster properties (`hactl property set`), Pacemaker names, string values. */
  properties: NameValues
  nodes: NodeEntry[]
  resources: Primitive[]
  groups: Group[]
  clones: Clone[]
  constraints: Constraint[]
  /** Resource defaults (Pacemaker's rsc_defaults): meta attributes every resource has unless it sets its own. */
  rscDefaults?: NameValues
  /** Operation defaults (Pacemaker's op_defaults): timeout, on-fail, … for operations that do not set them. */
  opDefaults?: NameValues
  /**
   * Saved cluster state for offline simulation (`hactl simulate --save-state`).
   * Its shape belongs to the policy engine (src/core/policy), which validates it.
   */
  status?: Record<string, unknown>
  /** Alert agents (issue 13); absent is none. */
  alerts?: AlertEntry[]
}
