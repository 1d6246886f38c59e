// What every part of the DC shares: its peers' progress, answers to writers, and
// sending the current version to a member (as edits when it can, whole otherwise).
import type {ConfigEdit} from '../config/edits.js'
import {chain, remember} from './changes.js'
import {positionOf, versionOf} from './position.js'
import type {Append, DcState, Output, PeerProgress, PendingWrite, ReplicationState, StoredRecord, Version, View, WriteResult} from './types.js'

/** The state of a node while it is the DC of its current view. */
export interface Dc extends ReplicationState { dc: DcState, view: View }

export function peersOf(s: Dc): number[] {
  return s.view.members.filter((m) => m !== s.self)
}

export function peer(s: Dc, node: number): PeerProgress {
  s.dc.peers[node] ??= {}
  return s.dc.peers[node]
}

export function answer(s: Dc, write: PendingWrite, result: WriteResult, out: Output[]): void {
  if (write.bumpAbove !== undefined) return
  if (write.from === s.self) {
    out.push({type: 'reply', requestId: write.requestId, result})
    return
  }
  out.push({type: 'send', to: write.from, message: {type: 'forward-reply', requestId: write.requestId, result}})
  s.replies.push({key: `${write.from}:${write.requestId}`, result})
  if (s.replies.length > s.options.maxRememberedReplies) s.replies.shift()
}

export function isDcOf(s: ReplicationState, viewId: number): boolean {
  return s.dc !== undefined && s.view !== undefined && s.view.viewId === viewId
}

export function committedVersion(s: Dc): Version | undefined {
  return s.committed !== undefined && s.committed.term === s.dc.term ? versionOf(s.committed) : undefined
}

export function setRecord(s: Dc, record: StoredRecord, bases: Version[], edits: ConfigEdit[], out: Output[]): void {
  for (const from of bases) s.changes = remember(s.changes, {from, to: versionOf(record), edits}, s.options.maxRememberedChanges)
  s.record = record
  out.push({type: 'persist', record})
  for (const node of peersOf(s)) {
    peer(s, node).attempts = 0
    sendTo(s, node, out)
  }
}

/** Sends the current version to one member: as edits when it holds the base, else the whole document. */
export function sendTo(s: Dc, node: number, out: Output[]): void {
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
  const have = {epoch: p.have.epoch, born: p.have.born}
  const steps = chain(s.changes, have, versionOf(s.record))
  const message: Append = steps === undefined ? {...base, config: s.record.config} : {...base, base: have, steps}
  out.push({type: 'send', to: node, message})
  p.sentAt = s.now
  p.attempts = (p.attempts ?? 0) + 1
}

/** Ticks to wait after `attempts` unanswered sends. */
export function backoff(s: ReplicationState, attempts: number): number {
  return Math.min(s.options.retransmitTicks * 2 ** Math.max(0, attempts - 1), s.options.retransmitTicksMax)
}
