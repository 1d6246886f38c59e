// Types of the replicated-configuration state machine. Everything here is plain
// data: JSON-serializable, so the daemon can log, persist and send it as is.
import type {ConfigEdit} from '../config/edits.js'
import type {ResourceConfig} from '../config/types.js'

/** A view as agreed by the membership layer: every member of a partition sees the same one. */
export interface View {
  viewId: number
  members: number[]
  quorate: boolean
  /** The DC's node id; set only when quorate. */
  dc: number | undefined
  expectedVotes: number
  votes: Record<number, number>
}

/**
 * Identifies one configuration content: `born` is the term of the DC that created
 * that epoch. A term belongs to one DC (it embeds the DC's node id) and its epochs
 * only grow, so the pair names one document cluster-wide.
 */
export interface Version {
  epoch: number
  born: number
}

/**
 * What a node keeps on disk. `term` is the term of the DC that last sent (or
 * re-stamped) this document to the node; a newly elected DC adopts the highest
 * (term, epoch) it hears of, as raft compares (last term, last index).
 */
export interface StoredRecord {
  term: number
  born: number
  config: ResourceConfig
}

/** A record's position: the order used when a new DC picks what to adopt. */
export interface Position extends Version {
  term: number
}

export type ErrorCode =
  | 'no-quorum' | 'epoch-mismatch' | 'invalid-config' | 'busy' | 'dc-changed' | 'timeout' | 'internal-error'

/** `outcome` says whether the change may have been applied: retry blindly only when it is `not-applied`. */
export interface WriteError {
  code: ErrorCode
  message: string
  outcome: 'not-applied' | 'unknown'
  /** For invalid-config: the ConfigError's own code (not-found, duplicate-id, invalid-argument, invalid-config). */
  reason?: string
}

export type WriteResult =
  | {ok: true, config: ResourceConfig}
  | {ok: false, error: WriteError}

export interface Options {
  /** Ticks before an unanswered message is sent again; doubles per attempt up to retransmitTicksMax. */
  retransmitTicks: number
  /** The longest wait between retransmissions: a whole document may take a while over a stream. */
  retransmitTicksMax: number
  /** Ticks after which a forwarded write is answered with `timeout`. */
  forwardTimeoutTicks: number
  /** Writes the DC holds while busy or syncing; more are refused with `busy`. */
  maxQueuedWrites: number
  /** Writes the DC applies together as one replicated version. */
  maxBatchWrites: number
  /** Answers to forwarded writes remembered, so a retransmitted request is never applied twice. */
  maxRememberedReplies: number
  /** Recent version derivations remembered, so members behind by that many get edits, not documents. */
  maxRememberedChanges: number
}

// ---- messages between nodes (JSON; sizes noted for the adapter) ----

/**
 * DC -> member, ~100 bytes: "promise me `term` and tell me what you hold". Like a raft
 * vote request: a member promises each term once, and only a higher one.
 */
export interface SyncRequest {type: 'sync-request', viewId: number, term: number, have: Position}
/**
 * Member -> DC: what the member holds. Carries the full config (bulk: the size of the
 * document) only when it is ahead of the DC's `have`, which is rare after the first sync.
 * Also sent unasked when an append cannot be used, so the DC re-sends in full.
 */
export interface SyncReply {
  type: 'sync-reply', viewId: number, have: Position, config?: ResourceConfig
  /** The member's promised term: a higher one than the DC's makes the DC start over above it. */
  promised: number
  /** Set when this answers a sync-request: the term the member promised by it. Absent in unasked status reports. */
  grants?: number
}
/**
 * DC -> member: the next version. Either `config` (bulk, full document) or the `steps`
 * that lead from `base`, which the member holds, to it (small; no steps = the same
 * content under the DC's term). `commit` piggybacks the DC's committed version.
 */
export interface Append {
  type: 'append', viewId: number, term: number, epoch: number, born: number,
  base?: Version, steps?: Step[], config?: ResourceConfig, commit?: Version
}

/** One version's derivation: the edits applied to the previous version (none: the same content under a new epoch). */
export interface Step {
  epoch: number
  born: number
  edits: ConfigEdit[]
}

/** How version `to` derives from version `from`. */
export interface Change {
  from: Version
  to: Version
  edits: ConfigEdit[]
}
/** Member -> DC, ~80 bytes, sent only after the version is durable on the member's disk. */
export interface Ack {type: 'ack', viewId: number, term: number, epoch: number, born: number}
/** DC -> member, ~80 bytes, repeated every retransmit interval: this version is committed. */
export interface Commit {type: 'commit', viewId: number, term: number, epoch: number, born: number}
/** Member -> DC: a client's write (size of the edit; config.replace carries a whole document). */
export interface Forward {type: 'forward', viewId: number, requestId: string, edit: ConfigEdit, ifEpoch?: number}
/** DC -> member: the answer to a forwarded write (bulk on success: the resulting config). */
export interface ForwardReply {type: 'forward-reply', requestId: string, result: WriteResult}

export type Message = SyncRequest | SyncReply | Append | Ack | Commit | Forward | ForwardReply

// ---- the state machine's interface ----

export type Event =
  | {type: 'view', view: View}
  | {type: 'message', from: number, message: Message}
  | {type: 'clientWrite', requestId: string, edit: ConfigEdit, ifEpoch?: number}
  | {type: 'persisted', position: Position}
  | {type: 'tick'}

export type Output =
  | {type: 'send', to: number, message: Message}
  | {type: 'persist', record: StoredRecord}
  | {type: 'persistTerm', term: number}
  | {type: 'reply', requestId: string, result: WriteResult}
  | {type: 'configChanged', config: ResourceConfig}
  | {type: 'ready', viewId: number, term: number, config: ResourceConfig}

/** A client write waiting at the DC; `from` is the node that forwarded it (the DC itself for local ones). */
export interface PendingWrite {
  from: number
  requestId: string
  edit?: ConfigEdit
  ifEpoch?: number
  /** An internal write that only raises the epoch above `minEpoch` (a member held a higher, uncommitted one). */
  bumpAbove?: number
}

export interface PeerProgress {
  /** The member's position as last reported or acknowledged. */
  have?: Position
  /** Highest epoch acknowledged durable in the DC's view. */
  ackedEpoch?: number
  /** Tick of the last append sent; undefined = send at the next occasion. */
  sentAt?: number
  /** Appends sent since the member last answered: the retransmission backoff. */
  attempts?: number
}

export interface DcState {
  phase: 'syncing' | 'adopting' | 'ready'
  /** This DC's term: above every term promised by the members that answered the sync. */
  term: number
  /** Sync replies (and the DC's own position) received in this view. */
  heard: Record<number, Position>
  /** The best record heard of while syncing (highest term, then epoch). */
  best: StoredRecord
  peers: Record<number, PeerProgress>
  /** Writes contained in the current, not yet committed, record: answered when it commits. */
  inflight: Array<{write: PendingWrite, config: ResourceConfig}>
  queue: PendingWrite[]
  syncSentAt?: number
  syncAttempts?: number
}

export interface Forwarded {
  requestId: string
  edit: ConfigEdit
  ifEpoch?: number
  sentAt: number
  attempts?: number
  deadline: number
}

export interface ReplicationState {
  self: number
  options: Options
  now: number
  /** The latest document accepted (persisted or being persisted). */
  record: StoredRecord
  /** The latest position the disk acknowledged. */
  durable: Position
  /** The highest term promised to a DC (persisted, like raft's currentTerm): lower terms are refused. */
  promised: number
  /** The DC of the current view that holds our promise; only its appends are taken. */
  grantedTo: number | undefined
  /** The newest document known to be committed; reads and the policy engine use it. */
  committed: StoredRecord | undefined
  view: View | undefined
  /** Set when this node is the DC of the current view. */
  dc: DcState | undefined
  /** Writes this node forwarded to the DC and has not answered yet. */
  forwarded: Forwarded[]
  /** Recent derivations between versions, oldest first (memory only). */
  changes: Change[]
  /** Answers to forwarded writes, by "from:requestId", oldest first. */
  replies: Array<{key: string, result: WriteResult}>
  /**
   * A sync request for a view this node has not reached yet (the DC learned of the
   * view a moment earlier): answered when that view arrives here, so the new DC does
   * not wait for a retransmission. One slot: the request for the highest view.
   */
  early?: {from: number, message: SyncRequest}
}
