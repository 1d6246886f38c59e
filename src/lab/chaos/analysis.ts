// The chaos campaign's checker, as pure functions over what was recorded: the
// VIP's holder events (ip monitor), the rounds (fault, start, heal, end) and the
// times when a majority of nodes could reach each other. No I/O and no clock here,
// so the arithmetic is unit-tested on made-up timelines (test/chaos/analysis.test.ts).
import type {AddressEvent} from '../address-watch.js'

export interface RoundRecord {
  round: number
  /** Fault type, e.g. 'daemon-kill'; two at once are 'double'. */
  type: string
  /** What exactly, e.g. 'daemon-kill n2 (holder)'. */
  label: string
  /** For 'double': the two types. */
  parts?: string[]
  startMs: number
  healMs: number
  /** When the next round starts (or the campaign's end). */
  endMs: number
  /** The cluster was one quorate, settled view with one holder before the next round. */
  settled: boolean
}

export interface Interval {
  startMs: number
  endMs: number
}

export interface TwoHolderInterval {
  round: number
  type: string
  label: string
  nodes: number[]
  startMs: number
  durationMs: number
}

export interface NoHolderInterval {
  round: number
  type: string
  label: string
  startMs: number
  durationMs: number
}

export interface Settle {
  round: number
  type: string
  /** From the heal until exactly one node held the VIP for good (to the round's end). */
  afterHealMs: number
  /** Not one holder at the round's end. */
  unsettled: boolean
}

export interface Analysis {
  twoHolders: TwoHolderInterval[]
  noHolders: NoHolderInterval[]
  settles: Settle[]
}

/** Holder sets over time: [atMs, holders] from the initial set and the events in order. */
export function holderTimeline(initial: Iterable<number>, events: readonly AddressEvent[], fromMs: number): Array<{atMs: number, holders: number[]}> {
  const holding = new Set(initial)
  const out = [{atMs: fromMs, holders: [...holding].sort((a, b) => a - b)}]
  for (const event of events) {
    if (event.atMs < fromMs) continue
    const had = holding.has(event.node)
    if (event.added) holding.add(event.node)
    else holding.delete(event.node)
    if (had === holding.has(event.node)) continue
    out.push({atMs: event.atMs, holders: [...holding].sort((a, b) => a - b)})
  }
  return out
}

/** Intervals, within [fromMs, toMs], where the holder count passes the test. */
export function intervalsWhere(timeline: Array<{atMs: number, holders: number[]}>, toMs: number, test: (holders: number[]) => boolean): Array<Interval & {holders: number[]}> {
  const out: Array<Interval & {holders: number[]}> = []
  let open: (Interval & {holders: number[]}) | undefined
  for (let i = 0; i < timeline.length; i++) {
    const {atMs, holders} = timeline[i]
    if (atMs > toMs) break
    if (test(holders)) {
      if (!open) open = {startMs: atMs, endMs: toMs, holders: [...holders]}
      else for (const h of holders) if (!open.holders.includes(h)) open.holders.push(h)
    } else if (open) {
      open.endMs = atMs
      out.push(open)
      open = undefined
    }
  }
  if (open) out.push(open)
  return out
}

/** The intersection of two sorted lists of disjoint intervals. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const startMs = Math.max(a[i].startMs, b[j].startMs)
    const endMs = Math.min(a[i].endMs, b[j].endMs)
    if (startMs < endMs) out.push({startMs, endMs})
    if (a[i].endMs < b[j].endMs) i++
    else j++
  }
  return out
}

/** Intervals from a list of [atMs, value] changes (value true = inside). */
export function intervalsOf(changes: ReadonlyArray<{atMs: number, value: boolean}>, toMs: number): Interval[] {
  const out: Interval[] = []
  let start: number | undefined
  for (const {atMs, value} of changes) {
    if (value && start === undefined) start = atMs
    if (!value && start !== undefined) {
      if (atMs > start) out.push({startMs: start, endMs: atMs})
      start = undefined
    }
  }
  if (start !== undefined && toMs > start) out.push({startMs: start, endMs: toMs})
  return out
}

function roundAt(rounds: readonly RoundRecord[], atMs: number): RoundRecord | undefined {
  return rounds.find((r) => atMs >= r.startMs && atMs < r.endMs)
}

/**
 * Two-holder intervals (two or more nodes hold the VIP), no-holder intervals while
 * a majority could reach each other, and the time from each heal to one holder.
 * Everything before the first round (setup) is ignored; intervals are attributed to
 * the round in which they begin.
 */
export function analyse(input: {
  initialHolders: Iterable<number>
  events: readonly AddressEvent[]
  rounds: readonly RoundRecord[]
  majority: ReadonlyArray<{atMs: number, value: boolean}>
}): Analysis {
  const {rounds} = input
  if (rounds.length === 0) return {twoHolders: [], noHolders: [], settles: []}
  const fromMs = rounds[0].startMs
  const toMs = rounds.at(-1)!.endMs
  // The holder set at the first round's start: the initial set advanced by earlier events.
  const before = holderTimeline(input.initialHolders, input.events.filter((e) => e.atMs < fromMs), -Infinity).at(-1)!.holders
  const timeline = holderTimeline(before, input.events, fromMs)
  const attribute = (startMs: number) => {
    const round = roundAt(rounds, startMs)
    return {round: round?.round ?? 0, type: round?.type ?? 'setup', label: round?.label ?? 'setup'}
  }
  const twoHolders = intervalsWhere(timeline, toMs, (h) => h.length >= 2)
    .map((i) => ({...attribute(i.startMs), nodes: i.holders, startMs: i.startMs, durationMs: Math.round(i.endMs - i.startMs)}))
  const nobody = intervalsWhere(timeline, toMs, (h) => h.length === 0)
  const noHolders = intersect(nobody, intervalsOf(input.majority, toMs))
    .map((i) => ({...attribute(i.startMs), startMs: i.startMs, durationMs: Math.round(i.endMs - i.startMs)}))
  const settles = rounds.map((r) => {
    const notOne = intervalsWhere(timeline, r.endMs, (h) => h.length !== 1).filter((i) => i.endMs > r.healMs)
    const last = notOne.at(-1)
    const unsettled = last !== undefined && last.endMs >= r.endMs
    return {round: r.round, type: r.type, afterHealMs: last ? Math.round(Math.max(0, Math.min(last.endMs, r.endMs) - r.healMs)) : 0, unsettled}
  })
  return {twoHolders, noHolders, settles}
}

/**
 * Can a majority of the nodes reach each other? Nodes are up (daemon running and
 * answering, not paused, host on) or not; links are cut one way (`from>to`) or a
 * node's port is down. Loss does not cut. Brute force over subsets: n <= 16.
 */
export function majorityConnected(nodes: number, up: ReadonlySet<number>, cuts: ReadonlySet<string>, portDown: ReadonlySet<number>): boolean {
  const alive = Array.from({length: nodes}, (_, i) => i + 1).filter((n) => up.has(n) && !portDown.has(n))
  const need = Math.floor(nodes / 2) + 1
  if (alive.length < need) return false
  const connected = (a: number, b: number) => !cuts.has(`${a}>${b}`) && !cuts.has(`${b}>${a}`)
  for (let mask = 0; mask < 1 << alive.length; mask++) {
    const set = alive.filter((_, i) => mask & (1 << i))
    if (set.length < need) continue
    if (set.every((a, i) => set.slice(i + 1).every((b) => connected(a, b)))) return true
  }
  return false
}
