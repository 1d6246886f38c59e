// The node's durable copy of the replicated configuration: one JSON record, replaced
// atomically (temporary file, fsync, rename, fsync of the directory). Writes are
// serialized; when several are pending only the newest is written, since every
// record is the whole document.
// Like Pacemaker's cib-N.raw, the last HISTORY_KEEP records are also kept in
// history/cib-EPOCH.json (best effort, not fsynced: they are for people, not for
// replication), for `hactl config history` and `hactl config rollback`.
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import {mkdir, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {HactlError} from '../cli/errors.js'
import {writeFileAtomic} from '../store/atomic-file.js'

export const HISTORY_DIR = 'history'
export const HISTORY_KEEP = 20
const HISTORY_FILE = /^cib-(\d+)\.json$/

/** The epoch of a stored record ({term, born, config: {epoch}}), if it has one. */
export function recordEpoch(record: unknown): number | undefined {
  const epoch = (record as {config?: {epoch?: unknown}} | null)?.config?.epoch
  return typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0 ? epoch : undefined
}

/** What a stored record must look like before anything trusts it: {term, born, config: {epoch, …}}. */
export function checkRecord(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return 'not a JSON object'
  const r = record as Record<string, unknown>
  if (typeof r.term !== 'number' || typeof r.born !== 'number') return 'no term or born number'
  if (r.config === null || typeof r.config !== 'object') return 'no configuration in it'
  if (recordEpoch(record) === undefined) return 'no configuration epoch in it'
  return undefined
}

/** The current record of a state directory cannot be used: one line naming the file and the way back. */
export class CorruptStateError extends HactlError {
  constructor(readonly path: string, readonly directory: string, why: string) {
    super('corrupt-state', `the stored configuration ${path} is corrupt (${why}); earlier ones are kept: list them with 'hactl config history --state-dir ${directory}' and, with this daemon stopped, put one back with 'hactl config rollback EPOCH --restore --state-dir ${directory}' (or move ${path} away: the node then takes the cluster's configuration when it joins)`, 1)
    this.name = 'CorruptStateError'
  }
}

export interface HistoryEntry {
  epoch: number
  path: string
  /** When this node stored it (file modification time, ms since the epoch). */
  mtimeMs: number
  size: number
}

/** The kept configurations of a state directory, oldest first. */
export async function listHistory(directory: string): Promise<HistoryEntry[]> {
  let names: string[]
  try {
    names = await readdir(join(directory, HISTORY_DIR))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const out: HistoryEntry[] = []
  for (const name of names) {
    const match = HISTORY_FILE.exec(name)
    if (!match) continue
    const path = join(directory, HISTORY_DIR, name)
    const info = await stat(path).catch(() => undefined)
    if (info) out.push({epoch: Number(match[1]), path, mtimeMs: info.mtimeMs, size: info.size})
  }
  return out.sort((a, b) => a.epoch - b.epoch)
}

export function historyPath(directory: string, epoch: number): string {
  return join(directory, HISTORY_DIR, `cib-${epoch}.json`)
}

export interface StateStoreOptions<T> {
  /** Records kept in history/ (0: none). */
  keep?: number
  /** The epoch a record is kept under; records without one are not kept. */
  epochOf?: (record: T) => number | undefined
  /** Why a loaded record cannot be used, or undefined. */
  check?: (record: unknown) => string | undefined
}

export class StateStore<T> {
  private writing: Promise<void> | undefined
  private pending: {record: T, done: Array<() => void>, failed: Array<(e: unknown) => void>} | undefined
  private readonly keep: number
  private readonly epochOf: (record: T) => number | undefined
  private readonly check: (record: unknown) => string | undefined
  /** The last error writing history/ (it never fails a save). */
  historyError: unknown

  constructor(private readonly directory: string, private readonly file = 'cib.json', options: StateStoreOptions<T> = {}) {
    this.keep = options.keep ?? HISTORY_KEEP
    this.epochOf = options.epochOf ?? recordEpoch
    this.check = options.check ?? checkRecord
  }

  get path(): string {
    return join(this.directory, this.file)
  }

  async load(): Promise<T | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new HactlError('io', `cannot read ${this.path}: ${(error as Error).message}`, 1)
    }
    let record: unknown
    try {
      record = JSON.parse(text)
    } catch (error) {
      throw new CorruptStateError(this.path, this.directory, text.trim() === '' ? 'empty' : `not JSON: ${(error as Error).message}`)
    }
    const why = this.check(record)
    if (why !== undefined) throw new CorruptStateError(this.path, this.directory, why)
    return record as T
  }

  /** Copies a committed record to history/ and forgets the oldest beyond `keep`. Best effort. */
  private async remember(record: T, text: string): Promise<void> {
    const epoch = this.epochOf(record)
    if (this.keep <= 0 || epoch === undefined) return
    try {
      const dir = join(this.directory, HISTORY_DIR)
      await mkdir(dir, {recursive: true, mode: 0o700})
      const path = historyPath(this.directory, epoch)
      const temporary = `${path}.${process.pid}.tmp`
      await writeFile(temporary, text, {mode: 0o600})
      await rename(temporary, path)
      const kept = await listHistory(this.directory)
      for (const old of kept.slice(0, Math.max(0, kept.length - this.keep))) await rm(old.path, {force: true})
    } catch (error) {
      this.historyError = error
    }
  }

  /** Resolves when nothing is being written, history included. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing
  }

  /** Resolves once this record (or a newer one) is durable. */
  save(record: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending) {
        this.pending.record = record
        this.pending.done.push(resolve)
        this.pending.failed.push(reject)
      } else this.pending = {record, done: [resolve], failed: [reject]}
      if (!this.writing) this.writing = this.flush()
    })
  }

  private async flush(): Promise<void> {
    await mkdir(this.directory, {recursive: true, mode: 0o700})
    while (this.pending) {
      const {record, done, failed} = this.pending
      this.pending = undefined
      try {
        const text = JSON.stringify(record)
        await writeFileAtomic(this.path, text, 0o600)
        for (const resolve of done) resolve()
        // After the callers have their answer: history never delays a commit.
        await this.remember(record, text)
      } catch (error) {
        for (const reject of failed) reject(error)
      }
    }
    this.writing = undefined
  }
}

/**
 * A small value made durable before the caller goes on (replication's promised
 * term, like raft's HardState): written, fsynced and renamed synchronously.
 */
export class SyncValueFile {
  constructor(private readonly directory: string, private readonly file: string) {}

  get path(): string {
    return join(this.directory, this.file)
  }

  read(): number | undefined {
    try {
      const value = Number(readFileSync(this.path, 'utf8'))
      return Number.isFinite(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  write(value: number): void {
    mkdirSync(this.directory, {recursive: true, mode: 0o700})
    const temporary = `${this.path}.tmp`
    const fd = openSync(temporary, 'w', 0o600)
    try {
      writeSync(fd, String(value))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, this.path)
    const dir = openSync(this.directory, 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
  }
}
