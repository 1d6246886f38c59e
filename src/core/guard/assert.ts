/** A broken invariant of the guard's machine: a programming error, never bad input (the shell validates input first). */
export class GuardInvariantError extends Error {
  constructor(invariant: string) {
    super(`guard invariant broken: ${invariant}`)
    this.name = 'GuardInvariantError'
  }
}

export function assertGuard(condition: boolean, invariant: string): asserts condition {
  if (!condition) throw new GuardInvariantError(invariant)
}
