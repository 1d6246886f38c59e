import {Command, Flags, type Interfaces} from '@oclif/core'
import {EXIT, normalizeError} from './errors.js'
import {closest} from './suggest.js'

/** The one JSON envelope of every --json result. */
export type Envelope<T> = {status: 'ok', result: T} | {status: 'error', error: {code: string, message: string}}

/**
 * Base of every hactl command: one JSON envelope, one-line errors with
 * design.md's exit codes, and never a stack trace unless HACTL_DEBUG=1.
 */
export abstract class HactlCommand<T> extends Command {
  static override enableJsonFlag = true

  /**
   * oclif 4's parser returns argv sorted by each word's FIRST place in the command
   * line, so a repeated word moves next to its first copy: `op monitor timeout=20s
   * op start timeout=20s` gave the monitor both timeouts, `a eq 1 or b eq 2` lost
   * its shape. The parse's raw tokens keep the order: argv is rebuilt from them.
   */
  protected override async parse<F extends Interfaces.OutputFlags<any>, B extends Interfaces.OutputFlags<any>, A extends Interfaces.OutputArgs<any>>(options?: Interfaces.Input<F, B, A>, argv?: string[]): Promise<Interfaces.ParserOutput<F, B, A>> {
    const result = await super.parse(options, argv)
    const words = result.raw.flatMap((t) => t.type === 'arg' ? [t.input] : [])
    const rest = result.argv.filter((a) => typeof a === 'string' && !words.includes(a) && a !== '--')
    const ordered = [...words, ...rest, ...(result.argv.includes('--') && !words.includes('--') ? ['--'] : [])]
    // Only when the words are the same multiset (nothing parsed into another value).
    const same = ordered.length === result.argv.length && [...ordered].sort().join('\0') === [...(result.argv as string[])].sort().join('\0')
    return same ? {...result, argv: ordered} : result
  }

  protected override toSuccessJson(result: T): Envelope<T> {
    return {status: 'ok', result}
  }

  protected override toErrorJson(error: unknown): Envelope<T> {
    const {code, message} = normalizeError(error)
    return {status: 'error', error: {code, message}}
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    const normalized = this.withFlagSuggestion(normalizeError(error))
    if (normalized.exitCode === 0) throw error
    if (process.env.HACTL_DEBUG === '1') process.stderr.write(`${error.stack ?? error}\n`)
    if (this.jsonEnabled()) this.logJson({status: 'error', error: {code: normalized.code, message: normalized.message}})
    else process.stderr.write(`hactl: ${normalized.message}\n`)
    process.exitCode = normalized.exitCode
    return this.exit(normalized.exitCode)
  }

  /** "Nonexistent flag: --jsn" gets "; did you mean --json?" from this command's flags. */
  private withFlagSuggestion<N extends {code: string, message: string}>(normalized: N): N {
    const match = /^Nonexistent flags?: (--?[\w-]+)/.exec(normalized.message)
    if (normalized.code !== 'usage' || !match) return normalized
    const names = [...Object.keys(this.ctor.flags ?? {}), 'help', ...(this.ctor.enableJsonFlag ? ['json'] : [])]
    const suggestion = closest(match[1].replace(/^--?/, ''), names)
    if (!suggestion) return normalized
    return {...normalized, message: normalized.message.replace(/ \(see --help\)$/, '') + `; did you mean --${suggestion}? (see --help)`}
  }

  /** Prints text only when --json is off. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }
}

export {EXIT, Flags}
