import {Command, Flags, type Interfaces} from '@oclif/core'
import {EXIT, normalizeError} from './errors.js'

/** The one JSON envelope of every --json result. */
export type Envelope<T> = {status: 'ok', result: T} | {status: 'error', error: {code: string, message: string}}

/**
 * Base of every hactl command: one JSON envelope, one-line errors with
 * design.md's exit codes, and never a stack trace unless HACTL_DEBUG=1.
 */
export abstract class HactlCommand<T> extends Command {
  static override enableJsonFlag = true

  protected override toSuccessJson(result: T): Envelope<T> {
    return {status: 'ok', result}
  }

  protected override toErrorJson(error: unknown): Envelope<T> {
    const {code, message} = normalizeError(error)
    return {status: 'error', error: {code, message}}
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    const normalized = normalizeError(error)
    if (normalized.exitCode === 0) throw error
    if (process.env.HACTL_DEBUG === '1') process.stderr.write(`${error.stack ?? error}\n`)
    if (this.jsonEnabled()) this.logJson(this.toErrorJson(error))
    else process.stderr.write(`hactl: ${normalized.message}\n`)
    process.exitCode = normalized.exitCode
    return this.exit(normalized.exitCode)
  }

  /** Prints text only when --json is off. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }
}

export {EXIT, Flags}
