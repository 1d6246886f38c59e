// Replay protection by (incarnation, sequence): per sender, the newest
// incarnation and a 64-packet sliding window of sequence numbers (the IPsec
// anti-replay scheme). Only authenticated packets may update it.

const WINDOW = 64n

interface SenderWindow {
  incarnation: number
  highest: number
  bitmap: bigint
  lastAcceptedAt: number
}

/** duplicate: a copy of a packet accepted moments ago (another link, or a replay inside the window). */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'replayed'

export class ReplayGuard {
  private readonly senders = new Map<number, SenderWindow>()
  /**
   * @param staleIncarnationMs an older incarnation is accepted again only after
   *   the newer one has been silent this long (a clock stepped back on restart).
   */
  constructor(private readonly staleIncarnationMs: number) {}

  check(sender: number, incarnation: number, seq: number, now: number): ReplayVerdict {
    const w = this.senders.get(sender)
    if (!w || incarnation > w.incarnation || (incarnation < w.incarnation && now - w.lastAcceptedAt > this.staleIncarnationMs)) {
      this.senders.set(sender, {incarnation, highest: seq, bitmap: 1n, lastAcceptedAt: now})
      return 'fresh'
    }
    if (incarnation < w.incarnation) return 'replayed'
    if (seq > w.highest) {
      const shift = BigInt(seq - w.highest)
      w.bitmap = shift >= WINDOW ? 1n : ((w.bitmap << shift) | 1n) & ((1n << WINDOW) - 1n)
      w.highest = seq
      w.lastAcceptedAt = now
      return 'fresh'
    }
    const back = BigInt(w.highest - seq)
    if (back >= WINDOW) return 'replayed'
    const bit = 1n << back
    if ((w.bitmap & bit) !== 0n) return 'duplicate'
    w.bitmap |= bit
    w.lastAcceptedAt = now
    return 'fresh'
  }
}
