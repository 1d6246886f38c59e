// The node's incarnations, kept in the state directory:
//   incarnation             this node's last incarnation (a decimal number)
//   peer-incarnations.json  the highest incarnation seen from each peer ({"2": 123, ...})
// Both are replaced atomically and fsynced before they are relied on: a node's
// own incarnation is durable before its first packet carries it, so a restart
// is always newer even when the wall clock stepped back; a peer's is durable
// before a packet of it is acted on, so a restarted receiver still refuses a
// recording of that peer's earlier run. Failures are FatalError("state-io").
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {MAX_INCARNATION, nextIncarnation} from '../core/wire/replay.js'
import {FatalError} from './fatal.js'

export const INCARNATION_FILE = 'incarnation'
export const PEER_INCARNATIONS_FILE = 'peer-incarnations.json'

/** Test seam: the file operations that can fail (fsync above all). */
export interface SyncFs {
  fsync(fd: number): void
}

const realFs: SyncFs = {fsync: fsyncSync}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new FatalError('state-io', `cannot read ${path}: ${(error as Error).message}`)
  }
}

function writeDurably(directory: string, file: string, text: string, fs: SyncFs): void {
  const path = join(directory, file)
  const temporary = `${path}.tmp`
  try {
    mkdirSync(directory, {recursive: true, mode: 0o700})
    const fd = openSync(temporary, 'w', 0o600)
    try {
      writeSync(fd, text)
      fs.fsync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
    const dir = openSync(directory, 'r')
    try {
      fs.fsync(dir)
    } finally {
      closeSync(dir)
    }
  } catch (error) {
    rmSync(temporary, {force: true})
    throw new FatalError('state-io', `cannot write ${path} durably: ${(error as Error).message}`)
  }
}

function isIncarnation(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INCARNATION
}

export class IncarnationStore {
  private readonly peers = new Map<number, number>()

  constructor(private readonly directory: string, private readonly fs: SyncFs = realFs) {}

  /**
   * Chooses this process's incarnation, max(last + 1, wall-clock based), and makes
   * it durable before returning it. Throws FatalError when the state directory
   * fails or the counter is exhausted.
   */
  claim(wallClockMs: number): number {
    const path = join(this.directory, INCARNATION_FILE)
    const text = readText(path)
    let previous: number | undefined
    if (text !== undefined) {
      const value = Number(text.trim())
      if (text.trim() === '' || !isIncarnation(value)) throw new FatalError('state-io', `${path} holds ${JSON.stringify(text.slice(0, 40))}, not an incarnation: remove the file if the state directory was damaged`)
      previous = value
    }
    const next = nextIncarnation(previous, wallClockMs)
    if (next === undefined) throw new FatalError('incarnation', `the incarnation counter in ${path} is exhausted (${previous})`)
    writeDurably(this.directory, INCARNATION_FILE, String(next), this.fs)
    return next
  }

  /** The highest incarnation seen per peer in earlier runs. A damaged file is reported and ignored (returns the reason). */
  loadPeers(): {peers: Map<number, number>, problem?: string} {
    const path = join(this.directory, PEER_INCARNATIONS_FILE)
    const text = readText(path)
    this.peers.clear()
    if (text === undefined) return {peers: new Map()}
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return {peers: new Map(), problem: `${path} is not JSON; starting without it`}
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {peers: new Map(), problem: `${path} is not an object; starting without it`}
    for (const [key, value] of Object.entries(parsed)) {
      const id = Number(key)
      if (/^[0-9]{1,5}$/.test(key) && id <= 0xffff && isIncarnation(value)) this.peers.set(id, value)
    }
    return {peers: new Map(this.peers)}
  }

  /** Records that a peer's incarnation reached `incarnation`; durable on return. No-op when not newer. */
  recordPeer(id: number, incarnation: number): void {
    if ((this.peers.get(id) ?? -1) >= incarnation) return
    const next = new Map(this.peers).set(id, incarnation)
    const record: Record<string, number> = {}
    for (const [peer, inc] of [...next].sort(([a], [b]) => a - b)) record[String(peer)] = inc
    writeDurably(this.directory, PEER_INCARNATIONS_FILE, `${JSON.stringify(record)}\n`, this.fs)
    this.peers.set(id, incarnation)
  }
}
