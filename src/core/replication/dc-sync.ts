// A new DC's sync: pick a term of its own, gather promises and positions from
// members holding more than half of expected votes (see isSyncQuorum), adopt the highest (term, epoch)
// document under its term, raised above any other epoch a member reported.
import {dcChanged} from './errors.js'
import {answer, isDcOf, peer, peersOf, sendTo, setRecord, type Dc} from './dc-common.js'
import {raiseEpoch} from './dc-writes.js'
import {comparePositions, isSyncQuorum, nextTerm, positionOf, sumVotes, versionOf} from './position.js'
import type {Output, PendingWrite, ReplicationState, SyncReply, Version, View} from './types.js'

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

export function sendSyncRequests(s: Dc, out: Output[]): void {
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
 * Adopts the best document heard of, stamped with this DC's term. Its epoch is raised
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
