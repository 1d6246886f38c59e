/**
 * Replicated configuration: a pure state machine in the style of etcd's raft.
 * No I/O, no timers, no clock: the daemon feeds events to `step` and carries out
 * the outputs. One instance per node; `initialState` builds it from the disk.
 *
 * Protocol. Writes go to the DC of the current quorate view (other nodes forward
 * them). A new DC picks a term of its own (round * 65536 + node id, above every term
 * it knows) and asks the members to promise it, as a raft candidate asks for votes:
 * a member promises each term once, only upwards, and persists the promise before
 * answering. With promises from members holding more than half of expected votes (exactly
 * half only when the view holds no more: a two_node survivor, a broken tie),
 * the DC adopts the highest (term, epoch) document among them, raises its epoch
 * above any other document a member reported (so no node's epoch ever goes back and
 * one epoch never names two documents), stamps it with its term and replicates it;
 * it is `ready` (may run the policy engine) once that is durable on as many of
 * expected votes. It then applies writes one version at a time (a batch of queued
 * writes may form one version) and answers them only when members holding MORE than
 * half of expected votes have that version on disk. Members take versions only from
 * the DC they promised to, never a lower epoch, and acknowledge only what their disk
 * confirmed. An acknowledging set and any later DC's promising set share a node, so
 * every later DC adopts every acknowledged write (raft's leader completeness). View
 * ids only route messages; safety rests on terms, which survive full restarts.
 *
 * I/O contract for the daemon adapter (what etcd raft's Ready documents):
 *  1. Carry out the outputs of one step in order.
 *  2. `persistTerm` (a number) must be durable before any output after it is carried
 *     out: write and fsync it synchronously (a small file). It is a promise, like raft's
 *     HardState, and the following `send` reveals it.
 *  3. `persist` records (whole documents) may be written asynchronously, in the order
 *     given (writing only the latest of several pending ones is fine). After the fsync
 *     (temporary file, fsync, rename, fsync the directory) feed `{type: 'persisted',
 *     position: positionOf(record)}`. Never report a position that is not durable.
 *     `send` outputs need not wait for a preceding `persist`: the core never claims
 *     durability before `persisted` was fed back, and the DC counts itself only then.
 *  4. On restart, load the last durable record and term: `initialState(self,
 *     {record, promisedTerm})`. Everything else (view, pending writes) is volatile;
 *     clients of writes pending at a crash learn nothing (their fate is unknown).
 *  5. `tick` at a fixed period (e.g. 100 ms); Options are in ticks.
 *  6. `reply` answers a `clientWrite` by its requestId (unique per node; the DC
 *     de-duplicates retransmitted forwards by (node, requestId)). `ready` says this node
 *     is the DC and its committed config may be planned on; stop planning at the next
 *     `view` event until the next `ready`. `configChanged` carries the newly committed
 *     config, on every node, as the DC's commit notices arrive.
 *  7. Message sizes: all are well under 1 KB except `append` with `config`, `sync-reply`
 *     with `config`, `forward` of a `config.replace` and a successful `forward-reply`
 *     (whole documents: ~1.7 MB at 10,000 resources). Carry those over a stream or in
 *     fragments. Later changes, and catching up a member that is a few versions
 *     behind (every node remembers the last `maxRememberedChanges` derivations), travel
 *     as `append` with `steps` (~200 bytes plus the edits). One full `append` object is
 *     shared by all members: serialize it once.
 */
import {emptyConfig} from '../config/defaults.js'
import type {ResourceConfig} from '../config/types.js'
import {onAck, onPersistedAsDc, tickDc} from './dc-commit.js'
import {becomeDc, onSyncReply} from './dc-sync.js'
import {enqueue, leaveView, onForward} from './dc-writes.js'
import {noQuorum} from './errors.js'
import {failForwarded, forwardWrite, onForwardReply, tickForwarded} from './forward.js'
import {answerEarlySyncRequest, onAppend, onCommit, onPersistedAsMember, onSyncRequest} from './member.js'
import {isWellFormed} from './message-check.js'
import {comparePositions, isWriteQuorum, positionOf, sumVotes} from './position.js'
import type {Event, Message, Options, Output, Position, ReplicationState, StoredRecord, View} from './types.js'

export * from './types.js'
export {isWellFormed} from './message-check.js'
export {positionOf, versionOf, comparePositions, expectedVotes, isWriteQuorum, isSyncQuorum, nextTerm} from './position.js'

export const DEFAULT_OPTIONS: Options = {
  // With 100 ms ticks: retransmit after 200 ms, backing off to 3 s; give up on a forwarded write after 10 s.
  retransmitTicks: 2,
  retransmitTicksMax: 30,
  forwardTimeoutTicks: 100,
  maxQueuedWrites: 1000,
  maxBatchWrites: 64,
  maxRememberedReplies: 1000,
  maxRememberedChanges: 64,
}

/** What a node keeps on disk: the last durable record and the last durable `persistTerm`. */
export interface Disk {
  record?: StoredRecord
  promisedTerm?: number
}

/** Options are checked once, here; a bad one is a programming error of the caller. */
function checkOptions(options: Options): Options {
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`replication option ${name} must be a positive integer, not ${String(value)}`)
  }
  if (options.retransmitTicksMax < options.retransmitTicks) throw new RangeError('replication option retransmitTicksMax must not be less than retransmitTicks')
  return options
}

export function initialState(self: number, disk: Disk = {}, options: Partial<Options> = {}): ReplicationState {
  const record = disk.record ?? {term: 0, born: 0, config: emptyConfig()}
  return {
    self, options: checkOptions({...DEFAULT_OPTIONS, ...options}), now: 0, record, durable: positionOf(record),
    promised: Math.max(disk.promisedTerm ?? 0, record.term), grantedTo: undefined,
    committed: undefined, view: undefined, dc: undefined, forwarded: [], replies: [], changes: [],
  }
}

export interface StepResult {
  state: ReplicationState
  outputs: Output[]
}

/** The one entry point. The input state is never modified. */
export function step(state: ReplicationState, event: Event): StepResult {
  const s = draft(state)
  const out: Output[] = []
  switch (event.type) {
    case 'view': onView(s, event.view, out); break
    case 'message': onMessage(s, event.from, event.message, out); break
    case 'clientWrite': onClientWrite(s, event, out); break
    case 'persisted': onPersisted(s, event.position, out); break
    case 'tick': onTick(s, out); break
  }
  return {state: s, outputs: out}
}

/** A copy deep enough that handlers may change it in place; documents are shared, never changed. */
function draft(state: ReplicationState): ReplicationState {
  const dc = state.dc && {
    ...state.dc,
    heard: {...state.dc.heard},
    peers: Object.fromEntries(Object.entries(state.dc.peers).map(([n, p]) => [n, {...p}])),
    inflight: [...state.dc.inflight],
    queue: [...state.dc.queue],
  }
  return {...state, dc, forwarded: [...state.forwarded], replies: [...state.replies]}
}

function onView(s: ReplicationState, view: View, out: Output[]): void {
  // An older view is a late duplicate. The same id with other details (quorum, expected
  // votes) is a change: start over, as after any view change. Safety rests on terms, not on view ids.
  if (s.view !== undefined && (view.viewId < s.view.viewId || JSON.stringify(view) === JSON.stringify(s.view))) return
  const stillDc = view.quorate && view.dc === s.self
  const kept = leaveView(s, stillDc, out)
  failForwarded(s, out)
  // A promise is to a DC for a term. The same view re-announced with other votes (a live
  // node add/remove) keeps its DC, so the promise stands: dropping it would make this
  // member ignore the appends of a DC that counted its grant, and no write would ever
  // commit. The DC restarts its sync above that term anyway (becomeDc below, on its side).
  const sameDc = s.view !== undefined && view.viewId === s.view.viewId && view.dc === s.view.dc && view.dc !== undefined
  s.view = view
  if (!sameDc) s.grantedTo = undefined
  if (stillDc) becomeDc(s as ReplicationState & {view: View}, kept, out)
  answerEarlySyncRequest(s, out)
}

function onMessage(s: ReplicationState, from: number, message: Message, out: Output[]): void {
  if (!isWellFormed(message)) return
  switch (message.type) {
    case 'sync-request': return onSyncRequest(s, from, message, out)
    case 'sync-reply': return onSyncReply(s, from, message, out)
    case 'append': return onAppend(s, from, message, out)
    case 'ack': return onAck(s, from, message, out)
    case 'commit': return onCommit(s, from, message, out)
    case 'forward': return onForward(s, from, message, out)
    case 'forward-reply': return onForwardReply(s, message, out)
  }
}

function onClientWrite(s: ReplicationState, event: Event & {type: 'clientWrite'}, out: Output[]): void {
  const view = s.view
  const canWrite = view !== undefined && view.quorate && view.dc !== undefined && isWriteQuorum(view, sumVotes(view, view.members))
  if (!canWrite) {
    out.push({type: 'reply', requestId: event.requestId, result: {ok: false, error: noQuorum(view)}})
    return
  }
  if (view.dc === s.self) enqueue(s, {from: s.self, requestId: event.requestId, edit: event.edit, ifEpoch: event.ifEpoch}, out)
  else forwardWrite(s, event.requestId, event.edit, event.ifEpoch, out)
}

function onPersisted(s: ReplicationState, position: Position, out: Output[]): void {
  if (comparePositions(position, s.durable) < 0) return
  s.durable = position
  if (s.dc !== undefined) onPersistedAsDc(s, out)
  else onPersistedAsMember(s, out)
}

function onTick(s: ReplicationState, out: Output[]): void {
  s.now += 1
  tickForwarded(s, out)
  if (s.dc !== undefined) tickDc(s, out)
}

// ---- queries for the daemon ----

/** True when this node is the DC and its committed config holds every acknowledged write. */
export function isReady(state: ReplicationState): boolean {
  return state.dc?.phase === 'ready'
}

/** The newest config known to be committed, or undefined before this node learned of one. */
export function committedConfig(state: ReplicationState): ResourceConfig | undefined {
  return state.committed?.config
}

/** What reads show: the local document, which may hold a change not yet confirmed. */
export function localConfig(state: ReplicationState): ResourceConfig {
  return state.record.config
}

export function role(state: ReplicationState): 'dc' | 'member' | 'no-quorum' {
  if (state.view === undefined || !state.view.quorate) return 'no-quorum'
  return state.view.dc === state.self ? 'dc' : 'member'
}
