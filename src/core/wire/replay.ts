// Replay protection by (incarnation, sequence): per sender, the newest
// incarnation and a 64-packet sliding window of sequence numbers (the IPsec
// anti-replay scheme). Only authenticated packets may update it.
//
// An incarnation older than the newest one seen from a sender is refused for
// good, however long the sender has been silent: a node's incarnation grows
// across its restarts even when its clock steps back (it persists its last one,
// src/daemon/incarnation.ts), so an older incarnation is always a recording.
// The highest incarnation per sender can be handed in at construction (a
// receiver's memory of an earlier run), so a restarted receiver refuses older
// incarnations too. Within the sender's current incarnation a restarted
// receiver has no window yet: it accepts that incarnation's packets from the
// first one it sees (it cannot tell a recording of it from the live sender).
import {assert} from '../assert.js'

const WINDOW = 64n
const SLOTS = 64

interface SenderWindow {
  incarnation: number
  highest: number
  bitmap: bigint
  /** When each sequence number of the window was accepted, by seq mod 64. */
  acceptedAt: number[]
}

/**
 * duplicate: a second copy of a packet accepted within duplicateMs (the same
 * datagram over another link): proof that the sender is heard on that link.
 * replayed: an older incarnation, a sequence number below the window, or a copy
 * of a packet accepted longer ago than duplicateMs.
 */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'replayed'

export class ReplayGuard {
  private readonly senders = new Map<number, SenderWindow>()
  private readonly floors: Map<number, number>

  /**
   * @param duplicateMs a copy of an accepted packet is a duplicate (link evidence)
   *   for this long after the first copy, and a replay afterwards.
   * @param known the highest incarnation seen per sender in an earlier run; older ones are refused.
   */
  constructor(private readonly duplicateMs: number, known: ReadonlyMap<number, number> = new Map()) {
    this.floors = new Map(known)
  }

  /** The highest incarnation accepted (or known) from a sender. */
  incarnationOf(sender: number): number | undefined {
    return this.senders.get(sender)?.incarnation ?? this.floors.get(sender)
  }

  check(sender: number, incarnation: number, seq: number, now: number): ReplayVerdict {
    const w = this.senders.get(sender)
    const floor = w?.incarnation ?? this.floors.get(sender) ?? -1
    if (incarnation < floor) return 'replayed'
    if (!w || incarnation > w.incarnation) {
      assert(incarnation >= floor, 'replay.incarnation-grows', () => `sender ${sender}: ${incarnation} after ${floor}`)
      const acceptedAt = new Array<number>(SLOTS).fill(-Infinity)
      acceptedAt[seq % SLOTS] = now
      this.senders.set(sender, {incarnation, highest: seq, bitmap: 1n, acceptedAt})
      return 'fresh'
    }
    if (seq > w.highest) {
      const shift = BigInt(seq - w.highest)
      w.bitmap = shift >= WINDOW ? 1n : ((w.bitmap << shift) | 1n) & ((1n << WINDOW) - 1n)
      w.highest = seq
      w.acceptedAt[seq % SLOTS] = now
      return 'fresh'
    }
    const back = BigInt(w.highest - seq)
    if (back >= WINDOW) return 'replayed'
    const bit = 1n << back
    if ((w.bitmap & bit) !== 0n) return now - w.acceptedAt[seq % SLOTS] <= this.duplicateMs ? 'duplicate' : 'replayed'
    w.bitmap |= bit
    w.acceptedAt[seq % SLOTS] = now
    return 'fresh'
  }

  /** A copy of the state, for tests (a rejected packet must not change it). */
  snapshot(): string {
    const senders = [...this.senders].sort(([a], [b]) => a - b).map(([id, w]) => [id, w.incarnation, w.highest, w.bitmap.toString(16), w.acceptedAt.join(',')])
    return JSON.stringify({senders, floors: [...this.floors].sort(([a], [b]) => a - b)})
  }
}

/** Largest incarnation the 4-byte header field holds. */
export const MAX_INCARNATION = 0xffffffff

/**
 * The incarnation of a process that starts now: newer than the last one this
 * node used (persisted) and, when the clock is right, close to wall time (0.1 s
 * steps since 2024, so a node that lost its state directory still starts newer).
 * Returns undefined when the counter is exhausted.
 */
export function nextIncarnation(previous: number | undefined, wallClockMs: number): number | undefined {
  const fromClock = Math.max(0, Math.floor((wallClockMs - Date_UTC_2024) / 100))
  const next = Math.max(previous === undefined ? 0 : previous + 1, fromClock, 1)
  if (next > MAX_INCARNATION) return undefined
  assert(previous === undefined || next > previous, 'incarnation.grows')
  return next
}

/** Date.UTC(2024, 0, 1), written out: the core does not read the clock. */
const Date_UTC_2024 = 1_704_067_200_000
