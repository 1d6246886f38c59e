// One timer for the whole daemon. Each state machine says when it next needs
// time to pass (its deadline, on the monotonic clock); the scheduler keeps one
// deadline per machine and arms a single timer for the earliest. A timer that
// fires early (the event loop's clock and the monotonic clock differ by rounding)
// simply re-arms.
import type {MonotonicClock} from './clock.js'

export class DeadlineScheduler {
  private readonly deadlines = new Map<string, {atMs: number, run: () => void}>()
  private timer: NodeJS.Timeout | undefined
  private armedAtMs = Infinity
  private stopped = false

  constructor(private readonly clock: MonotonicClock) {}

  /** Sets (or clears, with null) the deadline of `name`; `run` is called once when it has come. */
  set(name: string, atMs: number | null, run: () => void): void {
    if (atMs === null) this.deadlines.delete(name)
    else this.deadlines.set(name, {atMs, run})
    this.arm()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.deadlines.clear()
  }

  private arm(): void {
    if (this.stopped) return
    let earliest = Infinity
    for (const d of this.deadlines.values()) earliest = Math.min(earliest, d.atMs)
    if (earliest === this.armedAtMs) return
    clearTimeout(this.timer)
    this.armedAtMs = earliest
    if (earliest === Infinity) return
    this.timer = setTimeout(() => this.fire(), Math.max(0, earliest - this.clock.now()))
  }

  private fire(): void {
    this.armedAtMs = Infinity
    const now = this.clock.now()
    for (const [name, d] of [...this.deadlines]) {
      if (d.atMs > now || this.stopped) continue
      // A run may set a new deadline for its own name: delete first.
      if (this.deadlines.get(name) === d) this.deadlines.delete(name)
      d.run()
    }
    this.arm()
  }
}
