// Runs one agent process: argv only (execa, never a shell), in its own process
// group so a timeout or a cancel kills the agent together with its children,
// with stdout/stderr kept up to a bound.

import {execa} from 'execa'
import type {Clock} from './clock.js'

export interface SpawnSpec {
  file: string
  args: string[]
  env: Record<string, string>
  timeoutMs: number
  /** Between SIGTERM and SIGKILL of the process group. */
  killGraceMs: number
  outputLimitBytes: number
  signal?: AbortSignal
  clock: Clock
}

export interface ProcessOutcome {
  kind: 'exited' | 'timeout' | 'cancelled' | 'spawn-error'
  exitCode: number | null
  /** Signal that ended the agent, if any (SIGKILL after a timeout, or one from outside). */
  signal: string | null
  /** errno code of a failed spawn (ENOENT, EACCES). */
  errorCode?: string
  stdout: string
  stderr: string
  stdoutTruncated: boolean
  stderrTruncated: boolean
}

/** After the agent exits, how long its output pipes may stay open (a background child may hold them). */
const PIPE_DRAIN_MS = 100

export async function runProcess(spec: SpawnSpec): Promise<ProcessOutcome> {
  if (spec.signal?.aborted) return emptyOutcome('cancelled')
  const child = execa(spec.file, spec.args, {
    env: spec.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  })
  // The outcome comes from the events below; the promise would also wait for pipes held by grandchildren.
  child.catch(() => {})
  const stdout = new BoundedSink(spec.outputLimitBytes)
  const stderr = new BoundedSink(spec.outputLimitBytes)
  child.stdout?.on('data', (chunk: Buffer) => stdout.add(chunk))
  child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk))

  return new Promise<ProcessOutcome>((resolve) => {
    let ending: 'timeout' | 'cancelled' | null = null
    let killTimer: unknown
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, sig)
      } catch {
        // ESRCH: the whole group is already gone.
      }
    }
    const end = (why: 'timeout' | 'cancelled'): void => {
      if (ending !== null) return
      ending = why
      killGroup('SIGTERM')
      killTimer = spec.clock.setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs)
    }
    const timeoutTimer = spec.clock.setTimeout(() => end('timeout'), spec.timeoutMs)
    const onAbort = (): void => end('cancelled')
    spec.signal?.addEventListener('abort', onAbort, {once: true})
    const finish = (outcome: Omit<ProcessOutcome, 'stdout' | 'stderr' | 'stdoutTruncated' | 'stderrTruncated'>): void => {
      spec.clock.clearTimeout(timeoutTimer)
      if (killTimer !== undefined) spec.clock.clearTimeout(killTimer)
      spec.signal?.removeEventListener('abort', onAbort)
      void drain(child.stdout, child.stderr).then(() => {
        resolve({...outcome, stdout: stdout.text(), stderr: stderr.text(), stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated})
      })
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return
      finish({kind: 'spawn-error', exitCode: null, signal: null, errorCode: error.code ?? 'EUNKNOWN'})
    })
    child.once('exit', (code, sig) => {
      // A killed agent's children die with it, even those that ignored SIGTERM.
      if (ending !== null) killGroup('SIGKILL')
      finish({kind: ending ?? 'exited', exitCode: code, signal: sig})
    })
  })
}

function emptyOutcome(kind: ProcessOutcome['kind']): ProcessOutcome {
  return {kind, exitCode: null, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false}
}

async function drain(...streams: Array<NodeJS.ReadableStream | null | undefined>): Promise<void> {
  const open = streams.filter((s): s is NodeJS.ReadableStream & {readableEnded?: boolean, destroy?: () => void} => s != null)
  await Promise.race([
    Promise.all(open.map(async (s) => {
      if (s.readableEnded) return
      await new Promise<void>((resolve) => {
        s.once('end', resolve)
        s.once('close', resolve)
      })
    })),
    new Promise<void>((resolve) => {
      setTimeout(resolve, PIPE_DRAIN_MS).unref()
    }),
  ])
  for (const s of open) s.destroy?.()
}

/** Keeps the first `limit` bytes and counts the rest. */
class BoundedSink {
  private readonly chunks: Buffer[] = []
  private size = 0
  truncated = false
  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.size
    if (room <= 0) {
      this.truncated = true
      return
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
    if (kept !== chunk) this.truncated = true
    this.chunks.push(kept)
    this.size += kept.length
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}
