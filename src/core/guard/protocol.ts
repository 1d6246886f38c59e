// The guard's socket protocol: one JSON object per line over a Unix stream socket
// in the run directory. Both sides validate what they read; a line that does not
// parse into a known message is dropped and counted, never acted on.
import type {HeldAddress, HeldInstance, StopCommand, TripCause} from './lease.js'
import {LEASE_MS_MAX, LEASE_MS_MIN} from './lease.js'

export const GUARD_PROTOCOL_VERSION = 1
/** A hold of every instance of a big node (1,000 resources with their environments) fits; a runaway line does not. */
export const GUARD_LINE_BYTES_MAX = 8 * 1024 * 1024

export type DaemonToGuard =
  | {t: 'hello', v: number, pid: number, leaseMs: number}
  /**
   * `at`: when the daemon wrote it, in milliseconds of the host's CLOCK_MONOTONIC (read by the shell; the same clock in every process of a host).
   * When the guard's welcome names a feed file, the daemon writes `at` there instead (two copies of it as
   * little-endian float64, 16 bytes at offset 0) and the guard reads it at each deadline; this line is for
   * guards without one.
   */
  | {t: 'feed', at?: number}
  | {t: 'hold', seq: number, held: HeldInstance[]}
  | {t: 'drop', reason: string}
  | {t: 'strip'}
  | {t: 'release'}

/** What a trip did, as the daemon learns it (at once, or when it connects). */
export interface TripReport {
  cause: TripCause
  /** Wall-clock time of the trip, for people; decisions never use it. */
  atWallMs: number
  instances: string[]
  addressesRemoved: string[]
  /** Stops that did not succeed: the resource may still be active. */
  failures: Array<{id: string, reason: string}>
  durationMs: number
}

export type GuardToDaemon =
  /** `feed`: the path of the feed file this daemon writes its feeds into (absent: feed over the socket). */
  | {t: 'welcome', v: number, held: string[], trips: TripReport[], feed?: string}
  | {t: 'held', seq: number}
  | {t: 'tripped', report: TripReport}

/**
 * The lease the daemon asks for. Safety: a lost node's resources start elsewhere no
 * earlier than token + stop budget after it was last heard, and it was last heard
 * no earlier than one heartbeat before its daemon stalled. The guard trips at most
 * one lease after the daemon's last feed (fed every heartbeat), so
 * token - 2 heartbeats leaves the stop budget plus a heartbeat for the guard to
 * remove the addresses (milliseconds). Never shorter than two heartbeats: a lease
 * that one late feed can break would trip on every hiccup.
 */
export function guardLeaseMs(tokenMs: number, heartbeatMs: number): number {
  const lease = tokenMs - 2 * heartbeatMs >= 2 * heartbeatMs ? tokenMs - 2 * heartbeatMs : Math.floor(tokenMs / 2)
  return Math.min(LEASE_MS_MAX, Math.max(LEASE_MS_MIN, lease))
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isString = (v: unknown): v is string => typeof v === 'string'
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

function parseAddress(v: unknown): HeldAddress | undefined | null {
  if (v === undefined) return undefined
  if (!isObject(v) || !isString(v.ip) || v.ip.length > 64) return null
  if (v.prefix !== undefined && !(isCount(v.prefix) && v.prefix <= 128)) return null
  return v.prefix === undefined ? {ip: v.ip} : {ip: v.ip, prefix: v.prefix}
}

function parseCommand(v: unknown): StopCommand | null {
  if (!isObject(v)) return null
  const {file, args, env, timeoutMs} = v
  if (!isString(file) || !Array.isArray(args) || !args.every(isString) || !isObject(env) || !Object.values(env).every(isString)) return null
  if (!isCount(timeoutMs) || timeoutMs === 0) return null
  const envCopy: Record<string, string> = Object.create(null)
  for (const [k, value] of Object.entries(env)) envCopy[k] = value as string
  return {file, args: [...args] as string[], env: {...envCopy}, timeoutMs}
}

function parseHeld(v: unknown): HeldInstance | null {
  if (!isObject(v) || !isString(v.id)) return null
  const stop = parseCommand(v.stop)
  if (stop === null) return null
  const demote = v.demote === undefined ? undefined : parseCommand(v.demote)
  if (demote === null) return null
  const address = parseAddress(v.address)
  if (address === null) return null
  return {id: v.id, ...(address ? {address} : {}), ...(demote ? {demote} : {}), stop}
}

/** One line from the daemon; null when it is not a valid message. */
export function parseGuardMessage(line: string): DaemonToGuard | null {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return null
  }
  if (!isObject(v) || !isString(v.t)) return null
  switch (v.t) {
    case 'hello':
      if (!isCount(v.v) || !isCount(v.pid) || !isCount(v.leaseMs) || v.leaseMs < LEASE_MS_MIN || v.leaseMs > LEASE_MS_MAX) return null
      return {t: 'hello', v: v.v, pid: v.pid, leaseMs: v.leaseMs}
    case 'feed':
      return typeof v.at === 'number' && Number.isFinite(v.at) && v.at >= 0 ? {t: 'feed', at: v.at} : {t: 'feed'}
    case 'hold': {
      if (!isCount(v.seq) || !Array.isArray(v.held)) return null
      const held = v.held.map(parseHeld)
      if (held.some((h) => h === null)) return null
      const ids = new Set(held.map((h) => h!.id))
      if (ids.size !== held.length) return null
      return {t: 'hold', seq: v.seq, held: held as HeldInstance[]}
    }
    case 'drop':
      return isString(v.reason) ? {t: 'drop', reason: v.reason.slice(0, 200)} : null
    case 'strip':
      return {t: 'strip'}
    case 'release':
      return {t: 'release'}
    default:
      return null
  }
}
