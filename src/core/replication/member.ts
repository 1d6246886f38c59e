// What every node does as a member of a view: promise a term to the DC's sync
// (once per term, only upwards, like a raft vote), accept that DC's versions in
// order, acknowledge them once durable, and learn what is committed.
import type {ResourceConfig} from '../config/types.js'
import {remember, replay} from './changes.js'
import {comparePositions, positionOf, sameVersion, versionOf} from './position.js'
import type {Append, Commit, Output, Position, ReplicationState, Step, StoredRecord, SyncRequest, Version} from './types.js'

/** True when a message claims to come from the DC of this node's current view. */
function fromCurrentDc(s: ReplicationState, from: number, viewId: number): boolean {
  return s.view !== undefined && s.view.viewId === viewId && s.view.dc === from && from !== s.self
}

/** True when the message comes from the DC we promised its term to. */
function fromOurDc(s: ReplicationState, from: number, viewId: number, term: number): boolean {
  return fromCurrentDc(s, from, viewId) && s.grantedTo === from && s.promised === term
}

export function sendStatus(s: ReplicationState, out: Output[], grant?: {term: number, config?: ResourceConfig}): void {
  const to = s.view?.dc
  if (to === undefined || s.view === undefined || to === s.self) return
  const have = positionOf(s.record)
  const extra = grant === undefined ? {} : {grants: grant.term, ...(grant.config ? {config: grant.config} : {})}
  out.push({type: 'send', to, message: {type: 'sync-reply', viewId: s.view.viewId, promised: s.promised, have, ...extra}})
}

export function onSyncRequest(s: ReplicationState, from: number, msg: SyncRequest, out: Output[]): void {
  if (!fromCurrentDc(s, from, msg.viewId)) {
    // From a view ahead of ours: keep it for when that view arrives (see `early`).
    const ahead = from !== s.self && (s.view === undefined || msg.viewId > s.view.viewId)
    if (ahead && (s.early === undefined || msg.viewId >= s.early.message.viewId)) s.early = {from, message: msg}
    return
  }
  const again = msg.term === s.promised && s.grantedTo === from
  if (msg.term > s.promised) {
    // The promise must be durable before the reply leaves (I/O contract, rule 2).
    s.promised = msg.term
    s.grantedTo = from
    out.push({type: 'persistTerm', term: msg.term})
  } else if (!again) {
    sendStatus(s, out) // Refused: promised says which term the DC must exceed.
    return
  }
  // Only a member that is ahead of the DC ships its document: usually nobody is.
  const ahead = comparePositions(positionOf(s.record), msg.have) > 0
  sendStatus(s, out, {term: msg.term, config: ahead ? s.record.config : undefined})
}

/**
 * On a new view: a sync request that arrived before it, from this view's DC, is
 * answered now, exactly as if it arrived after the view (every check runs again).
 */
export function answerEarlySyncRequest(s: ReplicationState, out: Output[]): void {
  const early = s.early
  if (early === undefined || s.view === undefined) return
  if (early.message.viewId > s.view.viewId) return
  s.early = undefined
  if (early.message.viewId === s.view.viewId) onSyncRequest(s, early.from, early.message, out)
}

/** The document an append describes, or undefined when this node cannot build it from what it holds. */
function derive(mine: StoredRecord, msg: Append): ResourceConfig | undefined {
  if (msg.config !== undefined) return msg.config.epoch === msg.epoch ? msg.config : undefined
  if (msg.base === undefined || !sameVersion(versionOf(mine), msg.base)) return undefined
  try {
    const config = replay(mine.config, msg.steps ?? [])
    return config.epoch === msg.epoch ? config : undefined
  } catch {
    return undefined
  }
}

/** Remembers the steps just taken, so this node can hand them on should it become DC. */
function rememberSteps(s: ReplicationState, from: Version, steps: Step[]): void {
  let at = from
  for (const step of steps) {
    const to = {epoch: step.epoch, born: step.born}
    s.changes = remember(s.changes, {from: at, to, edits: step.edits}, s.options.maxRememberedChanges)
    at = to
  }
}

/** A member never replaces its document by one with a lower epoch, nor by another document of the same epoch. */
function acceptable(mine: StoredRecord, msg: Version): boolean {
  return msg.epoch > mine.config.epoch || (msg.epoch === mine.config.epoch && msg.born === mine.born)
}

export function onAppend(s: ReplicationState, from: number, msg: Append, out: Output[]): void {
  if (!fromOurDc(s, from, msg.viewId, msg.term)) {
    if (fromCurrentDc(s, from, msg.viewId) && msg.term < s.promised) sendStatus(s, out)
    return
  }
  const mine = s.record
  if (mine.term === msg.term && mine.config.epoch >= msg.epoch) {
    // A duplicate or a late, reordered copy: the DC's versions in one term only grow.
    if (sameVersion(versionOf(mine), msg) && durableIs(s, positionOf(mine))) sendAck(s, out)
    noteCommit(s, msg.commit, out)
    return
  }
  const config = acceptable(mine, msg) ? derive(mine, msg) : undefined
  if (config === undefined) {
    // Tell the DC what we hold: it re-sends in full, or raises the epoch above ours.
    sendStatus(s, out)
    return
  }
  if (msg.config === undefined) rememberSteps(s, versionOf(mine), msg.steps ?? [])
  s.record = {term: msg.term, born: msg.born, config}
  out.push({type: 'persist', record: s.record})
  noteCommit(s, msg.commit, out)
}

function durableIs(s: ReplicationState, position: Position): boolean {
  return comparePositions(s.durable, position) === 0 && s.durable.born === position.born
}

function sendAck(s: ReplicationState, out: Output[]): void {
  const view = s.view
  if (view === undefined || view.dc === undefined || view.dc === s.self || s.grantedTo !== view.dc) return
  const {term, epoch, born} = s.durable
  out.push({type: 'send', to: view.dc, message: {type: 'ack', viewId: view.viewId, term, epoch, born}})
}

/** The disk confirmed a document: only now may it count towards a commit. */
export function onPersistedAsMember(s: ReplicationState, out: Output[]): void {
  if (s.durable.term === s.promised) sendAck(s, out)
}

/** Marks the local document committed when it is the version the DC says is committed. */
export function noteCommit(s: ReplicationState, version: Version | undefined, out: Output[]): void {
  if (version === undefined || s.record.term !== s.promised) return
  if (!sameVersion(versionOf(s.record), version)) return
  if (s.committed !== undefined && s.committed.config === s.record.config) return
  s.committed = s.record
  out.push({type: 'configChanged', config: s.record.config})
}

export function onCommit(s: ReplicationState, from: number, msg: Commit, out: Output[]): void {
  if (!fromOurDc(s, from, msg.viewId, msg.term)) return
  if (sameVersion(versionOf(s.record), msg) && s.record.term === msg.term) {
    noteCommit(s, msg, out)
    return
  }
  const ahead = s.record.term === msg.term && s.record.config.epoch > msg.epoch
  if (!ahead) sendStatus(s, out) // We are behind: the DC pushes what we miss.
}
