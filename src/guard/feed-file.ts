// Where the guard keeps its feed file (src/guard/main.ts; the daemon's side is
// src/daemon/guard-link.ts). It must be on a memory file system: a write into a
// file on disk can block in the kernel's dirty-page throttling for hundreds of
// milliseconds, and a daemon blocked there would look stalled to its guard. The run
// directory is in memory on systemd hosts (/run); where it is not, a directory in
// /dev/shm named after the run directory, so that the next guard of the same run
// directory finds (and cleans) what a killed one left, and `TestCluster.destroy`
// can remove it.
import {createHash} from 'node:crypto'
import {readSync, statfsSync, writeSync} from 'node:fs'
import {join, resolve} from 'node:path'

const TMPFS_MAGIC = 0x01021994
const RAMFS_MAGIC = 0x858458f6
const SHM = '/dev/shm'

/** The bytes of a feed: the time written twice (little-endian float64), so that a torn read shows as two different values. */
export const FEED_BYTES = 16
const written = new Float64Array(2)
const read = new Float64Array(2)
const readBytes = new Uint8Array(read.buffer)

/** The daemon's side: one pwrite of the feed's time (host CLOCK_MONOTONIC ms) at offset 0. Throws what write(2) throws. */
export function writeFeed(fd: number, atMs: number): void {
  written[0] = atMs
  written[1] = atMs
  writeSync(fd, written, 0, FEED_BYTES, 0)
}

/**
 * The guard's side: the last feed time written, or undefined when none was (a new,
 * zeroed file) or the file cannot be read. A read that overlaps a write can see a
 * mix of old and new bytes, which the two copies disagreeing reveals: read again.
 */
export function readFeed(fd: number): number | undefined {
  for (let tries = 0; tries < 4; tries++) {
    try {
      if (readSync(fd, readBytes, 0, FEED_BYTES, 0) !== FEED_BYTES) return undefined
    } catch {
      return undefined
    }
    if (read[0] === read[1]) return read[0] > 0 && Number.isFinite(read[0]) ? read[0] : undefined
  }
  return undefined
}

export function inMemory(path: string): boolean {
  try {
    const type = statfsSync(path).type
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC
  } catch {
    return false
  }
}

/** The /dev/shm directory of a run directory that is not in memory (whether or not it exists). */
export function shmFeedDir(runDir: string): string {
  return join(SHM, `hactl-guard-${createHash('sha256').update(resolve(runDir)).digest('hex').slice(0, 16)}`)
}

/** Where the guard of `runDir` puts its feed file: the run directory when in memory, else its /dev/shm directory; null: nowhere (feeds come over the socket). */
export function feedDirFor(runDir: string): string | null {
  if (inMemory(runDir)) return runDir
  return inMemory(SHM) ? shmFeedDir(runDir) : null
}
