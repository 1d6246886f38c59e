// The DC's commit rule: a version counts as durable on a member only once the
// member acknowledged it after its fsync; writes are answered when more than half of
// expected votes hold it (the adopted document: a sync quorum, to become ready).
import {answer, committedVersion, isDcOf, peer, peersOf, backoff, sendTo, type Dc} from './dc-common.js'
import {sendSyncRequests} from './dc-sync.js'
import {processQueue} from './dc-writes.js'
import {isSyncQuorum, isWriteQuorum, sameVersion, sumVotes, versionOf} from './position.js'
import type {Ack, Output, ReplicationState} from './types.js'

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
