// The simulation's only source of randomness (src/core/random.ts), so one seed
// replays one run exactly.
import {seededRandom, type Random} from '../../../src/core/random.js'

export class Prng {
  private readonly source: Random
  constructor(seed: number) {
    this.source = seededRandom(seed)
  }

  /** A float in [0, 1). */
  next(): number {
    return this.source.next()
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }
}
