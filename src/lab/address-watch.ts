import {execa, type ResultPromise} from 'execa'

export interface AddressEvent {node: number, added: boolean, atMs: number}

/**
 * Follows `ip monitor address` and records when an address appears or
 * disappears, in wall-clock milliseconds: exact times of failover without polling.
 *
 * By default one monitor runs inside each namespace, so it dies with the host when
 * the host is powered off or fenced (every process of the namespace is killed).
 * `AddressWatch.observe` runs a single monitor in an observer namespace (the
 * switch) that hears every node's namespace through its nsid (`ip monitor
 * all-nsid`): it survives power-offs, fencing and host pauses, sees every event in
 * one order, and takes the kernel's time of each event from `ip -ts`.
 */
export class AddressWatch {
  readonly events: AddressEvent[] = []
  /** Nodes holding the address now, as far as the events tell (seeded by `observe`). */
  readonly holding = new Set<number>()
  private readonly monitors: ResultPromise[]
  private readonly waiters: Array<{test: (e: AddressEvent) => boolean, resolve: (e: AddressEvent) => void}> = []
  private listeners: Array<(e: AddressEvent) => void> = []

  constructor(namespaces: Map<number, string>, private readonly ip: string, observer?: {ns: string, nodeOfNsid: Map<number, number>}) {
    if (observer) {
      this.monitors = [this.follow(['-ts', '-n', observer.ns, 'monitor', 'address', 'all-nsid'], (line) => {
        const match = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?\] \[nsid (\d+)\](.*)$/.exec(line)
        if (!match) return undefined
        const node = observer.nodeOfNsid.get(Number(match[3]))
        if (node === undefined) return undefined
        const atMs = Date.parse(`${match[1]}Z`) + (match[2] ? Number(match[2]) * 1000 : 0)
        return {node, added: !match[4].startsWith('Deleted'), atMs}
      })]
    } else {
      this.monitors = [...namespaces].map(([node, ns]) => this.follow(['-n', ns, 'monitor', 'address'],
        (line) => ({node, added: !line.startsWith('Deleted'), atMs: Date.now()})))
    }
  }

  /**
   * One monitor in the observer namespace for all nodes, seeded with who holds the
   * address now. The node namespaces must have an nsid in the observer's (a veth
   * between them gives one).
   */
  static async observe(observerNs: string, namespaces: Map<number, string>, ip: string): Promise<AddressWatch> {
    const listed = await execa('ip', ['-n', observerNs, 'netns', 'list-id'])
    const nodeOfNsid = new Map<number, number>()
    for (const line of String(listed.stdout).split('\n')) {
      const match = /^nsid (\d+) \(iproute2 netns name: (\S+)\)/.exec(line)
      const node = match ? [...namespaces].find(([, ns]) => ns === match[2])?.[0] : undefined
      if (match && node !== undefined) nodeOfNsid.set(Number(match[1]), node)
    }
    const missing = [...namespaces].filter(([node]) => ![...nodeOfNsid.values()].includes(node))
    if (missing.length > 0) throw new Error(`no nsid in ${observerNs} for ${missing.map(([, ns]) => ns).join(', ')}`)
    const watch = new AddressWatch(namespaces, ip, {ns: observerNs, nodeOfNsid})
    await watch.ready()
    for (const [node, ns] of namespaces) {
      const shown = await execa('ip', ['-n', ns, '-o', 'addr', 'show'], {reject: false})
      if (String(shown.stdout).split('\n').some((l) => l.includes(` ${ip}/`))) watch.holding.add(node)
    }
    return watch
  }

  /** Gives `ip monitor` time to subscribe before the caller acts. */
  async ready(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200))
  }

  /** The next event (from now on) that passes the test. */
  next(test: (e: AddressEvent) => boolean): Promise<AddressEvent> {
    return new Promise((resolve) => this.waiters.push({test, resolve}))
  }

  /** Calls back on every event from now on. */
  onEvent(listener: (e: AddressEvent) => void): void {
    this.listeners.push(listener)
  }

  stop(): void {
    for (const monitor of this.monitors) monitor.kill('SIGKILL')
    this.listeners = []
  }

  private follow(args: string[], parse: (line: string) => AddressEvent | undefined): ResultPromise {
    const monitor = execa('ip', args, {buffer: false, reject: false, env: {TZ: 'UTC'}})
    let partial = ''
    monitor.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n')
      partial = lines.pop()!
      for (const line of lines) {
        if (!line.includes(`inet ${this.ip}/`) && !line.includes(`inet6 ${this.ip}/`)) continue
        const event = parse(line)
        if (event) this.record(event)
      }
    })
    return monitor
  }

  private record(event: AddressEvent): void {
    this.events.push(event)
    if (event.added) this.holding.add(event.node)
    else this.holding.delete(event.node)
    for (const listener of this.listeners) listener(event)
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(event)) continue
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      waiter.resolve(event)
    }
  }
}
