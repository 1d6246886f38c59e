// Fatal exits of the daemon: when its environment fails (the state directory
// cannot be written or fsynced) or one of its machines breaks an invariant, the
// daemon must not go on deciding. It logs one line naming the reason and exits
// with a status of its own per reason, so that systemd's journal and an operator
// (`systemctl status hactl`) tell them apart from an ordinary error (1) or a
// usage error (2). The codes follow sysexits(3) where one fits.
import {AssertionError} from '../core/assert.js'
import {HactlError} from '../cli/errors.js'
import type {Logger} from './logger.js'

export const FATAL_EXIT = {
  /** A pure machine broke one of its invariants (a bug; see the log line). EX_SOFTWARE. */
  'invariant': 70,
  /** A read, write or fsync of the state directory failed. EX_IOERR. */
  'state-io': 74,
  /** The node cannot choose an incarnation newer than its last one (the counter is exhausted). EX_TEMPFAIL. */
  'incarnation': 75,
} as const

export type FatalReason = keyof typeof FATAL_EXIT

/** Thrown while starting (before anything was decided); its exit code is the reason's. */
export class FatalError extends HactlError {
  readonly reason: FatalReason
  constructor(reason: FatalReason, message: string) {
    super(`fatal-${reason}`, message, FATAL_EXIT[reason])
    this.name = 'FatalError'
    this.reason = reason
  }
}

/** The fatal reason of anything thrown, or undefined when it is not fatal. */
export function fatalReasonOf(error: unknown): FatalReason | undefined {
  if (error instanceof FatalError) return error.reason
  if (error instanceof AssertionError) return 'invariant'
  return undefined
}

function oneLine(text: string): string {
  return text.split('\n')[0].trim()
}

/**
 * Logs one line and exits at once with the reason's status. Nothing else runs:
 * a daemon whose disk or state is broken stops deciding; the node's resource
 * guard drops its resources when the feed from this process ends.
 */
export function exitFatal(reason: FatalReason, error: unknown, logger?: Logger, exit: (code: number) => never = (code) => process.exit(code)): never {
  const message = oneLine(error instanceof Error ? error.message : String(error))
  const invariant = error instanceof AssertionError ? error.invariant : undefined
  if (logger) logger.log('crit', 'fatal', {reason, exit: FATAL_EXIT[reason], invariant, error: message})
  else process.stderr.write(`<2>crit fatal reason=${reason} exit=${FATAL_EXIT[reason]} error=${JSON.stringify(message)}\n`)
  if (process.env.HACTL_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  return exit(FATAL_EXIT[reason])
}
