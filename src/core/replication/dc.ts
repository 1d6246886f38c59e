// The DC's side: sync the highest document from the members of a new view, adopt
// it under the DC's own view (raft's term), then serialize writes: one replicated
// version at a time, answered only once more than half of expected votes hold it.
import {applyEdit, type ConfigEdit} from '../config/edits.js'
import type {ResourceConfig} from '../config/types.js'
import {busy, dcChanged, dcChangedBeforeApplied, epochMismatch, fromEditError, noQuorum} from './errors.js'
import {comparePositions, isSyncQuorum, isWriteQuorum, nextTerm, positionOf, sameVersion, sumVotes, versionOf} from './position.js'
import type {
  Ack, Append, DcState, Forward, Output, PeerProgress, PendingWrite, Position, ReplicationState, StoredRecord, SyncReply, Version, View, WriteResult,
} from './types.js'

interface Dc extends ReplicationState { dc: DcState, view: View }

function peersOf(s: Dc): number[] {
  return s.view.members.filter((m) => m !== s.self)
}

function peer(s: Dc, node: number): PeerProgress {
  s.dc.peers[node] ??= {}
  return s.dc.peers[node]
}

function answer(s: Dc, write: PendingWrite, result: WriteResult, out: Output[]): void {
  if (write.bumpAbove !== undefined) return
  if (write.from === s.self) {
    out.push({type: 'reply', requestId: write.requestId, result})
    return
  }
  out.push({type: 'send', to: write.from, message: {type: 'forward-reply', requestId: write.requestId, result}})
  s.replies.push({key: `${write.from}:${write.requestId}`, result})
  if (s.replies.length > s.options.maxRememberedReplies) s.replies.shift()
}

function refuse(s: Dc, write: PendingWrite, error: WriteResult & {ok: false}, out: Output[]): void {
  answer(s, write, error, out)
}

// ---- becoming DC: sync ----

export function becomeDc(s: ReplicationState & {view: View}, queue: PendingWrite[], out: Output[]): void {
  startSync(s, Math.max(s.promised, s.record.term), queue, out)
}

/** Starts (or restarts) the sync under a term of our own above `above`, which we promise to ourselves first. */
function startSync(s: ReplicationState & {view: View}, above: number, queue: PendingWrite[], out: Output[]): void {
  const term = nextTerm(above, s.self)
  s.promised = term
  s.grantedTo = s.self
  out.push({type: 'persistTerm', term})
  s.dc = {phase: 'syncing', term, heard: {[s.self]: positionOf(s.record)}, best: s.record, peers: {}, inflight: [], queue}
  const d = s as Dc
  sendSyncRequests(d, out)
  checkSynced(d, out)
}

function sendSyncRequests(s: Dc, out: Output[]): void {
  const have = positionOf(s.record)
  for (const node of peersOf(s)) {
    if (s.dc.heard[node] === undefined) out.push({type: 'send', to: node, message: {type: 'sync-request', viewId: s.view.viewId, term: s.dc.term, have}})
  }
  s.dc.syncSentAt = s.now
  s.dc.syncAttempts = (s.dc.syncAttempts ?? 0) + 1
}

function checkSynced(s: Dc, out: Output[]): void {
  if (s.dc.phase !== 'syncing') return
  if (isSyncQuorum(s.view, sumVotes(s.view, Object.keys(s.dc.heard).map(Number)))) adopt(s, out)
}

/** A member holds a different document whose epoch is not below ours: we must go above it. */
function conflicts(mine: Version, have: Version): boolean {
  return have.epoch > mine.epoch || (have.epoch === mine.epoch && have.born !== mine.born)
}

/**
 * Adopts the best document heard of, stamped with this view. Its epoch is raised
 * above any other document a member reported, so that no node's epoch ever goes
 * back and one epoch never names two different documents.
 */
function adopt(s: Dc, out: Output[]): void {
  const best = s.dc.best
  const heard = Object.values(s.dc.heard)
  const conflict = heard.some((h) => conflicts(versionOf(best), h))
  const epoch = conflict ? Math.max(...heard.map((h) => h.epoch)) + 1 : best.config.epoch
  const born = conflict ? s.dc.term : best.born
  // A re-adoption (a late member forced a higher epoch) may also build on our restamp.
  const bases = s.record.term === s.dc.term ? [versionOf(best), versionOf(s.record)] : [versionOf(best)]
  s.dc.phase = 'adopting'
  setRecord(s, {term: s.dc.term, born, config: {...best.config, epoch}}, bases, [], out)
}

export function onSyncReply(s: ReplicationState, from: number, msg: SyncReply, out: Output[]): void {
  if (!isDcOf(s, msg.viewId) || !s.view!.members.includes(from) || from === s.self) return
  const d = s as Dc
  if (msg.promised > d.dc.term) return restartSync(d, msg.promised, out)
  if (msg.promised !== d.dc.term) return // An answer to an earlier term's request.
  const p = peer(d, from)
  const granted = msg.grants === d.dc.term
  // Before the sync is done only grants count; an unasked status report is not a promise.
  if (d.dc.phase === 'syncing' && !granted) return
  if (p.have === undefined && !granted) return
  if (d.dc.phase !== 'syncing' && p.have !== undefined && comparePositions(msg.have, p.have) <= 0) return // Nothing new: backoff resends.
  d.dc.heard[from] = msg.have
  p.have = msg.have
  p.sentAt = undefined
  p.attempts = 0
  if (d.dc.phase === 'syncing') {
    const better = msg.config !== undefined && msg.config.epoch === msg.have.epoch && comparePositions(msg.have, positionOf(d.dc.best)) > 0
    if (better) d.dc.best = {term: msg.have.term, born: msg.have.born, config: msg.config!}
    checkSynced(d, out)
    return
  }
  if (conflicts(versionOf(d.record), msg.have)) {
    // A late member holds an uncommitted document with a higher epoch: go above it.
    if (d.dc.phase === 'adopting') adopt(d, out)
    else raiseEpoch(d, msg.have.epoch, out)
    return
  }
  sendTo(d, from, out)
}

/**
 * A member promised a higher term to someone else: our term can no longer commit
 * anything there. Start over above it; writes in flight have an unknown fate.
 */
function restartSync(s: Dc, above: number, out: Output[]): void {
  for (const {write} of s.dc.inflight) answer(s, write, {ok: false, error: dcChanged(s.record.config.epoch)}, out)
  startSync(s, above, s.dc.queue.filter((w) => w.bumpAbove === undefined), out)
}

function isDcOf(s: ReplicationState, viewId: number): boolean {
  return s.dc !== undefined && s.view !== undefined && s.view.viewId === viewId
}

// ---- replicating a version ----

function setRecord(s: Dc, record: StoredRecord, bases: Version[], edits: ConfigEdit[], out: Output[]): void {
  s.record = record
  s.dc.lastChange = {bases, edits}
  out.push({type: 'persist', record})
  for (const node of peersOf(s)) {
    peer(s, node).attempts = 0
    sendTo(s, node, out)
  }
}

function committedVersion(s: Dc): Version | undefined {
  return s.committed !== undefined && s.committed.term === s.dc.term ? versionOf(s.committed) : undefined
}

/** Sends the current version to one member: as edits when it holds the base, else the whole document. */
function sendTo(s: Dc, node: number, out: Output[]): void {
  if (s.dc.phase === 'syncing') return
  const p = peer(s, node)
  if (p.have === undefined) {
    // Never push a document to a member before it promised our term (and said what it holds).
    out.push({type: 'send', to: node, message: {type: 'sync-request', viewId: s.view.viewId, term: s.dc.term, have: positionOf(s.record)}})
    p.sentAt = s.now
    p.attempts = (p.attempts ?? 0) + 1
    return
  }
  const {epoch} = s.record.config
  const born = s.record.born
  const base: Append = {type: 'append', viewId: s.view.viewId, term: s.dc.term, epoch, born}
  const commit = committedVersion(s)
  if (commit) base.commit = commit
  const have = p.have
  let message: Append
  if (have !== undefined && (s.dc.lastChange?.bases ?? []).some((b) => sameVersion(b, have))) message = {...base, base: {epoch: have.epoch, born: have.born}, edits: s.dc.lastChange?.edits ?? []}
  else if (have !== undefined && sameVersion(have, versionOf(s.record))) message = {...base, base: {epoch, born}, edits: []}
  else message = {...base, config: s.record.config}
  out.push({type: 'send', to: node, message})
  p.sentAt = s.now
  p.attempts = (p.attempts ?? 0) + 1
}

/** Ticks to wait after `attempts` unanswered sends. */
function backoff(s: ReplicationState, attempts: number): number {
  return Math.min(s.options.retransmitTicks * 2 ** Math.max(0, attempts - 1), s.options.retransmitTicksMax)
}

export function onAck(s: ReplicationState, from: number, msg: Ack, out: Output[]): void {
  if (!isDcOf(s, msg.viewId) || !s.view!.members.includes(from) || msg.term !== s.dc!.term) return
  const d = s as Dc
  const p = peer(d, from)
  if ((p.ackedEpoch ?? -1) >= msg.epoch) return
  p.ackedEpoch = msg.epoch
  p.have = {term: msg.term, epoch: msg.epoch, born: msg.born}
  p.attempts = 0
  checkCommit(d, out)
}

/** The DC's own disk confirmed a version. */
export function onPersistedAsDc(s: ReplicationState, out: Output[]): void {
  if (s.dc !== undefined && s.view !== undefined) checkCommit(s as Dc, out)
}

function holders(s: Dc): number[] {
  const epoch = s.record.config.epoch
  const nodes = Object.entries(s.dc.peers).filter(([, p]) => (p.ackedEpoch ?? -1) >= epoch).map(([n]) => Number(n))
  const selfDurable = s.durable.term === s.dc.term && s.durable.epoch >= epoch
  return selfDurable ? [...nodes, s.self] : nodes
}

function checkCommit(s: Dc, out: Output[]): void {
  if (s.dc.phase === 'syncing' || sameVersion(committedVersion(s), versionOf(s.record))) return
  const votes = sumVotes(s.view, holders(s))
  if (s.dc.phase === 'adopting') {
    if (!isSyncQuorum(s.view, votes)) return
    s.dc.phase = 'ready'
    commitRecord(s, out)
    out.push({type: 'ready', viewId: s.view.viewId, term: s.dc.term, config: s.record.config})
  } else {
    if (!isWriteQuorum(s.view, votes)) return
    commitRecord(s, out)
    for (const {write, config} of s.dc.inflight) answer(s, write, {ok: true, config}, out)
    s.dc.inflight = []
  }
  processQueue(s, out)
}

function commitRecord(s: Dc, out: Output[]): void {
  s.committed = s.record
  out.push({type: 'configChanged', config: s.record.config})
  sendCommits(s, out)
}

function sendCommits(s: Dc, out: Output[]): void {
  const commit = committedVersion(s)
  if (commit === undefined) return
  for (const node of peersOf(s)) out.push({type: 'send', to: node, message: {type: 'commit', viewId: s.view.viewId, term: s.dc.term, epoch: commit.epoch, born: commit.born}})
}

// ---- writes ----

export function enqueue(s: ReplicationState, write: PendingWrite, out: Output[]): void {
  const d = s as Dc
  if (!isWriteQuorum(d.view, sumVotes(d.view, d.view.members))) return refuse(d, write, {ok: false, error: noQuorum(d.view)}, out)
  if (d.dc.queue.length >= d.options.maxQueuedWrites) return refuse(d, write, {ok: false, error: busy(d.options.maxQueuedWrites)}, out)
  d.dc.queue.push(write)
  processQueue(d, out)
}

export function onForward(s: ReplicationState, from: number, msg: Forward, out: Output[]): void {
  if (!isDcOf(s, msg.viewId) || !s.view!.members.includes(from) || from === s.self) return
  const d = s as Dc
  const key = `${from}:${msg.requestId}`
  const known = d.replies.find((r) => r.key === key)
  if (known) {
    out.push({type: 'send', to: from, message: {type: 'forward-reply', requestId: msg.requestId, result: known.result}})
    return
  }
  const same = (w: PendingWrite) => w.from === from && w.requestId === msg.requestId
  if (d.dc.queue.some(same) || d.dc.inflight.some((i) => same(i.write))) return // A retransmission.
  enqueue(d, {from, requestId: msg.requestId, edit: msg.edit, ifEpoch: msg.ifEpoch}, out)
}

/** Starts the next version when the previous one is committed: one version in flight at a time. */
function processQueue(s: Dc, out: Output[]): void {
  if (s.dc.phase !== 'ready' || s.dc.inflight.length > 0 || s.dc.queue.length === 0) return
  if (!sameVersion(committedVersion(s), versionOf(s.record))) return
  if (!isWriteQuorum(s.view, sumVotes(s.view, s.view.members))) {
    for (const w of s.dc.queue) refuse(s, w, {ok: false, error: noQuorum(s.view)}, out)
    s.dc.queue = []
    return
  }
  const first = s.dc.queue[0]
  if (first.bumpAbove !== undefined) {
    s.dc.queue.shift()
    const epoch = Math.max(first.bumpAbove, s.record.config.epoch) + 1
    setRecord(s, {term: s.dc.term, born: s.dc.term, config: {...s.record.config, epoch}}, [versionOf(s.record)], [], out)
    return
  }
  applyBatch(s, out)
}

function applyBatch(s: Dc, out: Output[]): void {
  let config: ResourceConfig = s.record.config
  const edits: ConfigEdit[] = []
  const group: DcState['inflight'] = []
  while (s.dc.queue.length > 0 && s.dc.queue[0].bumpAbove === undefined && group.length < s.options.maxBatchWrites) {
    const write = s.dc.queue.shift()!
    if (write.ifEpoch !== undefined && write.ifEpoch !== config.epoch) {
      refuse(s, write, {ok: false, error: epochMismatch(config.epoch, write.ifEpoch)}, out)
      continue
    }
    let next: ResourceConfig
    try {
      next = applyEdit(config, write.edit!)
    } catch (error) {
      refuse(s, write, {ok: false, error: fromEditError(error)}, out)
      continue
    }
    if (next !== config) edits.push(write.edit!)
    config = next
    group.push({write, config})
  }
  if (edits.length === 0) {
    // Nothing changed: the committed document already is the answer.
    for (const {write} of group) answer(s, write, {ok: true, config: s.record.config}, out)
    processQueue(s, out)
    return
  }
  s.dc.inflight = group
  setRecord(s, {term: s.dc.term, born: s.dc.term, config}, [versionOf(s.record)], edits, out)
}

/**
 * A member holds a higher uncommitted epoch. With a version in flight, stack an epoch
 * raise on top of it at once, so the writes in flight commit with it instead of
 * waiting for a member that cannot accept them; otherwise raise it as the next version.
 */
function raiseEpoch(s: Dc, above: number, out: Output[]): void {
  if (!sameVersion(committedVersion(s), versionOf(s.record))) {
    const epoch = Math.max(above, s.record.config.epoch) + 1
    setRecord(s, {term: s.dc.term, born: s.dc.term, config: {...s.record.config, epoch}}, [versionOf(s.record)], [], out)
    return
  }
  const others = s.dc.queue.filter((w) => w.bumpAbove === undefined)
  const queued = s.dc.queue.find((w) => w.bumpAbove !== undefined)?.bumpAbove ?? above
  s.dc.queue = [{from: s.self, requestId: '', bumpAbove: Math.max(queued, above)}, ...others]
  processQueue(s, out)
}

// ---- time and view changes ----

export function tickDc(s: ReplicationState, out: Output[]): void {
  const d = s as Dc
  const every = d.options.retransmitTicks
  if (d.dc.phase === 'syncing') {
    if (d.now - (d.dc.syncSentAt ?? 0) >= backoff(d, d.dc.syncAttempts ?? 0)) sendSyncRequests(d, out)
    return
  }
  for (const node of peersOf(d)) {
    const p = peer(d, node)
    const behind = (p.ackedEpoch ?? -1) < d.record.config.epoch
    if (behind && (p.sentAt === undefined || d.now - p.sentAt >= backoff(d, p.attempts ?? 0))) sendTo(d, node, out)
  }
  // Tiny, and lets a member that missed a commit or an append notice it.
  if (d.now % every === 0) sendCommits(d, out)
}

/**
 * The view changed: writes in flight may or may not survive (their fate is unknown);
 * queued writes were never applied. A DC that stays DC keeps its own queued writes.
 */
export function leaveView(s: ReplicationState, stillDc: boolean, out: Output[]): PendingWrite[] {
  if (s.dc === undefined || s.view === undefined) return []
  const d = s as Dc
  for (const {write} of d.dc.inflight) answer(d, write, {ok: false, error: dcChanged(d.record.config.epoch)}, out)
  const kept: PendingWrite[] = []
  for (const write of d.dc.queue) {
    if (write.bumpAbove !== undefined) continue
    if (stillDc && write.from === d.self) kept.push(write)
    else answer(d, write, {ok: false, error: dcChangedBeforeApplied()}, out)
  }
  s.dc = undefined
  return kept
}

export type {Position}
