/**
 * The resource guard's decisions: a dead man's switch between a node's daemon and
 * the resources it runs. Pure: the guard process (src/guard/main.ts) feeds events
 * with a monotonic `nowMs` and carries out the outputs.
 *
 * Why it exists. Without fencing, a lost node's resources are started elsewhere
 * after the safety delay (token + stop budget, counted from when the node was last
 * heard). That is only safe if a node whose daemon is killed, crashed or stalled
 * still drops its resources within that delay. The daemon cannot promise that
 * about itself; a separate, small process can: the daemon feeds it, and when the
 * feed ends (the connection closes without a release) or goes silent for longer
 * than the lease, the guard stops everything the daemon said it holds, VIPs first.
 *
 * I/O contract for the guard process:
 *  1. Feed every message of the connected daemon as an event, in order; every one
 *     of them renews the lease (`feed` carries nothing else). Feeds the daemon wrote
 *     into the feed file are fed at the latest at the deadline, before its `tick`,
 *     each dated by when it was written.
 *  2. `hold` replaces the set of held instances. The daemon sends it BEFORE it starts
 *     anything and waits for the guard's acknowledgement, so a start is never
 *     unguarded. Answer it only after this step.
 *  3. At `nextDeadline(state)` (or earlier) feed `tick`; a lease that has run out trips.
 *  4. `trip`: remove the listed VIP addresses at once, then run each instance's stop
 *     in the order given (reverse of registration: a group stops in reverse), then
 *     report what happened to the daemon, now or when one connects.
 *     `strip`: remove the listed addresses at once; nothing else (the daemon, which
 *     lost quorum, stops the instances through their agents itself).
 *  5. `exit`: the daemon released the guard cleanly and nothing is held; exit.
 *  6. A connection that closes without `release` is `disconnect` (the daemon died).
 *     A new daemon's `hello` takes the guard over; what is still held stays held
 *     until the new daemon's first `hold` (its probes find what really runs).
 */
import {assert} from '../assert.js'

/** How the guard removes a VIP without running its agent (microseconds, not a fork of a shell script). */
export interface HeldAddress {
  ip: string
  /** Prefix length, when known; else the guard looks it up on the interface. */
  prefix?: number
}

/** The command that stops one instance, resolved by the daemon (argv, never a shell). */
export interface StopCommand {
  file: string
  args: string[]
  env: Record<string, string>
  timeoutMs: number
}

export interface HeldInstance {
  id: string
  address?: HeldAddress
  /** A promotable clone's instance held Promoted: the guard demotes it first (its outcome does not matter), then stops it. */
  demote?: StopCommand
  stop: StopCommand
}

export type TripCause =
  /** The daemon's connection closed without a release: killed, crashed, OOM-killed. */
  | {kind: 'feed-ended'}
  /** Nothing from the daemon for longer than the lease: paused, stalled, or wedged. */
  | {kind: 'lease-expired', silentMs: number}
  /** The daemon released the guard while it still held something (a shutdown that could not stop it all). */
  | {kind: 'released-while-holding'}
  /** The daemon asked for everything to be dropped now (it lost quorum). */
  | {kind: 'requested', reason: string}

export interface GuardState {
  leaseMs: number
  connected: boolean
  /** When the connected daemon was last heard from. */
  lastFeedMs: number
  /** In registration order. */
  held: HeldInstance[]
  trips: number
}

export type GuardEvent =
  | {type: 'hello', nowMs: number, leaseMs: number}
  /**
   * `sentAgoMs`: how long before it was read the daemon wrote it (both on the host's
   * CLOCK_MONOTONIC). A guard that ran late reads feeds written while it was not
   * running: each renews the lease from when it was written, never from when it was
   * read, so a feed left by a daemon that has since died extends nothing.
   */
  | {type: 'feed', nowMs: number, sentAgoMs?: number}
  | {type: 'hold', nowMs: number, held: HeldInstance[]}
  | {type: 'drop', nowMs: number, reason: string}
  /** Remove the held addresses now and keep holding (the daemon stops the rest itself, e.g. on losing quorum). */
  | {type: 'strip', nowMs: number}
  | {type: 'release', nowMs: number}
  | {type: 'disconnect', nowMs: number}
  | {type: 'tick', nowMs: number}

export type GuardOutput =
  | {type: 'trip', cause: TripCause, addresses: HeldAddress[], stops: HeldInstance[]}
  | {type: 'strip', addresses: HeldAddress[]}
  | {type: 'exit'}

/** Bounds that keep a lease meaningful: shorter than one heartbeat is noise, longer than a minute is no guard. */
export const LEASE_MS_MIN = 20
export const LEASE_MS_MAX = 60_000

export function initialGuard(leaseMs: number): GuardState {
  assert(Number.isInteger(leaseMs) && leaseMs >= LEASE_MS_MIN && leaseMs <= LEASE_MS_MAX, 'guard.lease-in-bounds', () => `lease ${leaseMs} ms is outside ${LEASE_MS_MIN}..${LEASE_MS_MAX}`)
  return {leaseMs, connected: false, lastFeedMs: 0, held: [], trips: 0}
}

/** When the guard must look again: the end of the lease, while a connected daemon holds something. */
export function nextDeadline(state: GuardState): number | null {
  return state.connected && state.held.length > 0 ? state.lastFeedMs + state.leaseMs : null
}

export function stepGuard(state: GuardState, event: GuardEvent): {state: GuardState, outputs: GuardOutput[]} {
  switch (event.type) {
    case 'hello': {
      assert(Number.isInteger(event.leaseMs) && event.leaseMs >= LEASE_MS_MIN && event.leaseMs <= LEASE_MS_MAX, 'guard.lease-in-bounds', () => `lease ${event.leaseMs} ms is outside ${LEASE_MS_MIN}..${LEASE_MS_MAX}`)
      return {state: {...state, connected: true, leaseMs: event.leaseMs, lastFeedMs: event.nowMs}, outputs: []}
    }
    case 'feed':
      return {state: {...state, lastFeedMs: Math.max(state.lastFeedMs, event.nowMs - Math.max(0, event.sentAgoMs ?? 0))}, outputs: []}
    case 'hold': {
      const ids = new Set<string>()
      for (const h of event.held) {
        assert(!ids.has(h.id), 'guard.held-once', () => `instance ${h.id} held twice`)
        ids.add(h.id)
      }
      return {state: {...state, held: event.held, lastFeedMs: Math.max(state.lastFeedMs, event.nowMs)}, outputs: []}
    }
    case 'drop':
      return trip({...state, lastFeedMs: Math.max(state.lastFeedMs, event.nowMs)}, {kind: 'requested', reason: event.reason})
    case 'strip': {
      const addresses = state.held.flatMap((h) => h.address ? [h.address] : [])
      const after = {...state, lastFeedMs: Math.max(state.lastFeedMs, event.nowMs)}
      return {state: after, outputs: addresses.length > 0 ? [{type: 'strip', addresses}] : []}
    }
    case 'release': {
      const after = {...state, connected: false}
      if (state.held.length === 0) return {state: after, outputs: [{type: 'exit'}]}
      const tripped = trip(after, {kind: 'released-while-holding'})
      return {state: tripped.state, outputs: [...tripped.outputs, {type: 'exit'}]}
    }
    case 'disconnect': {
      if (!state.connected) return {state, outputs: []}
      return trip({...state, connected: false}, {kind: 'feed-ended'})
    }
    case 'tick': {
      const deadline = nextDeadline(state)
      if (deadline === null || event.nowMs < deadline) return {state, outputs: []}
      return trip(state, {kind: 'lease-expired', silentMs: event.nowMs - state.lastFeedMs})
    }
  }
}

/** Everything held goes: addresses first (they are what two holders fight over), then stops in reverse. */
function trip(state: GuardState, cause: TripCause): {state: GuardState, outputs: GuardOutput[]} {
  if (state.held.length === 0) return {state, outputs: []}
  const addresses = state.held.flatMap((h) => h.address ? [h.address] : [])
  const stops = [...state.held].reverse()
  return {state: {...state, held: [], trips: state.trips + 1}, outputs: [{type: 'trip', cause, addresses, stops}]}
}

export function describeCause(cause: TripCause): string {
  switch (cause.kind) {
    case 'feed-ended': return 'the daemon is gone (its connection closed without a release)'
    case 'lease-expired': return `the daemon was silent for ${cause.silentMs} ms (paused or stalled)`
    case 'released-while-holding': return 'the daemon shut down while it still held resources'
    case 'requested': return `the daemon asked: ${cause.reason}`
  }
}
