import type {ResourceConfig} from '../config/types.js'
import type {Action} from '../policy/actions.js'
import type {InstanceRole} from '../policy/state.js'

/** What a node knows of one resource instance it has run or probed (Pacemaker's LRM history). */
export interface InstanceReport {
  role: InstanceRole
  failCount: number
  lastFailureMs?: number
  failedOp?: string
  /** The parameters it was started with (src/core/policy/digest.ts), while it runs. */
  digest?: string
  restartDigest?: string
  reloadable?: string[]
}

/** Per instance id. */
export type NodeReport = Record<string, InstanceReport>

export interface NodeBook {
  online: boolean
  /** Left without a clean shutdown: its resources may still be active. */
  unclean: boolean
  /** When it was last heard from, for the safety delay. */
  lostAtMs?: number
  fenced: boolean
  /** A full report arrived since this DC asked (probes done). */
  reported: boolean
  /** Asked to shut down: its resources move away first. */
  leaving: boolean
  /** The node was told it may leave (once). */
  leaveGranted?: boolean
  /** It left after announcing a clean leave holding nothing: not unclean, nothing to fence or seed. */
  leftCleanly?: boolean
  /** This node saw it online at some time (a DC knows nothing of a node it never saw). */
  everSeen?: boolean
  /** The view in which it went offline here: a member's record of a later clean leave is newer knowledge. */
  lostInViewId?: number
  /** The last quorate view in which this node saw it a member (ids of quorate views are ordered cluster-wide). */
  seenInViewId?: number
  resources: NodeReport
  /** The node's transient attributes (lifetime reboot: gone when it goes offline), e.g. promotion scores `master-RSC`. */
  attributes?: Record<string, string>
}

export type ActionStatus = 'pending' | 'dispatched' | 'done' | 'failed'

export interface TransitionBook {
  id: number
  actions: Action[]
  status: Record<string, ActionStatus>
  /** An input changed: dispatch nothing more, replan once nothing is in flight. */
  aborted: boolean
  summary: string[]
}

export interface OrchestratorState {
  nowMs: number
  /** This node is the DC and the replicated configuration is ready to plan on. */
  active: boolean
  viewId: number
  quorate: boolean
  tokenTimeoutMs: number
  /** A lost node was last heard at least this long before the view without it was agreed. */
  evictAfterMs: number
  config: ResourceConfig | undefined
  nodes: Record<string, NodeBook>
  transition: TransitionBook | undefined
  nextTransitionId: number
  /** Some input changed since the last plan. */
  dirty: boolean
  recheckAtMs: number | null
}

export type OrchestratorEvent =
  | {type: 'tick', nowMs: number}
  | {type: 'config', config: ResourceConfig}
  /** A new agreed view; `active` when this node is its DC and replication is ready. */
  /** heardAtMs: when this node last heard each node (its own membership), on the same clock as nowMs. */
  | {type: 'view', nowMs: number, viewId: number, members: string[], quorate: boolean, active: boolean, heardAtMs?: Record<string, number>}
  /** A node's full report (after its probes) or an update of some instances. */
  /** `attributes`: the node's whole set of transient attributes, when the report carries them. */
  | {type: 'report', node: string, resources: NodeReport, full: boolean, attributes?: Record<string, string>}
  | {type: 'result', node: string, transitionId: number, actionId: string, ok: boolean, resources: NodeReport}
  | {type: 'fence-result', node: string, transitionId: number, actionId: string, ok: boolean}
  | {type: 'leave-request', node: string}
  /**
   * A member announced it is leaving with this final report (after its resources
   * were moved away or stopped): every node, DC or not, records it, so whichever
   * node is DC when it goes sees a clean leave.
   */
  | {type: 'leaving', node: string, resources: NodeReport}
  /**
   * What a member knows of nodes that are gone: the view each went in, and whether it
   * had announced a clean leave. The latest view wins over this DC's own knowledge: a
   * clean leave it never saw is not held or fenced; an unclean one is held again.
   */
  /** A member's daemon restarted (a new incarnation): what its previous run announced no longer holds. */
  | {type: 'restarted', node: string}
  /** A live node add/remove (hactl node add|remove): books for the nodes now listed, none for the others; addr: each node's first address. */
  | {type: 'nodes', nodes: Array<{name: string, addr: string}>}
  | {type: 'departed', records: Array<{node: string, viewId: number, clean: boolean, seenInViewId?: number}>}
  | {type: 'cleanup', resource: string, node?: string}
  /**
   * A fence of `node` on request (hactl node fence) succeeded: it runs nothing. A member
   * still (the membership notices later) is taken as leaving with nothing held, so the
   * view without it is a clean departure, not a loss to fence again.
   */
  | {type: 'fenced', node: string}
  /**
   * What the previous DC knew of nodes that are gone (from its last status): a new DC
   * must hold their resources as it would have, or it could start them twice.
   */
  | {type: 'seed', nowMs: number, nodes: Record<string, NodeReport>}

export type OrchestratorOutput =
  | {type: 'request-report', nodes: string[]}
  | {type: 'dispatch', node: string, transitionId: number, action: Action}
  | {type: 'fence', node: string, transitionId: number, actionId: string}
  | {type: 'leave-granted', node: string}
  | {type: 'cleanup', resource: string, nodes: string[]}
  | {type: 'transition', id: number, summary: string[], actions: number}
  | {type: 'settled', id: number}
