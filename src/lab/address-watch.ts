import {execa, type ResultPromise} from 'execa'

export interface AddressEvent {node: number, added: boolean, atMs: number}

/**
 * Follows `ip monitor address` in some namespaces and records when an address
 * appears or disappears, in wall-clock milliseconds: exact times of failover
 * without polling. Processes inside a namespace die with it when it is fenced.
 */
export class AddressWatch {
  readonly events: AddressEvent[] = []
  private readonly monitors: ResultPromise[]
  private readonly waiters: Array<{test: (e: AddressEvent) => boolean, resolve: (e: AddressEvent) => void}> = []

  constructor(namespaces: Map<number, string>, private readonly ip: string) {
    this.monitors = [...namespaces].map(([node, ns]) => {
      const monitor = execa('ip', ['-n', ns, 'monitor', 'address'], {buffer: false, reject: false})
      monitor.stdout?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (line.includes(`inet ${this.ip}/`) || line.includes(`inet6 ${this.ip}/`)) this.record({node, added: !line.startsWith('Deleted'), atMs: Date.now()})
        }
      })
      return monitor
    })
  }

  /** Gives `ip monitor` time to subscribe before the caller acts. */
  async ready(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200))
  }

  /** The next event (from now on) that passes the test. */
  next(test: (e: AddressEvent) => boolean): Promise<AddressEvent> {
    return new Promise((resolve) => this.waiters.push({test, resolve}))
  }

  stop(): void {
    for (const monitor of this.monitors) monitor.kill('SIGKILL')
  }

  private record(event: AddressEvent): void {
    this.events.push(event)
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(event)) continue
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      waiter.resolve(event)
    }
  }
}
