// The daemon's clocks. Every decision safety rests on — when a node was last
// heard, a lost node's lostAtMs, the safety delay, the no-quorum stop's wait,
// leases, retries — is taken on the monotonic clock: a wall-clock step (NTP,
// an operator's `date -s`) never shortens or lengthens a delay. The wall clock
// is read only at the edge, to show a time to a person (status "Last updated",
// when a failure happened).
import {performance} from 'node:perf_hooks'

export interface MonotonicClock {
  /**
   * Integer milliseconds that never go back and never jump with the wall clock.
   * Only differences mean something; values of two processes are not comparable.
   */
  now(): number
  /** Wall-clock milliseconds since the epoch: for display only. */
  wallNow(): number
}

/**
 * The process's monotonic clock: performance.now() (CLOCK_MONOTONIC), offset by
 * the wall time at process start so that figures in logs read like dates. The
 * offset is fixed at start: a later wall-clock step does not move it.
 */
export const systemClock: MonotonicClock = {
  now: () => Math.floor(performance.timeOrigin + performance.now()),
  wallNow: () => Date.now(),
}

/**
 * The host's CLOCK_MONOTONIC in ms, the same in every process of the host (unlike
 * performance.now(), whose origin is per process): the daemon dates its guard feeds
 * with it, the guard compares. process.hrtime() rather than hrtime.bigint(): a feed is
 * written every heartbeat, and a BigInt per feed is an allocation the idle path avoids.
 */
export function hostMonotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime()
  return seconds * 1000 + nanoseconds / 1e6
}

/** A clock moved by hand (tests, the simulator); its wall clock may be stepped apart from it. */
export class ManualClock implements MonotonicClock {
  private wallOffsetMs: number
  constructor(private monoMs = 0, wallStartMs = 1_700_000_000_000) {
    this.wallOffsetMs = wallStartMs - monoMs
  }

  now(): number {
    return this.monoMs
  }

  wallNow(): number {
    return this.monoMs + this.wallOffsetMs
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error(`a monotonic clock does not go back (advance ${ms})`)
    this.monoMs += ms
  }

  /** NTP or an operator stepped the wall clock: the monotonic clock does not move. */
  stepWall(ms: number): void {
    this.wallOffsetMs += ms
  }
}

/** A monotonic time of this process shown as a wall-clock time (at the edge only). */
export function wallTimeOf(clock: MonotonicClock, monoMs: number): number {
  return clock.wallNow() - (clock.now() - monoMs)
}
