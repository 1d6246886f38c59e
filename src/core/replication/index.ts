/**
 * Replicated configuration: a pure state machine in the style of etcd's raft.
 * No I/O, no timers, no clock: the daemon feeds events to `step` and carries out
 * the outputs. One instance per node; `initialState` builds it from the disk.
 *
 * Protocol in one paragraph. Writes go to the DC of the current quorate view
 * (other nodes forward them). A new DC first collects every member's position
 * (term = view id of the DC that stamped the document, epoch) until members with
 * at least half of expected votes answered, adopts the highest (term, epoch), raises
 * its epoch above any other document a member reported, stamps it with its own
 * view and replicates it; it is `ready` (may run the policy engine) once that
 * document is durable on at least half of expected votes. It then applies writes
 * one version at a time (a batch of queued writes may form one version) and
 * answers them only when nodes holding MORE than half of expected votes have the
 * version on disk. Members accept versions only from their current view's DC, never
 * a lower epoch, and acknowledge only what their disk confirmed. Any two such vote
 * sets intersect, so the sync of every later DC sees every acknowledged write.
 *
 * I/O contract for the daemon adapter (what etcd raft's Ready documents):
 *  1. Carry out outputs in order. `persist` records must reach the disk in the order
 *     given (writing only the latest of several pending ones is fine: each record is
 *     the whole document). After the fsync (write to a temporary file, fsync, rename,
 *     fsync the directory), feed `{type: 'persisted', position}` with the record's
 *     position (`positionOf(record)`). Never report a position that is not durable.
 *  2. `send` outputs may go out immediately, before a preceding `persist` is durable:
 *     the core never claims durability (acks) before `persisted` was fed back, and the
 *     DC counts itself only then, as raft lets a leader write its log in parallel.
 *  3. On restart, load the last durable record and call `initialState(self, record)`;
 *     everything else (views, pending writes) is volatile. Views fed to one node must
 *     have growing ids, across restarts too (the membership layer's view ids do).
 *  4. `tick` at a fixed period (e.g. 100 ms); Options are in ticks.
 *  5. `reply` answers a `clientWrite` by its requestId (unique per node). `ready`
 *     says this node is the DC and the committed config may be planned on; stop
 *     planning on any `view` event until the next `ready`. `configChanged` carries the
 *     newly committed config (on every node, as the DC's commit notices arrive).
 *  6. Message sizes: everything is well under 1 KB except `append` with `config`,
 *     `sync-reply` with `config`, `forward` of a `config.replace` and `forward-reply`
 *     (whole documents, a few MB at 10,000 resources): send those over a stream or in
 *     fragments. A full `append` object is shared between members: serialize it once.
 */
import {emptyConfig} from '../config/defaults.js'
import type {ResourceConfig} from '../config/types.js'
import {becomeDc, enqueue, leaveView, onAck, onForward, onPersistedAsDc, onSyncReply, tickDc} from './dc.js'
import {noQuorum} from './errors.js'
import {failForwarded, forwardWrite, onForwardReply, tickForwarded} from './forward.js'
import {onAppend, onCommit, onPersistedAsMember, onSyncRequest} from './member.js'
import {comparePositions, isWriteQuorum, positionOf, sumVotes} from './position.js'
import type {Event, Message, Options, Output, Position, ReplicationState, StoredRecord, View} from './types.js'

export * from './types.js'
export {positionOf, versionOf, comparePositions, expectedVotes, isWriteQuorum, isSyncQuorum} from './position.js'

export const DEFAULT_OPTIONS: Options = {
  // With 100 ms ticks: retransmit after 200 ms, backing off to 3 s; give up on a forwarded write after 10 s.
  retransmitTicks: 2,
  retransmitTicksMax: 30,
  forwardTimeoutTicks: 100,
  maxQueuedWrites: 1000,
  maxBatchWrites: 64,
  maxRememberedReplies: 1000,
}

export function initialState(self: number, stored?: StoredRecord, options: Partial<Options> = {}): ReplicationState {
  const record = stored ?? {term: 0, born: 0, config: emptyConfig()}
  return {
    self, options: {...DEFAULT_OPTIONS, ...options}, now: 0, record, durable: positionOf(record),
    committed: undefined, view: undefined, dc: undefined, forwarded: [], replies: [],
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
  const last = s.view?.viewId ?? s.record.term
  if (view.viewId <= last) return // Views only grow; an old one is a late duplicate.
  const stillDc = view.quorate && view.dc === s.self
  const kept = leaveView(s, stillDc, out)
  failForwarded(s, out)
  s.view = view
  if (stillDc) becomeDc(s as ReplicationState & {view: View}, kept, out)
}

function onMessage(s: ReplicationState, from: number, message: Message, out: Output[]): void {
  if (typeof message !== 'object' || message === null) return
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
