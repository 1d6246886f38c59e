import {ConfigError} from '../core/config/errors.js'

/** Exit codes of design.md: 0 ok, 1 the operation failed, 2 usage or input error, 3 not reachable. */
export const EXIT = {ok: 0, failed: 1, usage: 2, unreachable: 3} as const

/** An error meant for the operator: one line, a stable code, an exit status. */
export class HactlError extends Error {
  readonly code: string
  readonly exitCode: number
  constructor(code: string, message: string, exitCode: number = EXIT.failed) {
    super(message)
    this.name = 'HactlError'
    this.code = code
    this.exitCode = exitCode
  }
}

/** Thrown when the command needs the cluster daemon and none answers on the socket. */
export class UnreachableError extends HactlError {
  constructor(message: string) {
    super('unreachable', message, EXIT.unreachable)
  }
}

export function inputError(message: string, code = 'invalid-argument'): HactlError {
  return new HactlError(code, message, EXIT.usage)
}

interface Normalized {code: string, message: string, exitCode: number}

/** Maps anything thrown to what the operator sees. Unknown errors are bugs and keep their stack under HACTL_DEBUG=1. */
export function normalizeError(error: unknown): Normalized {
  if (error instanceof HactlError) return {code: error.code, message: error.message, exitCode: error.exitCode}
  if (error instanceof ConfigError) return {code: error.code, message: error.message, exitCode: EXIT.usage}
  const e = error as {message?: string, code?: string, oclif?: {exit?: number}, errno?: number, path?: string}
  if (e?.oclif?.exit !== undefined) {
    // oclif's own parse errors (missing argument, unknown flag): usage errors, first line only.
    return {code: 'usage', message: oneLine(e.message ?? 'invalid usage'), exitCode: e.oclif.exit === 0 ? 0 : EXIT.usage}
  }
  if (typeof e?.code === 'string' && e.errno !== undefined) {
    return {code: e.code.toLowerCase(), message: firstLine(e.message ?? e.code), exitCode: EXIT.failed}
  }
  return {code: 'internal', message: `internal error: ${firstLine(e?.message ?? String(error))} (run with HACTL_DEBUG=1 for details)`, exitCode: EXIT.failed}
}

/** oclif's multi-line usage messages ("Missing 1 required arg:\nname  Resource id.") as one line. */
function oneLine(text: string): string {
  const lines = text.replace(/\s*Note: [\s\S]*$/, '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l !== '' && !l.startsWith('See more help'))
  return `${lines.join(' ')} (see --help)`
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('See more help')) ?? text
}
