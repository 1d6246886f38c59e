// The DC's transition history (issue 13), the pure part: a bounded list of records,
// each with what triggered the transition, the actions it planned and its outcome,
// kept apart from its input — the policy engine's whole input (configuration, node
// names, cluster state), large on a big cluster, stored once per record by the
// caller — and the replay that re-plans a record from that input alone.
import type {ResourceConfig} from '../config/types.js'
import {planningConfig} from '../orchestration/index.js'
import type {Action} from '../policy/actions.js'
import {schedule} from '../policy/schedule.js'
import type {ClusterState} from '../policy/state.js'

export const DEFAULT_HISTORY_LIMIT = 50

export interface PlanInput {
  config: ResourceConfig
  /** The cluster's node names (cluster.json), as the DC plans with them. */
  nodes: string[]
  state: ClusterState
}

export type TransitionOutcome = 'running' | 'complete' | 'superseded' | 'actions-failed'

export interface TransitionRecord {
  /** The history's own number, 1, 2, … on this node (`hactl simulate --replay N`). */
  n: number
  /**
   * The record's name across the cluster: the DC, its daemon's run and the transition
   * id (`n1:1764140000000:7`). The DC sends every record to every member, which keeps
   * it under its own n; the key finds the copy an update is for.
   */
  key?: string
  /** The orchestrator's transition id, and the DC that ran it. */
  transitionId: number
  dc: string
  atMs: number
  epoch: number
  /** Why the DC planned: what changed in its input since the previous record, and what it saw happen. */
  trigger: string[]
  /** The Transition Summary lines (each with its reason). */
  summary: string[]
  actions: Action[]
  outcome: TransitionOutcome
  failedActions: string[]
  completedAtMs?: number
  /** Only when read with its input (hactl history --json --inputs). */
  input?: PlanInput
}

export interface History {
  next: number
  records: TransitionRecord[]
}

export function emptyHistory(): History {
  return {next: 1, records: []}
}

/** What changed between two inputs, in words (the trigger when nothing was seen happen). */
export function inputChanges(previous: PlanInput | undefined, input: PlanInput): string[] {
  if (!previous) return ['first transition recorded on this DC']
  const out: string[] = []
  if (input.config.epoch !== previous.config.epoch) out.push(`configuration epoch ${previous.config.epoch} -> ${input.config.epoch}`)
  for (const [name, node] of Object.entries(input.state.nodes)) {
    const before = previous.state.nodes[name]
    if (before?.online !== node.online) out.push(`node ${name} ${node.online ? 'online' : node.unclean ? 'lost' : 'offline'}`)
    else if (!before?.fenced && node.fenced) out.push(`node ${name} fenced`)
  }
  for (const [id, instance] of Object.entries(input.state.resources)) {
    for (const [node, r] of Object.entries(instance.nodes)) {
      const before = previous.state.resources[id]?.nodes[node]
      if (r.role === 'failed' && before?.role !== 'failed') out.push(`${id} failed on ${node}${r.failedOp ? ` (${r.failedOp})` : ''}`)
    }
  }
  if (input.state.quorate !== previous.state.quorate) out.push(input.state.quorate ? 'quorum regained' : 'quorum lost')
  return out
}

/**
 * Adds a planned transition, planned from `input` (`previous`: the input of the
 * record before, for the trigger); the one still running is marked superseded.
 * Keeps the last `limit`.
 */
export function recordTransition(history: History, entry: Omit<TransitionRecord, 'n' | 'outcome' | 'failedActions' | 'trigger' | 'input'>, input: PlanInput, previous: PlanInput | undefined, seen: string[], limit = DEFAULT_HISTORY_LIMIT): History {
  const changes = inputChanges(previous, input)
  const trigger = [...new Set([...seen, ...changes])]
  const records = history.records.map((r) => r.outcome === 'running' ? {...r, outcome: 'superseded' as const} : r)
  records.push({...entry, n: history.next, trigger: trigger.length > 0 ? trigger : ['recheck (time-based input: failure-timeout, safety delay)'], outcome: 'running', failedActions: []})
  return {next: history.next + 1, records: records.slice(Math.max(0, records.length - limit))}
}

/** A transition's action failed (on the DC that planned it). */
export function actionFailed(history: History, dc: string, transitionId: number, actionId: string): History {
  const records = history.records.map((r) => r.dc === dc && r.transitionId === transitionId && r.outcome === 'running'
    ? {...r, failedActions: [...r.failedActions, actionId]} : r)
  return {...history, records}
}

/** A transition finished: complete, or with failed actions. */
export function transitionDone(history: History, dc: string, transitionId: number, atMs: number): History {
  const records = history.records.map((r) => r.dc === dc && r.transitionId === transitionId && r.outcome === 'running'
    ? {...r, outcome: r.failedActions.length > 0 ? 'actions-failed' as const : 'complete' as const, completedAtMs: atMs} : r)
  return {...history, records}
}

export interface Replay {
  n: number
  identical: boolean
  recorded: Action[]
  replayed: Action[]
  /** Action ids only in one of the two. */
  onlyRecorded: string[]
  onlyReplayed: string[]
}

function canonical(action: Action): string {
  return JSON.stringify({...action, dependsOn: [...action.dependsOn].sort()})
}

/** Re-plans a record from its saved input and compares the actions with the recorded ones. */
export function replay(record: TransitionRecord, input: PlanInput): Replay {
  const result = schedule(planningConfig(input.config, input.nodes), input.state)
  const replayed = result.transition.actions
  const a = new Set(record.actions.map(canonical))
  const b = new Set(replayed.map(canonical))
  const onlyRecorded = record.actions.filter((x) => !b.has(canonical(x))).map((x) => x.id)
  const onlyReplayed = replayed.filter((x) => !a.has(canonical(x))).map((x) => x.id)
  return {n: record.n, identical: onlyRecorded.length === 0 && onlyReplayed.length === 0 && record.actions.length === replayed.length, recorded: record.actions, replayed, onlyRecorded, onlyReplayed}
}

// ---- replication (issue 13): the DC sends each record to every member ----

/** A record as it travels: everything but the receiver's own number. */
export type WireRecord = Omit<TransitionRecord, 'n' | 'input'> & {key: string}

/** What the DC sends members: records new or changed, and the input of those that are new. */
export interface HistoryMessage {
  t: 'history'
  records: WireRecord[]
  /** By record key: the policy engine's input, sent once with the record's first copy. */
  inputs: Record<string, PlanInput>
}

/** Records kept per message: a sync sends the whole history, an update one or two. */
export const MAX_WIRE_RECORDS = 200

const OUTCOMES = new Set<string>(['running', 'complete', 'superseded', 'actions-failed'])
type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInt = (v: unknown): v is number => Number.isSafeInteger(v)
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

function isWireRecord(v: unknown): v is WireRecord {
  return isObj(v) && typeof v.key === 'string' && v.key.length > 0 && v.key.length <= 300 && isInt(v.transitionId) && typeof v.dc === 'string'
    && isInt(v.atMs) && isInt(v.epoch) && isStrings(v.trigger) && isStrings(v.summary) && Array.isArray(v.actions) && v.actions.every(isObj)
    && typeof v.outcome === 'string' && OUTCOMES.has(v.outcome) && isStrings(v.failedActions) && (v.completedAtMs === undefined || isInt(v.completedAtMs))
}

function isPlanInput(v: unknown): v is PlanInput {
  return isObj(v) && isObj(v.config) && isInt(v.config.epoch) && isStrings(v.nodes) && isObj(v.state) && isObj(v.state.nodes) && isObj(v.state.resources)
}

/** Checks a history message from a peer (authenticated, but checked all the same); undefined when malformed. */
export function parseHistoryMessage(raw: unknown): HistoryMessage | undefined {
  if (!isObj(raw) || raw.t !== 'history' || !Array.isArray(raw.records) || raw.records.length > MAX_WIRE_RECORDS || !raw.records.every(isWireRecord)) return undefined
  if (!isObj(raw.inputs) || !Object.entries(raw.inputs).every(([key, input]) => key !== '__proto__' && isPlanInput(input))) return undefined
  return {t: 'history', records: raw.records, inputs: raw.inputs as Record<string, PlanInput>}
}

/** A record as the DC sends it. */
export function toWire(record: TransitionRecord): WireRecord | undefined {
  if (record.key === undefined) return undefined
  const {n: _n, input: _input, ...rest} = record
  return {...rest, key: record.key}
}

/**
 * Takes a record from the DC: an update of one this node holds (same key) replaces
 * its fields and keeps its number; a new one is added under the next number if it is
 * newer than every record held (a sync after a restart brings the missed ones; an
 * older unknown record would break the order of the numbers and is left out), and
 * marks the one still running as superseded, as the DC did. Returns the history and
 * the record's number here (undefined when left out).
 */
export function mergeRecord(history: History, record: WireRecord, limit = DEFAULT_HISTORY_LIMIT): {history: History, n: number | undefined, added: boolean} {
  const at = history.records.findIndex((r) => r.key === record.key)
  if (at >= 0) {
    const records = history.records.slice()
    records[at] = {...record, n: records[at].n}
    return {history: {...history, records}, n: records[at].n, added: false}
  }
  const last = history.records[history.records.length - 1]
  if (last && last.atMs > record.atMs) return {history, n: undefined, added: false}
  const records = history.records.map((r) => r.outcome === 'running' ? {...r, outcome: 'superseded' as const} : r)
  records.push({...record, n: history.next})
  return {history: {next: history.next + 1, records: records.slice(Math.max(0, records.length - limit))}, n: history.next, added: true}
}
