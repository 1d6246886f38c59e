// `hactl status --watch --json` (issue 13): what scripts read, one JSON object per
// line (NDJSON). The first line is a whole status snapshot; then one typed event per
// change seen between two successive statuses (the DC's, as `hactl status` shows
// it): nodes joined, lost, left or fenced, resources started, stopped or failed,
// transitions begun and ended, the DC, quorum and the configuration epoch. Every
// line has `seq` (1, 2, … within the stream) and `at` (ms since the epoch, the time
// of the status it was seen in, on the DC's wall clock). Pure: the command polls and
// writes; schemas/status-watch.json is the contract (src/cli/observe-schemas.ts).
import type {ClusterStatus} from './status.js'

export type WatchEventBody =
  | {type: 'status', status: ClusterStatus}
  | {type: 'node-joined', node: string}
  /** Gone without a clean leave (crash, partition); `unclean` until fenced or past the safety delay. */
  | {type: 'node-lost', node: string, unclean: boolean}
  /** Gone after a clean leave (hactl cluster stop). */
  | {type: 'node-left', node: string}
  /** A lost node was fenced: its resources may be recovered. */
  | {type: 'fence', node: string}
  /** A lost node's resources may be recovered because the safety delay passed (fencing disabled). */
  | {type: 'node-cleared', node: string}
  | {type: 'resource-started', resource: string, node: string}
  | {type: 'resource-stopped', resource: string, node: string}
  | {type: 'resource-failed', resource: string, node: string, op: string, failCount: number}
  | {type: 'transition', id: number, summary: string[], total: number}
  | {type: 'transition-complete', id: number}
  | {type: 'dc', dc: string | null, previous: string | null}
  | {type: 'quorum', quorate: boolean}
  | {type: 'config', epoch: number}
  /** The last line of a stream that ended because the daemon could not be asked. */
  | {type: 'error', error: {code: string, message: string}}

export type WatchEvent = {seq: number, at: number} & WatchEventBody

export const WATCH_EVENT_TYPES = ['status', 'node-joined', 'node-lost', 'node-left', 'fence', 'node-cleared', 'resource-started', 'resource-stopped', 'resource-failed',
  'transition', 'transition-complete', 'dc', 'quorum', 'config', 'error'] as const

/**
 * Nodes whose presence changed between two statuses: for these the caller asks the
 * DC's cluster state whether they were fenced (the status says only "unclean").
 */
export function nodesToCheck(previous: ClusterStatus, next: ClusterStatus): string[] {
  const before = new Map(previous.nodes.map((n) => [n.name, n]))
  return next.nodes.filter((n) => {
    const b = before.get(n.name)
    return b !== undefined && !n.online && (b.online || b.unclean !== n.unclean)
  }).map((n) => n.name)
}

/**
 * The events between two statuses, in a stable order: nodes, transitions ended,
 * resources stopped, failed, started, transitions begun, then DC, quorum, epoch.
 * `fenced`: for the nodes of nodesToCheck, whether the DC fenced them (absent: unknown).
 */
export function watchEvents(previous: ClusterStatus, next: ClusterStatus, fenced: ReadonlyMap<string, boolean> = new Map()): WatchEventBody[] {
  return [...placementEvents(previous, next, fenced), ...clusterEvents(previous, next)]
}

/** Nodes, transitions and resources: only meaningful between two statuses built by a DC. */
export function placementEvents(previous: ClusterStatus, next: ClusterStatus, fenced: ReadonlyMap<string, boolean> = new Map()): WatchEventBody[] {
  const out: WatchEventBody[] = []
  const before = new Map(previous.nodes.map((n) => [n.name, n]))
  for (const n of next.nodes) {
    const b = before.get(n.name)
    if (!b) continue
    if (!b.online && n.online) out.push({type: 'node-joined', node: n.name})
    const wasFenced = fenced.get(n.name) === true
    if (b.online && !n.online) {
      // Gone: unclean, or already fenced by the time of this status, is a loss; else a clean leave.
      if (n.unclean || wasFenced) out.push({type: 'node-lost', node: n.name, unclean: n.unclean})
      else out.push({type: 'node-left', node: n.name})
      if (!n.unclean && wasFenced) out.push({type: 'fence', node: n.name})
    } else if (!n.online && b.unclean && !n.unclean) {
      out.push(wasFenced ? {type: 'fence', node: n.name} : {type: 'node-cleared', node: n.name})
    }
  }
  if (previous.transition && previous.transition.id !== next.transition?.id) out.push({type: 'transition-complete', id: previous.transition.id})
  const where = (s: ClusterStatus) => new Map(s.resources.map((r) => [r.id, new Set(r.nodes)]))
  const was = where(previous)
  const now = where(next)
  for (const [id, nodes] of was) for (const node of nodes) if (!now.get(id)?.has(node)) out.push({type: 'resource-stopped', resource: id, node})
  const failedBefore = new Map(previous.failures.map((f) => [`${f.resource}\u0000${f.node}`, f]))
  for (const f of next.failures) {
    const b = failedBefore.get(`${f.resource}\u0000${f.node}`)
    if (!b || f.failCount > b.failCount || (f.lastFailureMs !== null && f.lastFailureMs !== b.lastFailureMs)) {
      out.push({type: 'resource-failed', resource: f.resource, node: f.node, op: f.op, failCount: f.failCount})
    }
  }
  for (const [id, nodes] of now) for (const node of nodes) if (!was.get(id)?.has(node)) out.push({type: 'resource-started', resource: id, node})
  if (next.transition && previous.transition?.id !== next.transition.id) out.push({type: 'transition', id: next.transition.id, summary: next.transition.summary, total: next.transition.total})
  return out
}

/** The DC, quorum and configuration epoch: between any two statuses. */
export function clusterEvents(previous: ClusterStatus, next: ClusterStatus): WatchEventBody[] {
  const out: WatchEventBody[] = []
  if (previous.dc !== next.dc) out.push({type: 'dc', dc: next.dc, previous: previous.dc})
  if (previous.quorate !== next.quorate) out.push({type: 'quorum', quorate: next.quorate})
  if (previous.epoch !== next.epoch) out.push({type: 'config', epoch: next.epoch})
  return out
}

/**
 * Follows the statuses a node answers with. Placement (nodes, resources,
 * transitions) is compared between statuses built by a DC only: a node without
 * quorum knows only its own resources, and a node that has just entered a new view
 * answers from its own knowledge until the new DC's status arrives (a status with
 * quorum but not from a DC is skipped). The DC, quorum and epoch are compared with
 * whatever was seen last.
 */
export class WatchFollower {
  private last: ClusterStatus
  private lastDc: ClusterStatus | undefined

  constructor(first: ClusterStatus) {
    this.last = first
    this.lastDc = first.source === 'dc' ? first : undefined
  }

  /** The nodes whose fencing to ask the DC about before next(status). */
  toCheck(next: ClusterStatus): string[] {
    return next.source === 'dc' && this.lastDc ? nodesToCheck(this.lastDc, next) : []
  }

  next(status: ClusterStatus, fenced: ReadonlyMap<string, boolean> = new Map()): WatchEventBody[] {
    if (status.source !== 'dc' && status.quorate) return []
    const out: WatchEventBody[] = []
    if (status.source === 'dc') {
      if (this.lastDc) out.push(...placementEvents(this.lastDc, status, fenced))
      this.lastDc = status
    }
    out.push(...clusterEvents(this.last, status))
    this.last = status
    return out
  }
}

/** Numbers events for the stream. */
export class WatchSequence {
  private seq = 0

  stamp(body: WatchEventBody, at: number): WatchEvent {
    return {seq: ++this.seq, at, ...body}
  }
}
