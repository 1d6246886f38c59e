// A real hactl cluster for tests, the demo and benchmarks: one daemon per
// network namespace (test/lib/netns.ts), each with its own config, state and run
// directories, all sharing one cluster.json and authkey made by the real CLI.
//
//   const cluster = await TestCluster.create({nodes: 3})
//   await cluster.startAll(); await cluster.waitQuorate()
//   await cluster.cli(1, ['resource', 'add', 'vip', 'ip1', '--ip', '10.213.0.100', '--cidr', '24'])
//   await cluster.holders('10.213.0.100')   -> [2]
//   cluster.kill(2, 'SIGKILL'); await cluster.destroy()
import {execa, type ResultPromise} from 'execa'
import {rmSync} from 'node:fs'
import {copyFile, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {callDaemon} from '../client/client.js'
import {AddressWatch} from './address-watch.js'
import {TestNet} from './test-net.js'
import {DAEMON_NODE_FLAGS} from '../daemon/node-flags.js'
import {shmFeedDir} from '../guard/feed-file.js'

/** The CLI of this installation (the daemons and the demo run it). */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface TestClusterOptions {
  nodes: number
  /** Extra `hactl cluster setup` flags, e.g. ['--token', '300']. */
  setup?: string[]
  /** Extra environment of the daemons. */
  env?: Record<string, string>
  /** Hosts (namespaces) on the bridge, at least `nodes`: the others run no daemon (clients). */
  hosts?: number
}

/** Directories of clusters not yet destroyed (and their guards' /dev/shm directories): removed on exit too (Ctrl-C ends in process.exit). */
const liveDirs = new Set<string>()
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, {recursive: true, force: true})
})

export class TestCluster {
  readonly daemons = new Map<number, ResultPromise>()
  readonly logs = new Map<number, string[]>()

  private constructor(readonly net: TestNet, readonly dir: string, private readonly options: TestClusterOptions) {}

  /** Hosts (namespaces) of the cluster: its nodes and the spare hosts a test may start a node on. */
  private get hostCount(): number {
    return Math.max(this.options.nodes, this.options.hosts ?? 0)
  }

  /** The /dev/shm directories the guards of this cluster's hosts use when their run directory is not in memory. */
  private shmFeedDirs(): string[] {
    return Array.from({length: this.hostCount}, (_, i) => shmFeedDir(this.runDir(i + 1)))
  }

  static async create(options: TestClusterOptions): Promise<TestCluster> {
    const net = await TestNet.create({nodes: Math.max(options.nodes, options.hosts ?? 0)})
    const dir = await mkdtemp(join(tmpdir(), `hactl-${net.run}-`))
    const cluster = new TestCluster(net, dir, options)
    liveDirs.add(dir)
    for (const shm of cluster.shmFeedDirs()) liveDirs.add(shm)
    try {
      await cluster.configure()
    } catch (error) {
      await cluster.destroy()
      throw error
    }
    return cluster
  }

  configDir(node: number): string {
    return join(this.dir, `n${node}`, 'etc')
  }

  runDir(node: number): string {
    return join(this.dir, `n${node}`, 'run')
  }

  stateDir(node: number): string {
    return join(this.dir, `n${node}`, 'state')
  }

  name(node: number): string {
    return `n${node}`
  }

  /** `hactl resource add agent …` of the fence device that powers this cluster's nodes off (fence_netns: their switch ports down). */
  fenceDeviceArgs(id = 'fence-all'): string[] {
    return ['resource', 'add', 'agent', id, 'fence:fence_netns', `ns_prefix=hactl-${this.net.run}-`, `switch=${this.net.sw}`]
  }

  private async configure(): Promise<void> {
    const nodes = Array.from({length: this.options.nodes}, (_, i) => `n${i + 1}=${this.net.addr(i + 1)}`)
    const setup = await execa(process.execPath, [BIN, 'cluster', 'setup', `t${this.net.run}`, ...nodes, '--config-dir', this.configDir(1), ...(this.options.setup ?? [])], {reject: false})
    if (setup.exitCode !== 0) throw new Error(`cluster setup failed: ${setup.stderr}`)
    for (let node = 2; node <= this.options.nodes; node++) {
      await mkdir(this.configDir(node), {recursive: true})
      await copyFile(join(this.configDir(1), 'cluster.json'), join(this.configDir(node), 'cluster.json'))
      await copyFile(join(this.configDir(1), 'authkey'), join(this.configDir(node), 'authkey'))
    }
    // Every node's cluster.json names its own key path.
    for (let node = 2; node <= this.options.nodes; node++) {
      const path = join(this.configDir(node), 'cluster.json')
      const config = JSON.parse(await readFile(path, 'utf8'))
      config.authkey_file = join(this.configDir(node), 'authkey')
      await writeFile(path, JSON.stringify(config, null, 2))
    }
  }

  start(node: number): ResultPromise {
    const child = this.net.spawn(node, [process.execPath, ...DAEMON_NODE_FLAGS, BIN, 'daemon', '--node', this.name(node),
      '--config-dir', this.configDir(node), '--state-dir', this.stateDir(node), '--run-dir', this.runDir(node)],
    {env: {HACTL_LOG_LEVEL: 'info', ...this.options.env}})
    const log = this.logs.get(node) ?? []
    this.logs.set(node, log)
    let partial = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      partial += chunk.toString()
      const lines = partial.split('\n')
      partial = lines.pop()!
      for (const line of lines) log.push(`${Date.now()} ${line}`)
      if (log.length > 5000) log.splice(0, log.length - 5000)
    })
    this.daemons.set(node, child)
    return child
  }

  async startAll(): Promise<void> {
    for (let node = 1; node <= this.options.nodes; node++) this.start(node)
    for (let node = 1; node <= this.options.nodes; node++) await this.waitFor(() => this.answers(node), 15_000, `daemon n${node} answers`)
  }

  private async answers(node: number): Promise<boolean> {
    return (await this.status(node)) !== undefined
  }

  /** Runs the real CLI against a node's daemon (over its socket). */
  async cli(node: number, args: string[]): Promise<{exitCode: number, stdout: string, stderr: string, json: any}> {
    const result = await execa(process.execPath, [BIN, ...args, '--run-dir', this.runDir(node)], {reject: false, env: {HACTL_CONFIG_DIR: this.configDir(node)}})
    let json: unknown
    try {
      json = JSON.parse(String(result.stdout))
    } catch {
      json = undefined
    }
    return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), json}
  }

  /**
   * A node's status, asked over its socket from this process: polling through the
   * CLI would start a Node process every few milliseconds and starve the daemons
   * on a 2-core machine. The CLI itself is exercised by every other call.
   */
  async status(node: number): Promise<any> {
    try {
      return await callDaemon(this.runDir(node), 'status', {})
    } catch {
      return undefined
    }
  }

  /** Follows an address appearing and disappearing in these nodes' namespaces (ip monitor). */
  watchAddress(ip: string, nodes: number[]): AddressWatch {
    return new AddressWatch(new Map(nodes.map((n) => [n, this.net.ns(n)])), ip)
  }

  /** Nodes (numbers) whose namespace holds the address. */
  async holders(ip: string): Promise<number[]> {
    const out: number[] = []
    for (let node = 1; node <= this.hostCount; node++) {
      const result = await execa('ip', ['-n', this.net.ns(node), '-o', 'addr', 'show'], {reject: false})
      if (String(result.stdout).split('\n').some((l) => l.includes(` ${ip}/`))) out.push(node)
    }
    return out
  }

  async waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (await check()) return
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}\n${this.tail()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Every live daemon agrees on one quorate view with a DC. */
  async waitQuorate(nodes?: number[], timeoutMs = 15_000): Promise<void> {
    const which = nodes ?? [...this.daemons.keys()]
    await this.waitFor(async () => {
      const seen = await Promise.all(which.map((n) => this.status(n)))
      return seen.every((s) => s?.quorate && s.dc !== null && s.viewId === seen[0].viewId && s.settled)
    }, timeoutMs, `nodes ${which.join(',')} quorate and settled`)
  }

  kill(node: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    const child = this.daemons.get(node)
    if (child) this.net.kill(child, signal)
    if (signal === 'SIGKILL') this.daemons.delete(node)
  }

  /** SIGTERM and wait for the clean shutdown. */
  async stop(node: number, timeoutMs = 30_000): Promise<void> {
    const child = this.daemons.get(node)
    if (!child) return
    this.net.kill(child, 'SIGTERM')
    await Promise.race([child, new Promise((resolve) => setTimeout(resolve, timeoutMs))])
    this.daemons.delete(node)
  }

  /** The last log lines of every node, for failure messages. */
  tail(lines = 25): string {
    return [...this.logs.entries()].map(([node, log]) => `--- n${node}\n${log.slice(-lines).join('\n')}`).join('\n')
  }

  async destroy(): Promise<void> {
    for (const node of [...this.daemons.keys()]) this.kill(node, 'SIGKILL')
    await this.net.destroy()
    // The guards die with the namespaces; where the run directory is not in memory their feed files were in /dev/shm.
    for (const shm of this.shmFeedDirs()) {
      await rm(shm, {recursive: true, force: true})
      liveDirs.delete(shm)
    }
    await rm(this.dir, {recursive: true, force: true})
    liveDirs.delete(this.dir)
  }
}
