// Runs member-process.ts on every node of a TestNet and follows their JSON lines.
import {randomBytes} from 'node:crypto'
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import type {ResultPromise} from 'execa'
import {buildBootstrap} from '../../src/core/config/bootstrap.js'
import type {BootstrapConfig, Transport} from '../../src/core/config/bootstrap-types.js'
import type {TestNet} from '../lib/netns.js'

export interface Line {type: string, node?: number, t: number, wall: number, [key: string]: unknown}

export interface MemberView {viewId: number, phase: string, quorate: boolean, dc: number | null, members: Array<{id: number}>, wall: number}

export class MemberCluster {
  readonly lines = new Map<number, Line[]>()
  readonly children = new Map<number, ResultPromise>()
  private waiters: Array<() => void> = []
  dir = ''
  configPath = ''
  keyPath = ''
  config!: BootstrapConfig

  constructor(readonly net: TestNet, readonly members: number[], readonly options: {transport?: Transport, links?: number, token?: number, heartbeat?: number, stateDirs?: boolean} = {}) {}

  async setup(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'hactl-member-'))
    this.keyPath = join(this.dir, 'authkey')
    await writeFile(this.keyPath, randomBytes(128), {mode: 0o400})
    await chmod(this.keyPath, 0o400)
    const links = this.options.links ?? 1
    this.config = buildBootstrap({
      name: `t${this.net.run}`, transport: this.options.transport ?? 'udp', authkeyFile: this.keyPath,
      nodes: this.members.map((id) => ({name: `node${id}`, id, addrs: Array.from({length: links}, (_, l) => this.net.addr(id, l))})),
      token: this.options.token, heartbeat: this.options.heartbeat, twoNode: false,
    })
    this.configPath = join(this.dir, 'cluster.json')
    await writeFile(this.configPath, JSON.stringify(this.config, null, 2))
  }

  start(node: number): void {
    const state = this.options.stateDirs ? ['--state-dir', join(this.dir, `state-${node}`)] : []
    const child = this.net.spawn(node, ['node', '--import', 'tsx', 'test/netns/member-process.ts', '--config', this.configPath, '--node', String(node), ...state])
    this.children.set(node, child)
    const lines = this.lines.get(node) ?? []
    this.lines.set(node, lines)
    createInterface({input: child.stdout!}).on('line', (text) => {
      try {
        lines.push(JSON.parse(text) as Line)
      } catch {
        lines.push({type: 'text', t: 0, wall: Date.now(), text})
      }
      for (const w of this.waiters.splice(0)) w()
    })
    child.stderr!.on('data', (d: Buffer) => process.env.HACTL_DEBUG && process.stderr.write(`[node ${node}] ${d}`))
  }

  startAll(): void {
    for (const id of this.members) this.start(id)
  }

  kill(node: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    const child = this.children.get(node)
    if (child) this.net.kill(child, signal)
    if (signal === 'SIGKILL') this.children.delete(node)
  }

  lastView(node: number): MemberView | undefined {
    const views = (this.lines.get(node) ?? []).filter((l) => l.type === 'view')
    return views.at(-1) as unknown as MemberView | undefined
  }

  /** Waits until predicate holds, re-checking on every line; rejects after timeoutMs. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate()) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last views: ${JSON.stringify(this.members.map((id) => [id, this.lastView(id)?.viewId, this.lastView(id)?.phase, this.lastView(id)?.members.map((m) => m.id), this.lastView(id)?.quorate]))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** All listed nodes usable in one view with exactly `members`, with the given quorum. */
  agreed(nodes: number[], members: number[], quorate: boolean): boolean {
    const views = nodes.map((n) => this.lastView(n))
    if (views.some((v) => !v || v.phase !== 'usable' || v.quorate !== quorate)) return false
    const id = views[0]!.viewId
    return views.every((v) => v!.viewId === id && v!.members.map((m) => m.id).join(',') === members.join(','))
  }

  async snapshot(node: number): Promise<Record<string, any>> {
    const before = (this.lines.get(node) ?? []).filter((l) => l.type === 'snapshot').length
    this.kill(node, 'SIGUSR2')
    await this.waitFor(`snapshot of node ${node}`, () => (this.lines.get(node) ?? []).filter((l) => l.type === 'snapshot').length > before, 5000)
    return (this.lines.get(node) ?? []).filter((l) => l.type === 'snapshot').at(-1)!
  }

  async stop(): Promise<void> {
    for (const node of [...this.children.keys()]) this.kill(node)
    await Promise.allSettled([...this.children.values()])
    if (this.dir) await rm(this.dir, {recursive: true, force: true})
  }
}
