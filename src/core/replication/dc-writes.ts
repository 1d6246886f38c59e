// Writes at the DC: queued, checked (--if-epoch, the edit's own validation), applied
// in batches as one version at a time, and answered honestly when the view changes.
import {applyEdit, type ConfigEdit} from '../config/edits.js'
import type {ResourceConfig} from '../config/types.js'
import {answer, committedVersion, isDcOf, setRecord, type Dc} from './dc-common.js'
import {busy, dcChanged, dcChangedBeforeApplied, epochMismatch, fromEditError, noQuorum} from './errors.js'
import {isWriteQuorum, sameVersion, sumVotes, versionOf} from './position.js'
import type {DcState, Forward, Output, PendingWrite, ReplicationState} from './types.js'

export function enqueue(s: ReplicationState, write: PendingWrite, out: Output[]): void {
  const d = s as Dc
  if (!isWriteQuorum(d.view, sumVotes(d.view, d.view.members))) return answer(d, write, {ok: false, error: noQuorum(d.view)}, out)
  if (d.dc.queue.length >= d.options.maxQueuedWrites) return answer(d, write, {ok: false, error: busy(d.options.maxQueuedWrites)}, out)
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
export function processQueue(s: Dc, out: Output[]): void {
  if (s.dc.phase !== 'ready' || s.dc.inflight.length > 0 || s.dc.queue.length === 0) return
  if (!sameVersion(committedVersion(s), versionOf(s.record))) return
  if (!isWriteQuorum(s.view, sumVotes(s.view, s.view.members))) {
    for (const w of s.dc.queue) answer(s, w, {ok: false, error: noQuorum(s.view)}, out)
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
      answer(s, write, {ok: false, error: epochMismatch(config.epoch, write.ifEpoch)}, out)
      continue
    }
    let next: ResourceConfig
    try {
      next = applyEdit(config, write.edit!)
    } catch (error) {
      answer(s, write, {ok: false, error: fromEditError(error)}, out)
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
export function raiseEpoch(s: Dc, above: number, out: Output[]): void {
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
