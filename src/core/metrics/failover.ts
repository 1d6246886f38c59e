// Failover durations, for the `hactl_failover_duration_seconds` histogram: from the
// moment a resource is known lost (its node left the view, or an operation on it
// failed) to the moment it runs on a node other than the one it was lost on.
// Pure: the caller passes the time and where instances run (from the DC's status).

/** Instance id -> nodes where it is active. */
export type Placement = Record<string, readonly string[]>

export interface LostInstance {
  atMs: number
  /** The nodes it was lost from: running there again is a recovery in place, not a failover. */
  from: string[]
  cause: 'node-lost' | 'failed'
}

export interface Failover {
  resource: string
  from: string[]
  to: string
  cause: LostInstance['cause']
  durationMs: number
}

export interface FailoverBook {
  lost: Record<string, LostInstance>
}

/** More than this many lost instances at once: the oldest are forgotten (bounded memory). */
export const MAX_TRACKED = 10_000
/** A loss not recovered within this long is forgotten (the resource stayed down; that is not a failover). */
export const FORGET_AFTER_MS = 3_600_000

export function emptyFailoverBook(): FailoverBook {
  return {lost: {}}
}

function bounded(lost: Record<string, LostInstance>, nowMs: number): Record<string, LostInstance> {
  const kept = Object.entries(lost).filter(([, l]) => nowMs - l.atMs <= FORGET_AFTER_MS)
  kept.sort((a, b) => a[1].atMs - b[1].atMs)
  return Object.fromEntries(kept.slice(Math.max(0, kept.length - MAX_TRACKED)))
}

/** Nodes left the view: every instance they ran (by the last placement known) is lost now. */
export function nodesLost(book: FailoverBook, nodes: readonly string[], placement: Placement, nowMs: number): FailoverBook {
  if (nodes.length === 0) return book
  const gone = new Set(nodes)
  const lost = {...book.lost}
  for (const [resource, where] of Object.entries(placement)) {
    const from = where.filter((n) => gone.has(n))
    if (from.length === 0 || lost[resource]) continue
    lost[resource] = {atMs: nowMs, from, cause: 'node-lost'}
  }
  return {lost: bounded(lost, nowMs)}
}

/**
 * The DC's estimate of when lost nodes were last heard (its lostAtMs: the view
 * change less the token timeout) moves the start of their instances' losses back
 * to then, so a failover counts its detection too.
 */
export function refineLoss(book: FailoverBook, lastHeard: Readonly<Record<string, number | undefined>>): FailoverBook {
  let lost: Record<string, LostInstance> | undefined
  for (const [resource, l] of Object.entries(book.lost)) {
    if (l.cause !== 'node-lost') continue
    const heard = Math.min(...l.from.map((n) => lastHeard[n] ?? Infinity))
    if (!(heard < l.atMs)) continue
    lost ??= {...book.lost}
    lost[resource] = {...l, atMs: heard}
  }
  return lost ? {lost} : book
}

/** An operation on an instance failed on a node (monitor, start, stop). */
export function instanceFailed(book: FailoverBook, resource: string, node: string, nowMs: number): FailoverBook {
  if (book.lost[resource]) return book
  return {lost: bounded({...book.lost, [resource]: {atMs: nowMs, from: [node], cause: 'failed'}}, nowMs)}
}

/**
 * Looks at where instances run now: a lost instance active on another node is a
 * failover (returned, and forgotten); one active again where it was lost recovered
 * in place (forgotten, not counted).
 */
export function observePlacement(book: FailoverBook, placement: Placement, nowMs: number): {book: FailoverBook, failovers: Failover[]} {
  const failovers: Failover[] = []
  let lost: Record<string, LostInstance> | undefined
  for (const [resource, l] of Object.entries(book.lost)) {
    const where = placement[resource] ?? []
    if (where.length === 0) continue
    const elsewhere = where.find((n) => !l.from.includes(n))
    lost ??= {...book.lost}
    delete lost[resource]
    if (elsewhere !== undefined) failovers.push({resource, from: l.from, to: elsewhere, cause: l.cause, durationMs: Math.max(0, nowMs - l.atMs)})
  }
  return {book: lost ? {lost: bounded(lost, nowMs)} : book, failovers}
}
