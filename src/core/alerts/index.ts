// Alerts, the pure part (issue 13): which daemon events become alert events, which
// alerts select them, the CRM_alert_* environment Pacemaker's agents expect, the
// cluster-wide sequence numbers, and the retry schedule. No clock, no processes:
// the daemon (src/daemon/alerts) passes times in and runs the agents.
import type {AlertEntry, AlertKind} from '../config/alerts.js'

/** What Pacemaker's agents check for (alert_file.sh.sample wants it non-empty); the CRM feature level hactl matches. */
export const ALERT_VERSION = '2.1.5'

export type AlertEvent =
  | {kind: 'node', node: string, nodeId: number | null, desc: 'member' | 'lost'}
  | {kind: 'fencing', node: string, task: string, rc: number, desc: string}
  | {kind: 'resource', node: string, rsc: string, task: string, intervalMs: number, rc: number, targetRc: number, status: number, desc: string}
  /** A node attribute changed (value null: removed). */
  | {kind: 'attribute', node: string, nodeId: number | null, name: string, value: string | null, desc: string}

const SELECT: Record<AlertEvent['kind'], AlertKind> = {node: 'nodes', fencing: 'fencing', resource: 'resources', attribute: 'attributes'}

/** The alerts that receive an event (no select: all kinds, as Pacemaker). */
export function selectAlerts(alerts: readonly AlertEntry[], event: AlertEvent): AlertEntry[] {
  return alerts.filter((a) => a.select === undefined || a.select.length === 0 || a.select.includes(SELECT[event.kind]))
}

/**
 * Sequence numbers: unique and increasing across the cluster, also when the DC
 * changes. The DC numbers events within its membership view, whose id only grows:
 * view * 1,000,000 + n (n from 1). A DC that outlives a view change goes on in the new view.
 */
export interface SequenceState {
  viewId: number
  n: number
}

export function nextSequence(state: SequenceState, viewId: number): {sequence: number, state: SequenceState} {
  const next = viewId > state.viewId ? {viewId, n: 1} : {viewId: state.viewId, n: Math.min(state.n + 1, 999_999)}
  return {sequence: next.viewId * 1_000_000 + next.n, state: next}
}

export interface RetryPolicy {
  /** Runs in all, the first included. */
  maxAttempts: number
  firstDelayMs: number
  maxDelayMs: number
}

/** Pacemaker runs an agent once; hactl retries a failed run 4 more times: 1 s, 2 s, 4 s, 8 s later. */
export const DEFAULT_RETRY: RetryPolicy = {maxAttempts: 5, firstDelayMs: 1_000, maxDelayMs: 30_000}

/** After run number `attempt` (1-based) failed: the delay before the next one, or null to give up. */
export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number | null {
  if (attempt >= policy.maxAttempts) return null
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1))
}

/** The environment of one agent run: Pacemaker's CRM_alert_* names. */
export function alertEnvironment(event: AlertEvent, meta: {recipient: string, sequence: number, timestamp: string, epochMs: number}): Record<string, string> {
  const env: Record<string, string> = {
    CRM_alert_version: ALERT_VERSION,
    CRM_alert_recipient: meta.recipient,
    CRM_alert_node_sequence: String(meta.sequence),
    CRM_alert_timestamp: meta.timestamp,
    CRM_alert_timestamp_epoch: String(Math.floor(meta.epochMs / 1000)),
    CRM_alert_timestamp_usec: String((meta.epochMs % 1000) * 1000),
    CRM_alert_kind: event.kind,
    CRM_alert_node: event.node,
    CRM_alert_desc: event.desc,
  }
  switch (event.kind) {
    case 'node':
      if (event.nodeId !== null) env.CRM_alert_nodeid = String(event.nodeId)
      break
    case 'fencing':
      env.CRM_alert_task = event.task
      env.CRM_alert_rc = String(event.rc)
      break
    case 'resource':
      env.CRM_alert_rsc = event.rsc
      env.CRM_alert_task = event.task
      env.CRM_alert_interval = String(event.intervalMs)
      env.CRM_alert_rc = String(event.rc)
      env.CRM_alert_target_rc = String(event.targetRc)
      env.CRM_alert_status = String(event.status)
      break
    case 'attribute':
      if (event.nodeId !== null) env.CRM_alert_nodeid = String(event.nodeId)
      env.CRM_alert_attribute_name = event.name
      // Removed: empty, as an unset attribute reads in the sample agents.
      env.CRM_alert_attribute_value = event.value ?? ''
      break
  }
  return env
}

/** Pacemaker's default timestamp format, %H:%M:%S.%06N, from the local time's parts. */
export function formatTimestamp(parts: {hours: number, minutes: number, seconds: number, ms: number}): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(parts.hours)}:${two(parts.minutes)}:${two(parts.seconds)}.${String(parts.ms * 1000).padStart(6, '0')}`
}

type Fields = Record<string, unknown>

/** A failure as the DC's status shows it (hactl status's failures). */
export interface KnownFailure {
  resource: string
  node: string
  op: string
  failCount: number
  lastFailureMs: number | null
}

/**
 * Failures of operations the DC did not dispatch — recurring monitors, which the
 * node reports on its own — as resource events: those newer than what was seen
 * (`seen`: resource and node -> last failure time). Dispatched operations are
 * alerted from their results (eventsOf 'action-result'). Returns the new `seen`.
 */
export function monitorFailures(seen: Readonly<Record<string, number>>, failures: readonly KnownFailure[], intervalOf: (resource: string) => number): {events: AlertEvent[], seen: Record<string, number>} {
  const next: Record<string, number> = {}
  const events: AlertEvent[] = []
  for (const f of failures) {
    const key = `${f.resource}@${f.node}`
    const at = f.lastFailureMs ?? 0
    next[key] = at
    if (f.op !== 'monitor' || (seen[key] !== undefined && seen[key] >= at)) continue
    events.push({kind: 'resource', node: f.node, rsc: f.resource, task: 'monitor', intervalMs: intervalOf(f.resource), rc: 1, targetRc: 0, status: 0, desc: 'error'})
  }
  return {events, seen: next}
}

function names(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String)
  return typeof v === 'string' && v !== '' ? v.split(',') : []
}

/**
 * Node events, from the 'view' events every node logs: against the members of the
 * last quorate view this node saw (`previous`, null before the first), a node that
 * is gone is lost, a new one is a member. Only the DC of the new quorate view
 * alerts (it is not yet the active DC then); every node keeps `previous`, so a new
 * DC after a crash announces the loss and not the survivors again, and the first
 * quorum of a starting cluster announces every member.
 */
export function nodeEvents(previous: readonly string[] | null, fields: Fields, self: string, ids: ReadonlyMap<string, number>): {events: AlertEvent[], members: readonly string[] | null} {
  if (fields.quorate !== true || (fields.phase !== undefined && fields.phase !== 'usable')) return {events: [], members: previous}
  const members = names(fields.members)
  if (fields.dc !== self) return {events: [], members}
  const before = new Set(previous ?? [])
  const now = new Set(members)
  const lost = [...new Set([...(previous ?? []).filter((n) => !now.has(n)), ...names(fields.left)])].filter((n) => !now.has(n))
  const joined = members.filter((n) => !before.has(n))
  return {
    members,
    events: [
      ...lost.map((node): AlertEvent => ({kind: 'node', node, nodeId: ids.get(node) ?? null, desc: 'lost'})),
      ...joined.map((node): AlertEvent => ({kind: 'node', node, nodeId: ids.get(node) ?? null, desc: 'member'})),
    ],
  }
}

/**
 * The alert events of one daemon log event, as the DC sees them (only the DC
 * delivers: one delivery per event in the cluster). `self` is this node's name;
 * `ids` maps node names to ids.
 */
export function eventsOf(event: string, fields: Fields, self: string, ids: ReadonlyMap<string, number>): AlertEvent[] {
  switch (event) {
    case 'fence-done':
    case 'fence-failed': {
      const node = String(fields.node ?? '')
      const ok = event === 'fence-done'
      const rc = ok ? 0 : typeof fields.exit === 'number' ? fields.exit : 1
      return [{kind: 'fencing', node, task: 'reboot', rc, desc: `Operation reboot of ${node} by ${self}: ${ok ? 'OK' : 'Error'}`}]
    }
    case 'fence-no-device': {
      const node = String(fields.node ?? '')
      return [{kind: 'fencing', node, task: 'reboot', rc: 1, desc: `Operation reboot of ${node} by ${self}: No such device`}]
    }
    case 'action-result': {
      if (typeof fields.resource !== 'string' || typeof fields.op !== 'string') return []
      const ok = fields.ok === true
      return [{
        kind: 'resource', node: String(fields.node ?? ''), rsc: fields.resource, task: fields.op, intervalMs: Number(fields.interval_ms ?? 0) || 0,
        rc: ok ? 0 : 1, targetRc: 0, status: 0, desc: ok ? 'ok' : 'error',
      }]
    }
    default:
      return []
  }
}

/** Node attributes as the DC sees them: node -> name -> value (configured and transient, of nodes that are up). */
export type NodeAttributes = Readonly<Record<string, Readonly<Record<string, string>>>>

/**
 * Attribute events between two views of the node attributes (`before` undefined:
 * the first look, e.g. on becoming DC — nothing to say). Only nodes present in both
 * count: a node that goes down takes its transient attributes along without an
 * alert (Pacemaker's lifetime=reboot), one that comes up is a node event.
 */
export function attributeEvents(before: NodeAttributes | undefined, after: NodeAttributes, ids: ReadonlyMap<string, number>): AlertEvent[] {
  if (before === undefined) return []
  const out: AlertEvent[] = []
  for (const [node, now] of Object.entries(after)) {
    const was = before[node]
    if (was === undefined) continue
    const nodeId = ids.get(node) ?? null
    for (const [name, value] of Object.entries(now)) {
      if (was[name] !== value) out.push({kind: 'attribute', node, nodeId, name, value, desc: `Attribute ${name} on ${node} set to ${value}`})
    }
    for (const name of Object.keys(was)) {
      if (!Object.hasOwn(now, name)) out.push({kind: 'attribute', node, nodeId, name, value: null, desc: `Attribute ${name} on ${node} removed`})
    }
  }
  return out
}
