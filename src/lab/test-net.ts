// A reusable test host harness: N "hosts" as network namespaces on one machine,
// wired to a switch that lives in its own namespace (design.md, "Test hosts").
//
//   const net = await TestNet.create({nodes: 3, links: 1})
//   net.ns(1)              -> 'hactl-<run>-n1'
//   net.addr(1, 0)         -> '10.213.0.1' (node 1 on link 0)
//   await net.exec(1, ['ip', 'addr'])            run to completion in node 1
//   const child = net.spawn(1, ['node', ...])    a long-running process (own process group)
//   await net.setLinkUp(2, 0, false)             unplug node 2's link 0 at the switch
//   await net.setLoss(20)                        20 % loss on every port (or setLoss(20, [1, 2]))
//   await net.cut(1, 2)                          one-way: node 1's packets no longer reach node 2
//   await net.partition([1], [2, 3])             symmetric partition
//   await net.heal()                             no loss, no cuts
//   await net.signalHost(2, 'SIGSTOP')           every process of host 2 (ip netns pids)
//   await net.powerOff(2); await net.boot(2)     a host crashes (processes, addresses, link) and boots
//   await net.destroy()                          kills processes, deletes namespaces (idempotent)
//
// Faults are nftables rules in the switch namespace (bridge family, forward
// hook: they see the ingress and egress port of every copy, multicast included);
// this kernel has no tc netem. Every TestNet is destroyed on process exit,
// SIGINT and SIGTERM as well. Needs root, iproute2 and nftables.
import {execa, type ResultPromise} from 'execa'
import {randomBytes} from 'node:crypto'

export interface TestNetOptions {
  nodes: number
  links?: number
  /** Unique per run; random by default. */
  run?: string
}

const live = new Set<TestNet>()
let hooked = false

function hookCleanup(): void {
  if (hooked) return
  hooked = true
  const sync = () => {
    for (const net of live) net.destroySync()
  }
  process.once('exit', sync)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      sync()
      process.exit(130)
    })
  }
}

export async function netnsAvailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root'
  for (const tool of ['ip', 'nft']) {
    try {
      await execa(tool, ['-V'])
    } catch {
      return `needs ${tool === 'ip' ? 'iproute2' : 'nftables'}`
    }
  }
  return undefined
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

export class TestNet {
  readonly run: string
  readonly nodes: number
  readonly links: number
  private readonly children = new Set<ResultPromise>()
  private loss = new Map<number, number>()
  private cuts = new Set<string>()
  private destroyed = false

  private constructor(options: TestNetOptions) {
    this.run = options.run ?? randomBytes(3).toString('hex')
    this.nodes = options.nodes
    this.links = options.links ?? 1
  }

  static async create(options: TestNetOptions): Promise<TestNet> {
    if (options.nodes < 1 || options.nodes > 200) throw new RangeError('nodes must be 1..200')
    const net = new TestNet(options)
    live.add(net)
    hookCleanup()
    try {
      await net.build()
    } catch (error) {
      await net.destroy()
      throw error
    }
    return net
  }

  get sw(): string {
    return `hactl-${this.run}-sw`
  }

  ns(node: number): string {
    return `hactl-${this.run}-n${node}`
  }

  addr(node: number, link = 0): string {
    return `10.213.${link}.${node}`
  }

  /** The switch-side interface of a node's link. */
  port(node: number, link = 0): string {
    return `p${node}l${link}`
  }

  private async ip(ns: string, args: string[]): Promise<void> {
    await execa('ip', ['-n', ns, ...args])
  }

  private async build(): Promise<void> {
    await execa('ip', ['netns', 'add', this.sw])
    await this.ip(this.sw, ['link', 'set', 'lo', 'up'])
    for (let link = 0; link < this.links; link++) {
      await this.ip(this.sw, ['link', 'add', `br${link}`, 'type', 'bridge', 'mcast_snooping', '0'])
      await this.ip(this.sw, ['link', 'set', `br${link}`, 'up'])
    }
    for (let node = 1; node <= this.nodes; node++) {
      const ns = this.ns(node)
      await execa('ip', ['netns', 'add', ns])
      await this.ip(ns, ['link', 'set', 'lo', 'up'])
      for (let link = 0; link < this.links; link++) {
        const port = this.port(node, link)
        await this.ip(this.sw, ['link', 'add', port, 'type', 'veth', 'peer', 'name', `eth${link}`, 'netns', ns])
        await this.ip(this.sw, ['link', 'set', port, 'master', `br${link}`])
        await this.ip(this.sw, ['link', 'set', port, 'up'])
        await this.ip(ns, ['addr', 'add', `${this.addr(node, link)}/24`, 'dev', `eth${link}`])
        await this.ip(ns, ['link', 'set', `eth${link}`, 'up'])
      }
      await this.ip(ns, ['route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
    }
    await this.applyRules()
  }

  /** Runs a command inside a node's namespace (or the switch's with node 'sw') and waits for it. */
  exec(node: number | 'sw', argv: string[], options: {input?: string, reject?: boolean} = {}) {
    const ns = node === 'sw' ? this.sw : this.ns(node)
    return execa('ip', ['netns', 'exec', ns, ...argv], {input: options.input, reject: options.reject ?? true})
  }

  /** Starts a long-running process inside a node's namespace, in its own process group. */
  spawn(node: number, argv: string[], options: {env?: Record<string, string>} = {}): ResultPromise {
    const child = execa('ip', ['netns', 'exec', this.ns(node), ...argv], {detached: true, reject: false, buffer: false, env: options.env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe'})
    this.children.add(child)
    void child.finally(() => this.children.delete(child)).catch(() => {})
    return child
  }

  /** Every process whose network namespace is this node's (`ip netns pids`): the daemon, its agents, anything it left behind. */
  async pids(node: number | 'sw'): Promise<number[]> {
    const result = await execa('ip', ['netns', 'pids', node === 'sw' ? this.sw : this.ns(node)], {reject: false})
    return String(result.stdout).split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid !== process.pid)
  }

  /** Sends a signal to every process of a host; returns the processes signalled. */
  async signalHost(node: number, signal: NodeJS.Signals): Promise<number[]> {
    const pids = await this.pids(node)
    for (const pid of pids) signalPid(pid, signal)
    return pids
  }

  /**
   * A host crashes: every process in its namespace is killed (and gone), its
   * addresses are flushed and its links are unplugged at the switch, in that order.
   * What the tests' fence agent (test/fence/fence_netns) does, from this process.
   */
  async powerOff(node: number, timeoutMs = 10_000): Promise<void> {
    // A host that loses power has no processes, no addresses and no link at the same
    // instant: kill everything, then at once take its addresses and ports away, and
    // only then wait for the killed processes to be reaped (which can take a while on
    // a busy machine, and must not look like the host still holding its addresses).
    await this.signalHost(node, 'SIGKILL')
    await this.ip(this.ns(node), ['addr', 'flush', 'scope', 'global'])
    for (let link = 0; link < this.links; link++) await this.setLinkUp(node, link, false)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const pids = await this.signalHost(node, 'SIGKILL')
      if (pids.length === 0) break
      if (Date.now() > deadline) throw new Error(`host n${node}: processes ${pids.join(' ')} still there ${timeoutMs} ms after SIGKILL`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    // Anything a dying process added meanwhile goes too.
    await this.ip(this.ns(node), ['addr', 'flush', 'scope', 'global'])
  }

  /** A host boots (after powerOff or a fence): its addresses and multicast route are back, its links plugged in. */
  async boot(node: number): Promise<void> {
    const ns = this.ns(node)
    for (let link = 0; link < this.links; link++) {
      await this.ip(ns, ['addr', 'replace', `${this.addr(node, link)}/24`, 'dev', `eth${link}`])
      await this.ip(ns, ['link', 'set', `eth${link}`, 'up'])
      await this.setLinkUp(node, link, true)
    }
    await this.ip(ns, ['route', 'replace', '224.0.0.0/4', 'dev', 'eth0'])
  }

  /** SIGKILL to the whole process group of a spawned child. */
  kill(child: ResultPromise, signal: NodeJS.Signals = 'SIGKILL'): void {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }

  async setLinkUp(node: number, link: number, up: boolean): Promise<void> {
    await this.ip(this.sw, ['link', 'set', this.port(node, link), up ? 'up' : 'down'])
  }

  /** Random loss, percent, on packets leaving the switch toward these nodes (all by default). */
  async setLoss(percent: number, nodes?: number[]): Promise<void> {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError('loss must be an integer percent')
    for (const node of nodes ?? this.allNodes()) this.loss.set(node, percent)
    await this.applyRules()
  }

  /** One-way cut: packets from `from` no longer reach `to`. */
  async cut(from: number, to: number): Promise<void> {
    this.cuts.add(`${from}>${to}`)
    await this.applyRules()
  }

  async partition(a: number[], b: number[]): Promise<void> {
    for (const x of a) for (const y of b) {
      this.cuts.add(`${x}>${y}`)
      this.cuts.add(`${y}>${x}`)
    }
    await this.applyRules()
  }

  async heal(): Promise<void> {
    this.loss.clear()
    this.cuts.clear()
    await this.applyRules()
    for (let node = 1; node <= this.nodes; node++) for (let link = 0; link < this.links; link++) await this.setLinkUp(node, link, true)
  }

  private allNodes(): number[] {
    return Array.from({length: this.nodes}, (_, i) => i + 1)
  }

  private async applyRules(): Promise<void> {
    const rules: string[] = []
    for (let link = 0; link < this.links; link++) {
      for (const cut of this.cuts) {
        const [from, to] = cut.split('>').map(Number)
        rules.push(`iifname "${this.port(from, link)}" oifname "${this.port(to, link)}" drop`)
      }
      for (const [node, percent] of this.loss) if (percent > 0) rules.push(`oifname "${this.port(node, link)}" numgen random mod 100 < ${percent} drop`)
    }
    const script = [
      'table bridge hactl', 'delete table bridge hactl',
      'table bridge hactl {', '  chain faults {', '    type filter hook forward priority 0; policy accept;', ...rules.map((r) => `    ${r}`), '  }', '}',
    ].join('\n')
    await execa('ip', ['netns', 'exec', this.sw, 'nft', '-f', '-'], {input: `${script}\n`})
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return
    for (const child of this.children) this.kill(child)
    // Deleting a namespace does not end its processes: a process started in its own
    // session (a resource guard) would outlive the test.
    for (let node = 1; node <= this.nodes; node++) await this.signalHost(node, 'SIGKILL')
    for (const pid of await this.pids('sw')) signalPid(pid, 'SIGKILL')
    await Promise.allSettled([...this.children])
    for (let node = 1; node <= this.nodes; node++) await execa('ip', ['netns', 'del', this.ns(node)], {reject: false})
    await execa('ip', ['netns', 'del', this.sw], {reject: false})
    this.destroyed = true
    live.delete(this)
  }

  /** For exit handlers, where nothing asynchronous runs any more. */
  destroySync(): void {
    if (this.destroyed) return
    for (const child of this.children) this.kill(child)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const {spawnSync} = process.getBuiltinModule('node:child_process') as typeof import('node:child_process')
    for (const ns of [...this.allNodes().map((n) => this.ns(n)), this.sw]) {
      const listed = spawnSync('ip', ['netns', 'pids', ns], {encoding: 'utf8'})
      for (const pid of String(listed.stdout ?? '').split(/\s+/).filter(Boolean).map(Number)) if (pid !== process.pid) signalPid(pid, 'SIGKILL')
    }
    for (let node = 1; node <= this.nodes; node++) spawnSync('ip', ['netns', 'del', this.ns(node)])
    spawnSync('ip', ['netns', 'del', this.sw])
    this.destroyed = true
    live.delete(this)
  }
}
