// Time and randomness are injected into the executor so recurring schedules
// can be tested without waiting; these are the real ones.

export interface Clock {
  /** Milliseconds since the epoch, monotonic within the process. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/** A random source: a float in [0, 1). */
export type RandomSource = () => number
