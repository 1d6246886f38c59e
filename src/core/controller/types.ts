import type {ConfigEdit} from '../config/edits.js'
import type {ResourceConfig} from '../config/types.js'
import type {NodeReport, OrchestratorState} from '../orchestration/types.js'
import type {Action} from '../policy/actions.js'
import type {ClusterState} from '../policy/state.js'
import type {Message as ReplicationMessage, WriteResult} from '../replication/types.js'
import type {DropReason, PeerMessage, PublishedStatus} from './messages.js'

export interface ControllerNode {
  id: number
  name: string
  votes: number
}

export interface ControllerOptions {
  selfId: number
  nodes: ControllerNode[]
  /** Membership timing: token timeout and heartbeat (ms). */
  tokenMs: number
  heartbeatMs: number
  /** Least silence before a view without a node is agreed (token + settle): lostAtMs is that much before the view. */
  evictAfterMs: number
  /** A write refused while the membership changes (no quorum, busy, DC changed) is retried this long. */
  writeRetryMs: number
  writeRetryEveryMs: number
  /** The DC asks nodes that have not reported again this often. */
  reportRetryMs: number
  /** A leave request is sent again this often until granted (a message may die with a connection). */
  leaveRetryMs: number
  /** After a granted leave, how long to wait for members to acknowledge the announcement. */
  leaveAnnounceMs: number
  /**
   * The DC publishes status at most this often on change (every change of its books),
   * and at least statusRefreshMs apart anyway: a safety net for a status lost with a
   * connection, not how changes travel, so it may be slow (it costs every member a
   * wake-up and a parse of the whole status).
   */
  statusThrottleMs: number
  statusRefreshMs: number
  /** Two-node clusters: this node waits before fencing (pcmk_delay_base); 0 elsewhere. */
  fenceDelayMs: number
  /**
   * How long a non-quorate view with a reachable but open majority is waited out for
   * the others' reports to catch up (default half a heartbeat). It is spent from the
   * no-quorum stop budget (policy/nodes.ts), with the stop itself.
   */
  noQuorumGraceMs?: number
  /** Unique per daemon run: write request ids are `${prefix}-${n}`. */
  requestIdPrefix: string
}

export const CONTROLLER_DEFAULTS = {
  writeRetryMs: 1_000, writeRetryEveryMs: 50, reportRetryMs: 1_000, leaveRetryMs: 1_000, leaveAnnounceMs: 1_000,
  statusThrottleMs: 50, statusRefreshMs: 10_000, fenceDelayMs: 0,
} satisfies Partial<ControllerOptions>

/** The membership's view as the controller reasons on it. */
export interface ControllerView {
  viewId: number
  quorate: boolean
  /** The DC's node id; null without quorum. */
  dc: number | null
  members: number[]
  expectedVotes: number
  /** Each member's incarnation, when known: a new one is a restarted daemon. */
  incarnations?: Record<number, number>
}

/**
 * The clean-leave protocol of this node:
 *  none -> asking (leave-request to the DC, again every leaveRetryMs)
 *       -> stopping (granted, or no DC, or the budget ran out: stop everything here)
 *       -> announcing (tell every member "leaving, holding this", wait for their acks)
 *       -> left (the shell leaves the membership and exits).
 */
export type LeavePhase =
  | {phase: 'none'}
  | {phase: 'asking', deadlineMs: number, retryAtMs: number, askedViewId: number}
  | {phase: 'stopping', granted: boolean}
  | {phase: 'announcing', deadlineMs: number, waiting: number[]}
  | {phase: 'left'}

export interface PendingClientWrite {
  edit: ConfigEdit
  ifEpoch?: number
  deadlineMs: number
  /** The replication request under way, or null while waiting to retry. */
  attempt: string | null
  retryAtMs: number | null
  /** Written by the controller itself (declaring nodes): its answer is logged, not returned. */
  internal: boolean
}

export interface ControllerState {
  options: ControllerOptions
  nowMs: number
  view: ControllerView | undefined
  /** The highest view id seen: a lower one is never used. */
  maxViewId: number
  /** The last committed configuration known here. */
  config: ResourceConfig | undefined
  /** This node is the DC of the current view and replication said ready. */
  dcReady: boolean
  orchestrator: OrchestratorState
  /**
   * no-quorum-policy=stop: a non-quorate view with a closed majority still
   * reachable is waited out until giveUpAtMs (one token timeout from the first such
   * view, never pushed back by the views that follow); see index.ts.
   */
  noQuorumWait: {sinceMs: number, giveUpAtMs: number, expectedVotes: number} | null
  /** Stopped everything for lack of quorum and has not been quorate since. */
  noQuorumStopped: boolean
  /** Actions started here and not finished (a stop for no quorum must follow those that finish later). */
  actionsInFlight: number
  leave: LeavePhase
  writes: Record<string, PendingClientWrite>
  nextRequest: number
  /** A full report is being made (idle, probe); `again`: asked once more meanwhile. */
  reporting: {again: boolean} | null
  /** DC: when to ask unreported nodes again. */
  reportRetryAtMs: number | null
  /** DC: when to publish status next. */
  statusDueAtMs: number | null
  statusRefreshAtMs: number | null
  /** The last status a DC published to this node, in the view it was published in. */
  lastStatus: PublishedStatus | null
  lastState: ClusterState | null
  /** Fences waiting out the two-node delay. */
  fences: Array<{node: string, transitionId: number, actionId: string, atMs: number}>
  /** Messages dropped on receipt, by reason. */
  drops: Record<string, number>
  /** The last incarnation seen of each node. */
  incarnations: Record<number, number>
}

export type ControllerEvent =
  /**
   * Time passed (the deadline came). `reachable`: the peers with a fresh link now;
   * `peerFresh`: for each of them, the peers it reports fresh links to (less those
   * nobody heard within the token); `heardUsAgoMs`:
   * for each peer, how long ago at the latest it heard this node (the send time of
   * our packet its last heartbeat echoed). Either absent: unknown, and a non-quorate
   * view is then never waited out.
   */
  | {type: 'tick', nowMs: number, reachable: number[], peerFresh?: Record<number, number[]>, heardUsAgoMs?: Record<number, number>}
  /** heardAgoMs: how long ago this node last heard each peer (membership), for lost-node times. */
  | {type: 'view', nowMs: number, view: ControllerView, reachable: number[], peerFresh?: Record<number, number[]>, heardAgoMs?: Record<number, number>, heardUsAgoMs?: Record<number, number>}
  /** Replication: this node is the DC of `viewId` and `config` may be planned on. */
  | {type: 'ready', nowMs: number, viewId: number, config: ResourceConfig}
  /** Replication: a configuration was committed. */
  | {type: 'committed', nowMs: number, config: ResourceConfig}
  /** Replication answered a write the controller issued. */
  | {type: 'write-reply', nowMs: number, requestId: string, result: WriteResult}
  /** A message from a peer, unchecked. */
  | {type: 'peer', nowMs: number, from: number, message: unknown}
  /** The local resource manager finished a dispatched action. */
  /** rc: the agent's OCF code (null: no answer), execMs: how long it ran; both absent when no agent ran (a recurring monitor armed). */
  | {type: 'action-done', nowMs: number, transitionId: number, actionId: string, ok: boolean, resources: NodeReport, rc?: number | null, execMs?: number}
  /** The LRM's full report (after idle and probes, against config `epoch`), or an update (a monitor failed). */
  /** `attributes`: this node's whole set of transient attributes, sent along when given (full reports, and when one changes). */
  | {type: 'local-report', nowMs: number, full: boolean, epoch: number, resources: NodeReport, attributes?: Record<string, string>}
  | {type: 'cleanup-done', nowMs: number}
  /** The LRM stopped everything it held (`active`: what is still active, e.g. a stop failed). */
  | {type: 'stopped-all', nowMs: number, reason: string, durationMs: number, active: string[]}
  | {type: 'fence-result', nowMs: number, node: string, transitionId: number, actionId: string, ok: boolean}
  /** A client's configuration write (`clientId` unique among pending ones). */
  | {type: 'client-write', nowMs: number, clientId: string, edit: ConfigEdit, ifEpoch?: number}
  /** `hactl resource cleanup` on this node: the DC's if this is the DC, else forwarded to it. */
  | {type: 'client-cleanup', nowMs: number, resource: string, node?: string}
  /** `hactl node fence NODE` on this node (`requestId` unique among pending ones): the DC fences; a fence-reply answers. */
  | {type: 'client-fence', nowMs: number, requestId: string, node: string}
  /** A manual-fence output was carried out: `fenced` when a device succeeded (`device`). */
  | {type: 'manual-fence-done', nowMs: number, requestId: string, from: number, node: string, fenced: boolean, device: string | null}
  /** `hactl cluster stop` or SIGTERM; `budgetMs`: how long to wait for the DC to move resources away. */
  | {type: 'shutdown', nowMs: number, reason: string, budgetMs: number}
  /**
   * A live node add/remove (hactl node add|remove) applied on this node: the node list
   * from now on (votes for the no-quorum wait, names for the DC's books; addr, each
   * node's first address, for the balancers' backends).
   */
  | {type: 'nodes-changed', nowMs: number, nodes: Array<{id: number, name: string, votes: number, addr: string}>}

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'crit'

export type ControllerOutput =
  | {type: 'send', to: number, message: PeerMessage}
  /** A replication message from a peer, checked: step replication with it. */
  | {type: 'replication-message', from: number, message: ReplicationMessage}
  /** Step replication with a client write. */
  | {type: 'replicate', requestId: string, edit: ConfigEdit, ifEpoch?: number}
  | {type: 'write-done', clientId: string, result: WriteResult}
  | {type: 'lrm-config', config: ResourceConfig}
  | {type: 'lrm-execute', transitionId: number, action: Action}
  | {type: 'lrm-full-report'}
  | {type: 'lrm-cleanup', resource: string}
  | {type: 'lrm-stop-all', reason: string}
  | {type: 'fence', node: string, transitionId: number, actionId: string}
  /** Fence `node` now on request of node `from` (hactl node fence): the DC does, or the asking node when the DC is the target; feed manual-fence-done. */
  | {type: 'manual-fence', requestId: string, node: string, from: number}
  /** The answer to this node's client-fence; `error` when no DC could be asked. */
  | {type: 'fence-reply', requestId: string, node: string, fenced: boolean, device: string | null, error?: 'no-dc'}
  /** DC: build the status from the books and send it to `to` (and keep it here). */
  | {type: 'publish-status', to: number[]}
  /** A published status arrived from the DC. */
  | {type: 'dc-status', status: PublishedStatus, state: ClusterState}
  /** The leave protocol is done: leave the membership and exit (`clean`: every member recorded the clean leave). */
  | {type: 'leave-membership', clean: boolean}
  | {type: 'log', level: LogLevel, event: string, fields: Record<string, unknown>}

export interface ControllerStep {
  state: ControllerState
  outputs: ControllerOutput[]
}

export type {DropReason}
