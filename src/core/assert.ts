// Invariants of the pure machines. A broken invariant is a bug, never bad input:
// input is checked and dropped (counted) before it reaches a machine. assert()
// throws an AssertionError naming the invariant; the daemon treats it as fatal
// (src/daemon/fatal.ts, reason "invariant"): a machine whose state broke a rule
// must not go on deciding, and the node's resources are the guard's to drop.

export class AssertionError extends Error {
  /** A stable name of the invariant, e.g. "membership.view-id-grows". */
  readonly invariant: string
  constructor(invariant: string, detail?: string) {
    super(detail === undefined ? `invariant ${invariant} broken` : `invariant ${invariant} broken: ${detail}`)
    this.name = 'AssertionError'
    this.invariant = invariant
  }
}

/**
 * Throws AssertionError(invariant) when cond is false. `detail` may be a
 * function so that a message is only built when the invariant breaks.
 */
export function assert(cond: unknown, invariant: string, detail?: string | (() => string)): asserts cond {
  if (cond) return
  throw new AssertionError(invariant, typeof detail === 'function' ? detail() : detail)
}
