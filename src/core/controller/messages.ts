// The messages daemons exchange over their authenticated peer links, typed and
// versioned. Every message received is checked here before any machine sees it:
// a peer of another version, a bug or a damaged stream yields a counted drop with
// its reason, never a crash and never a changed state.
//
// Version 1. The envelope carries `v: 1`; a message without `v` is the format
// of daemons built before versions were written down (the same shapes), read as 1.
// A message of a later version is dropped (`unsupported-version`): a rolling
// upgrade must first ship a reader of the new version everywhere.
import type {Action} from '../policy/actions.js'
import type {ClusterState} from '../policy/state.js'
import {isWellFormed as isReplicationMessage} from '../replication/message-check.js'
import type {Message as ReplicationMessage} from '../replication/types.js'
import type {InstanceReport, NodeReport} from '../orchestration/types.js'

export const PROTOCOL_VERSION = 1

/**
 * A node's report as it travels: times are ages (`failedAgoMs`), since two
 * daemons' monotonic clocks are not comparable; the receiver places them on its own clock.
 */
export interface WireInstanceReport {
  role: InstanceReport['role']
  failCount: number
  failedAgoMs?: number
  failedOp?: string
  digest?: string
  restartDigest?: string
  reloadable?: string[]
}
export type WireReport = Record<string, WireInstanceReport>

/**
 * What the DC publishes to every member so that any node answers `hactl status`.
 * The controller only needs the parts it reasons on (which nodes held what, who was
 * unclean); the rest is the shell's ClusterStatus and travels along untouched.
 */
export interface PublishedStatus {
  viewId: number
  nodes: Array<{name: string, unclean: boolean}>
  resources: Array<{id: string, role: string, nodes: string[]}>
  [more: string]: unknown
}

/** From the DC to a node, valid only in the view it names. */
export type ToNode =
  | {t: 'report-request'}
  | {t: 'action', transitionId: number, action: Action}
  | {t: 'leave-granted'}
  | {t: 'cleanup', resource: string}
  | {t: 'status', status: PublishedStatus, state: ClusterState}
  /** The answer to a fence-request (hactl node fence asked on that node). */
  | {t: 'fence-reply', requestId: string, node: string, fenced: boolean, device: string | null}

/** From a node to the DC of its view. */
export type ToDc =
  /** `departed`: nodes this node saw go, the view they went in, and whether they had announced a clean leave. */
  /** `attributes`: the node's whole set of transient attributes (promotion scores), when they are sent. */
  | {t: 'report', full: boolean, epoch: number, resources: WireReport, departed?: Array<{node: string, viewId: number, clean: boolean, seenInViewId?: number}>, attributes?: Record<string, string>}
  | {t: 'result', transitionId: number, actionId: string, ok: boolean, resources: WireReport, rc?: number | null, ms?: number}
  | {t: 'leave-request'}
  /** hactl resource cleanup asked on a node that is not the DC: the DC's books and every node forget. */
  | {t: 'cleanup-request', resource: string, node?: string}
  /** hactl node fence asked on a node that is not the DC: the DC fences and answers with fence-reply. */
  | {t: 'fence-request', requestId: string, node: string}

/** Between members, whoever is DC: the clean-leave announcement and its acknowledgement. */
export type ToPeer =
  | {t: 'leaving', resources: WireReport}
  | {t: 'leaving-ack'}

export type PeerMessage =
  | {v: 1, ch: 'repl', m: ReplicationMessage}
  | {v: 1, ch: 'dc', viewId: number, m: ToNode}
  | {v: 1, ch: 'node', viewId: number, m: ToDc}
  | {v: 1, ch: 'peer', viewId: number, m: ToPeer}

export type DropReason = 'not-an-object' | 'unsupported-version' | 'unknown-channel' | 'malformed'

type Fields = Record<string, unknown>
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200
const ROLES = new Set(['started', 'promoted', 'stopped', 'failed', 'unknown'])
// reload: a balancer's new backend set from the DC (src/core/balancer), with params.
// reload-agent: parameters marked reloadable changed (src/core/policy/digest.ts).
const OPS = new Set(['start', 'stop', 'monitor', 'migrate_to', 'migrate_from', 'fence', 'reload', 'reload-agent', 'promote', 'demote', 'notify'])

/** Transient node attributes: bounded names and values (src/daemon/attributes.ts enforces the same limits). */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/
export const ATTRIBUTE_VALUE_MAX = 4096
export const ATTRIBUTES_MAX = 256

export function isAttributes(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.keys(v).length <= ATTRIBUTES_MAX
    && Object.entries(v).every(([k, x]) => ATTRIBUTE_NAME.test(k) && typeof x === 'string' && x.length <= ATTRIBUTE_VALUE_MAX)
}

/** A notify action's payload: pre/post of an operation, and the OCF_RESKEY_CRM_meta_notify_* values. */
function isNotify(v: unknown): boolean {
  return isObject(v) && (v.type === 'pre' || v.type === 'post') && ['start', 'stop', 'promote', 'demote'].includes(v.operation as string)
    && isObject(v.env) && Object.keys(v.env).length <= 64
    && Object.entries(v.env).every(([k, x]) => /^[A-Za-z0-9_]{1,64}$/.test(k) && typeof x === 'string' && x.length <= 65536)
}
const isDigest = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{8,64}$/.test(v)

/** An action's parameter overrides (a balancer's backends): a few short strings. */
function isParams(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length <= 8 && Object.entries(v).every(([k, x]) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k) && typeof x === 'string' && x.length <= 8192)
}

function isWireReport(v: unknown): v is WireReport {
  if (!isObject(v)) return false
  for (const [id, r] of Object.entries(v)) {
    if (!isName(id) || !isObject(r) || !ROLES.has(r.role as string) || !(typeof r.failCount === 'number' && r.failCount >= 0)) return false
    if (r.failedAgoMs !== undefined && !isCount(r.failedAgoMs)) return false
    if (r.failedOp !== undefined && typeof r.failedOp !== 'string') return false
    if (r.digest !== undefined && !isDigest(r.digest)) return false
    if (r.restartDigest !== undefined && !isDigest(r.restartDigest)) return false
    if (r.reloadable !== undefined && !(Array.isArray(r.reloadable) && r.reloadable.length <= 200 && r.reloadable.every(isName))) return false
  }
  return true
}

function isAction(v: unknown): v is Action {
  return isObject(v) && isName(v.id) && OPS.has(v.op as string) && isName(v.node) && typeof v.reason === 'string'
    && Array.isArray(v.dependsOn) && v.dependsOn.every(isName)
    && (v.resource === undefined || isName(v.resource)) && (v.intervalMs === undefined || isCount(v.intervalMs))
    && (v.op === 'fence' || v.resource !== undefined)
    && (v.params === undefined || isParams(v.params))
    && (v.role === undefined || v.role === 'Promoted' || v.role === 'Unpromoted')
    && (v.notify === undefined || isNotify(v.notify))
}

function isStatus(v: unknown): v is PublishedStatus {
  return isObject(v) && isCount(v.viewId)
    && Array.isArray(v.nodes) && v.nodes.every((n) => isObject(n) && isName(n.name) && typeof n.unclean === 'boolean')
    && Array.isArray(v.resources) && v.resources.every((r) => isObject(r) && isName(r.id) && typeof r.role === 'string' && Array.isArray(r.nodes) && r.nodes.every(isName))
}

function isState(v: unknown): v is ClusterState {
  return isObject(v) && typeof v.nowMs === 'number' && typeof v.quorate === 'boolean' && isObject(v.nodes) && isObject(v.resources)
}

const TO_NODE: Record<ToNode['t'], (m: Fields) => boolean> = {
  'report-request': () => true,
  'action': (m) => isCount(m.transitionId) && isAction(m.action),
  'leave-granted': () => true,
  'cleanup': (m) => isName(m.resource),
  'status': (m) => isStatus(m.status) && isState(m.state),
  'fence-reply': (m) => isName(m.requestId) && isName(m.node) && typeof m.fenced === 'boolean' && (m.device === null || isName(m.device)),
}

const TO_DC: Record<ToDc['t'], (m: Fields) => boolean> = {
  'report': (m) => typeof m.full === 'boolean' && isCount(m.epoch) && isWireReport(m.resources)
    && (m.departed === undefined || (Array.isArray(m.departed) && m.departed.length <= 1000
      && m.departed.every((e) => isObject(e) && isName(e.node) && isCount(e.viewId) && typeof e.clean === 'boolean' && (e.seenInViewId === undefined || isCount(e.seenInViewId)))))
    && (m.attributes === undefined || isAttributes(m.attributes)),
  'result': (m) => isCount(m.transitionId) && isName(m.actionId) && typeof m.ok === 'boolean' && isWireReport(m.resources)
    && (m.rc === undefined || m.rc === null || (Number.isSafeInteger(m.rc) && (m.rc as number) >= 0 && (m.rc as number) <= 255))
    && (m.ms === undefined || (Number.isSafeInteger(m.ms) && (m.ms as number) >= 0)),
  'leave-request': () => true,
  'cleanup-request': (m) => isName(m.resource) && (m.node === undefined || isName(m.node)),
  'fence-request': (m) => isName(m.requestId) && isName(m.node),
}

const TO_PEER: Record<ToPeer['t'], (m: Fields) => boolean> = {
  'leaving': (m) => isWireReport(m.resources),
  'leaving-ack': () => true,
}

function checkBody<T extends string>(table: Record<T, (m: Fields) => boolean>, m: unknown): boolean {
  return isObject(m) && typeof m.t === 'string' && Object.hasOwn(table, m.t) && table[m.t as T](m)
}

export type Parsed = {ok: true, message: PeerMessage} | {ok: false, reason: DropReason}

/** Checks a message received from a peer; nothing is trusted before this says so. */
export function parsePeerMessage(raw: unknown): Parsed {
  if (!isObject(raw)) return {ok: false, reason: 'not-an-object'}
  const v = raw.v ?? 1
  if (v !== PROTOCOL_VERSION) return {ok: false, reason: 'unsupported-version'}
  switch (raw.ch) {
    case 'repl':
      return isReplicationMessage(raw.m) ? {ok: true, message: {v: 1, ch: 'repl', m: raw.m}} : {ok: false, reason: 'malformed'}
    case 'dc':
      return isCount(raw.viewId) && checkBody(TO_NODE, raw.m) ? {ok: true, message: {v: 1, ch: 'dc', viewId: raw.viewId, m: raw.m as ToNode}} : {ok: false, reason: 'malformed'}
    case 'node':
      // Daemons before version 1 sent no view id with a node's messages.
      return (raw.viewId === undefined || isCount(raw.viewId)) && checkBody(TO_DC, raw.m)
        ? {ok: true, message: {v: 1, ch: 'node', viewId: (raw.viewId as number | undefined) ?? 0, m: raw.m as ToDc}} : {ok: false, reason: 'malformed'}
    case 'peer':
      return isCount(raw.viewId) && checkBody(TO_PEER, raw.m) ? {ok: true, message: {v: 1, ch: 'peer', viewId: raw.viewId, m: raw.m as ToPeer}} : {ok: false, reason: 'malformed'}
    default:
      return {ok: false, reason: 'unknown-channel'}
  }
}

/** A report as it leaves this node: failure times become ages on the sender's clock. */
export function reportToWire(report: NodeReport, nowMs: number): WireReport {
  const out: WireReport = {}
  for (const [id, r] of Object.entries(report)) {
    const wire: WireInstanceReport = {role: r.role, failCount: r.failCount}
    if (r.lastFailureMs !== undefined) wire.failedAgoMs = Math.max(0, nowMs - r.lastFailureMs)
    if (r.failedOp !== undefined) wire.failedOp = r.failedOp
    copyDigests(r, wire)
    out[id] = wire
  }
  return out
}

/** A report as it arrives: ages placed on the receiver's clock. */
export function reportFromWire(report: WireReport, nowMs: number): NodeReport {
  const out: NodeReport = {}
  for (const [id, r] of Object.entries(report)) {
    const instance: InstanceReport = {role: r.role, failCount: r.failCount}
    if (r.failedAgoMs !== undefined) instance.lastFailureMs = nowMs - r.failedAgoMs
    if (r.failedOp !== undefined) instance.failedOp = r.failedOp
    copyDigests(r, instance)
    out[id] = instance
  }
  return out
}

function copyDigests(from: {digest?: string, restartDigest?: string, reloadable?: string[]}, to: {digest?: string, restartDigest?: string, reloadable?: string[]}): void {
  if (from.digest !== undefined) to.digest = from.digest
  if (from.restartDigest !== undefined) to.restartDigest = from.restartDigest
  if (from.reloadable !== undefined) to.reloadable = [...from.reloadable]
}
