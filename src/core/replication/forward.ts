// Writes that arrive at a node which is not the DC: forwarded, retransmitted until
// answered, and answered honestly ("unknown") when the DC changes or goes silent.
import type {ConfigEdit} from '../config/edits.js'
import {dcChanged, timedOut} from './errors.js'
import type {ForwardReply, Forwarded, Output, ReplicationState} from './types.js'

function send(s: ReplicationState, f: Forwarded, out: Output[]): void {
  const view = s.view
  if (view === undefined || view.dc === undefined) return
  const message = {type: 'forward' as const, viewId: view.viewId, requestId: f.requestId, edit: f.edit, ...(f.ifEpoch === undefined ? {} : {ifEpoch: f.ifEpoch})}
  out.push({type: 'send', to: view.dc, message})
  f.sentAt = s.now
  f.attempts = (f.attempts ?? 0) + 1
}

export function forwardWrite(s: ReplicationState, requestId: string, edit: ConfigEdit, ifEpoch: number | undefined, out: Output[]): void {
  const f: Forwarded = {requestId, edit, ifEpoch, sentAt: s.now, deadline: s.now + s.options.forwardTimeoutTicks}
  s.forwarded.push(f)
  send(s, f, out)
}

export function onForwardReply(s: ReplicationState, msg: ForwardReply, out: Output[]): void {
  const at = s.forwarded.findIndex((f) => f.requestId === msg.requestId)
  if (at < 0) return // Already answered (a duplicate, or the view changed meanwhile).
  s.forwarded.splice(at, 1)
  out.push({type: 'reply', requestId: msg.requestId, result: msg.result})
}

export function tickForwarded(s: ReplicationState, out: Output[]): void {
  const waiting: Forwarded[] = []
  for (const f of s.forwarded) {
    if (s.now >= f.deadline) {
      out.push({type: 'reply', requestId: f.requestId, result: {ok: false, error: timedOut(s.record.config.epoch)}})
      continue
    }
    const copy = {...f}
    // Backing off: a forwarded config.replace carries a whole document.
    const wait = Math.min(s.options.retransmitTicks * 2 ** ((copy.attempts ?? 1) - 1), s.options.retransmitTicksMax)
    if (s.now - copy.sentAt >= wait) send(s, copy, out)
    waiting.push(copy)
  }
  s.forwarded = waiting
}

/** The DC we forwarded to may have applied the write or not: we cannot know. */
export function failForwarded(s: ReplicationState, out: Output[]): void {
  for (const f of s.forwarded) out.push({type: 'reply', requestId: f.requestId, result: {ok: false, error: dcChanged(s.record.config.epoch)}})
  s.forwarded = []
}
