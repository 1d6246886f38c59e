// A piece of asynchronous work (a save of a whole file) that callers may ask for
// at any rate: it runs now, or once more after the run in progress, never twice at
// once, and asks made during a run collapse into that one rerun.
export class Coalesced {
  private running: Promise<void> | undefined
  private again = false

  constructor(private readonly work: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        await this.work()
      } while (this.again)
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  /** Resolves once nothing is running (for shutdown). */
  async idle(): Promise<void> {
    await this.running
  }
}
