// The node's durable copy of the replicated configuration: one JSON record, replaced
// atomically (temporary file, fsync, rename, fsync of the directory). Writes are
// serialized; when several are pending only the newest is written, since every
// record is the whole document.
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../store/atomic-file.js'

export class StateStore<T> {
  private writing: Promise<void> | undefined
  private pending: {record: T, done: Array<() => void>, failed: Array<(e: unknown) => void>} | undefined

  constructor(private readonly directory: string, private readonly file = 'cib.json') {}

  get path(): string {
    return join(this.directory, this.file)
  }

  async load(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new Error(`cannot read ${this.path}: ${(error as Error).message}`)
    }
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
        await writeFileAtomic(this.path, JSON.stringify(record), 0o600)
        for (const resolve of done) resolve()
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
