// The fault campaign on real hosts (issue 10, item 6): real daemons in network
// namespaces, a VIP grouped with a dummy resource, one random fault per round held
// for a while and then healed, a checker that follows every node's addresses with
// `ip monitor` from the switch's namespace, and a writer that changes the
// configuration through the CLI and checks at the end that every acknowledged
// change is on every node. `npm run chaos` (scripts/chaos.ts) and test/chaos run it.
import {execa} from 'execa'
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {callDaemon} from '../../client/client.js'
import {seededRandom, type Random} from '../../core/random.js'
import {AddressWatch} from '../address-watch.js'
import {BIN, TestCluster} from '../lab-cluster.js'
import {analyse, majorityConnected, type Analysis, type RoundRecord} from './analysis.js'
import {planRound, type Fault, type FaultType, type Role, type RoundPlan} from './faults.js'

export const VIP = '10.213.0.100'
/** The tests' fence agent (fence_netns), used as the cluster's fence device with `fence`. */
export const FENCE_DIR = fileURLToPath(new URL('../../../test/fence', import.meta.url))

export interface CampaignOptions {
  nodes: number
  rounds: number
  seed: number
  /** A fence device (fence_netns) and stonith-enabled=true. */
  fence: boolean
  /** Fault types to draw from. */
  faults: readonly FaultType[]
  /** Take the fault types in order instead of at random (the short test covers each). */
  cycle: boolean
  /** Cap on a fault's hold, ms (8000 = the issue's 1-8 s). */
  maxHoldMs: number
  /** How long to wait after a heal for one quorate, settled view with one holder. */
  settleTimeoutMs: number
  /** Where the summary, the events and the daemons' logs go. */
  outDir?: string
  say: (line: string) => void
}

export interface WriteRecord {
  seq: number
  round: number
  /** Node whose socket the write went to. */
  via: number
  key: string
  value: string
  acknowledged: boolean
  exitCode: number | null
  /** Sent through the daemon client at the instant of a DC kill (dc-kill-write), not the CLI. */
  direct: boolean
  /** Why it was not acknowledged: the CLI's error line, or 'timed out'. */
  error?: string
}

export interface TypeFigures {
  rounds: number
  twoHolderIntervals: number
  twoHolderMaxMs: number
  noHolderMaxMs: number
  settleAfterHealMaxMs: number
  unsettledRounds: number
}

export interface CampaignSummary {
  run: string
  nodes: number
  rounds: number
  seed: number
  fence: boolean
  faults: readonly FaultType[]
  maxHoldMs: number
  timing: unknown
  perType: Record<string, TypeFigures>
  twoHolderIntervals: Analysis['twoHolders']
  /** Counted against the promise (host pauses excluded without fencing). */
  twoHolderCounted: number
  /** Two-holder intervals of whole-host pauses without fencing: only fencing makes those safe. */
  twoHolderExcluded: number
  noHolderMaxMs: number
  settleAfterHealMaxMs: number
  unsettledRounds: number
  writes: {issued: number, acknowledged: number, lost: number, lostKeys: Array<{key: string, missingOn: number[]}>, unreadNodes: number[]}
  daemonExits: string[]
  outDir: string | undefined
}

interface NodeState {
  hostOn: boolean
  /** The daemon process runs (it may be paused or still starting). */
  running: boolean
  /** The daemon answers on its socket since its last start. */
  answering: boolean
  daemonPaused: boolean
  hostPaused: boolean
  portDown: boolean
  /** The daemon was killed or stopped on purpose: its exit is no surprise. */
  expectExit: boolean
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([promise.catch(() => undefined), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export class Campaign {
  readonly rounds: RoundRecord[] = []
  readonly writes: WriteRecord[] = []
  readonly majority: Array<{atMs: number, value: boolean}> = []
  readonly daemonExits: string[] = []
  private readonly state = new Map<number, NodeState>()
  private readonly cuts = new Set<string>()
  private watch!: AddressWatch
  private initialHolders: number[] = []
  private currentRound = 0
  private writing = false
  private writer?: Promise<void>
  private writeSeq = 0
  private readonly plans: Random
  private readonly runtime: Random
  private readonly writes_: Random

  private constructor(readonly cluster: TestCluster, readonly options: CampaignOptions) {
    this.plans = seededRandom(options.seed)
    this.runtime = seededRandom(options.seed ^ 0x2545f491)
    this.writes_ = seededRandom(options.seed ^ 0x6a09e667)
  }

  static async run(options: CampaignOptions): Promise<CampaignSummary> {
    const cluster = await TestCluster.create({nodes: options.nodes, env: {HACTL_FENCE_PATH: FENCE_DIR, HACTL_LOG_LEVEL: 'info'}})
    const campaign = new Campaign(cluster, options)
    try {
      return await campaign.execute()
    } finally {
      await campaign.saveLogs().catch(() => {})
      campaign.watch?.stop()
      await cluster.destroy()
    }
  }

  private get nodes(): number[] {
    return Array.from({length: this.options.nodes}, (_, i) => i + 1)
  }

  private say(line: string): void {
    this.options.say(line)
  }

  private async execute(): Promise<CampaignSummary> {
    const {cluster, options} = this
    this.say(`chaos: run ${cluster.net.run}, ${options.nodes} nodes, ${options.rounds} rounds, seed ${options.seed}, ${options.fence ? 'fencing (fence_netns)' : 'defaults (no fencing)'}, faults ${options.faults.join(',')}`)
    for (const node of this.nodes) this.state.set(node, {hostOn: true, running: false, answering: false, daemonPaused: false, hostPaused: false, portDown: false, expectExit: false})
    for (const node of this.nodes) this.startDaemon(node)
    await cluster.waitFor(() => this.nodes.every((n) => this.state.get(n)!.answering), 30_000, 'every daemon answers')
    await this.waitSettled(60_000)
    await this.configure()
    const timing = await execa(process.execPath, [BIN, 'cluster', 'timing', '--json', '--config-dir', cluster.configDir(1)], {reject: false})
    this.watch = await AddressWatch.observe(cluster.net.sw, new Map(this.nodes.map((n) => [n, cluster.net.ns(n)])), VIP)
    if (!(await this.waitSettled(60_000))) throw new Error(`the cluster did not settle with one holder of ${VIP}\n${cluster.tail()}`)
    this.initialHolders = [...this.watch.holding]
    this.noteMajority()
    this.writing = true
    this.writer = this.writeLoop()
    for (let round = 1; round <= options.rounds; round++) await this.round(round)
    this.writing = false
    await this.writer
    const endMs = Date.now()
    const last = this.rounds.at(-1)
    if (last) last.endMs = Math.max(last.endMs, endMs)
    this.say('final: waiting for one settled view, then reading every node\'s configuration')
    await this.reviveDead()
    await this.waitSettled(60_000)
    const writes = await this.checkWrites()
    return this.summarise(writes, JSON.parse(String(timing.stdout || 'null'))?.result ?? null)
  }

  private async configure(): Promise<void> {
    const steps: string[][] = []
    if (this.options.fence) {
      steps.push(this.cluster.fenceDeviceArgs())
      steps.push(['property', 'set', 'stonith-enabled=true'])
    }
    steps.push(['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--group', 'g', '--op', 'monitor interval=2s timeout=5s'])
    steps.push(['resource', 'add', 'agent', 'app', 'ocf:hactl:dummy', '--group', 'g', '--op', 'monitor interval=2s timeout=5s'])
    for (const args of steps) {
      const result = await this.cluster.cli(1, args)
      if (result.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: exit ${result.exitCode}: ${result.stderr}`)
    }
  }

  // --- the model of who is up and who reaches whom (for availability) -------------

  private noteMajority(): void {
    const up = new Set(this.nodes.filter((n) => {
      const s = this.state.get(n)!
      return s.hostOn && s.running && s.answering && !s.daemonPaused && !s.hostPaused
    }))
    const portDown = new Set(this.nodes.filter((n) => this.state.get(n)!.portDown))
    const value = majorityConnected(this.options.nodes, up, this.cuts, portDown)
    if (this.majority.at(-1)?.value !== value) this.majority.push({atMs: Date.now(), value})
  }

  // --- daemons and hosts ------------------------------------------------------------

  private startDaemon(node: number): void {
    const s = this.state.get(node)!
    const child = this.cluster.start(node)
    Object.assign(s, {running: true, answering: false, daemonPaused: false, expectExit: false})
    void child.then((result) => {
      if (this.cluster.daemons.get(node) !== child) return
      this.cluster.daemons.delete(node)
      s.running = false
      s.answering = false
      this.noteMajority()
      if (s.expectExit) return
      const round = this.currentRound
      // The fence agent flushes the addresses once the processes are gone: look a moment later.
      void sleep(1000).then(() => this.hostIsOn(node)).then((on) => {
        // A fence device flushes the host's addresses: then the exit is a fence, not a crash.
        const line = `n${node} ${on ? 'daemon exited unexpectedly' : 'fenced'} (${result.signal ?? `exit ${result.exitCode}`})${round ? ` in round ${round}` : ''}`
        this.daemonExits.push(line)
        this.say(`  ${line}`)
      })
    })
    void (async () => {
      const deadline = Date.now() + 60_000
      while (this.cluster.daemons.get(node) === child && Date.now() < deadline) {
        if (await this.status(node, 1000)) {
          if (this.cluster.daemons.get(node) === child) {
            s.answering = true
            this.noteMajority()
          }
          return
        }
        await sleep(100)
      }
    })()
  }

  private async killDaemon(node: number): Promise<void> {
    const s = this.state.get(node)!
    const child = this.cluster.daemons.get(node)
    if (!child?.pid) return
    s.expectExit = true
    process.kill(child.pid, 'SIGKILL') // the daemon only, not its process group: kill -9 PID
    s.running = false
    s.answering = false
    this.noteMajority()
    await within(child, 10_000)
  }

  private async powerOff(node: number): Promise<void> {
    const s = this.state.get(node)!
    s.expectExit = true
    s.hostOn = false
    s.running = false
    s.answering = false
    s.portDown = true
    this.noteMajority()
    await this.cluster.net.powerOff(node)
  }

  /** Whether the host still has its own address: a fence or a power-off flushes it. */
  private async hostIsOn(node: number): Promise<boolean> {
    const shown = await execa('ip', ['-n', this.cluster.net.ns(node), '-o', 'addr', 'show'], {reject: false})
    return String(shown.stdout).includes(` ${this.cluster.net.addr(node)}/`)
  }

  /** The host boots: /run is empty again (tmpfs), the link is back, the daemon starts. */
  private async boot(node: number): Promise<void> {
    const runDir = this.cluster.runDir(node)
    for (const entry of await readdir(runDir).catch(() => [] as string[])) await rm(join(runDir, entry), {recursive: true, force: true})
    await this.cluster.net.boot(node)
    const s = this.state.get(node)!
    Object.assign(s, {hostOn: true, portDown: false, hostPaused: false})
    this.startDaemon(node)
  }

  /** Every node whose daemon is not running gets it back: a host that is off (powered off or fenced) boots. */
  private async reviveDead(): Promise<void> {
    for (const node of this.nodes) {
      const s = this.state.get(node)!
      if (s.running) continue
      if (!s.hostOn || !(await this.hostIsOn(node))) {
        if (s.hostOn) this.say(`  n${node} was fenced (its address is gone): booting it`)
        await this.cluster.net.powerOff(node) // nothing may survive a boot
        await this.boot(node)
      } else {
        this.startDaemon(node)
      }
    }
  }

  private async status(node: number, ms = 1500): Promise<any> {
    return within(callDaemon(this.cluster.runDir(node), 'status', {}), ms)
  }

  private async dc(): Promise<number | undefined> {
    for (const node of this.nodes) {
      const s = this.state.get(node)!
      if (!s.answering || s.daemonPaused || s.hostPaused) continue
      const status = await this.status(node)
      if (status?.quorate && status.dc) return Number(String(status.dc).slice(1))
    }
    return undefined
  }

  /** One quorate view with a DC, settled, every daemon in it, and exactly one holder. */
  private async waitSettled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      await this.reviveDead()
      if (this.nodes.every((n) => this.state.get(n)!.answering) && (!this.watch || this.watch.holding.size === 1)) {
        const seen = await Promise.all(this.nodes.map((n) => this.status(n)))
        if (seen.every((s) => s?.quorate && s.dc !== null && s.viewId === seen[0].viewId && s.settled)) {
          if (this.watch) return true
          const holders = await this.cluster.holders(VIP)
          if (holders.length <= 1) return true
        }
      }
      await sleep(200)
    }
    return false
  }

  // --- faults -----------------------------------------------------------------------

  private async resolve(role: Role, except: number[] = []): Promise<number> {
    const candidates = this.nodes.filter((n) => !except.includes(n))
    if (role === 'holder') {
      const holders = [...this.watch.holding].filter((n) => candidates.includes(n))
      if (holders.length > 0) return holders[0]
    }
    if (role === 'dc') {
      const dc = await this.dc()
      if (dc !== undefined && candidates.includes(dc)) return dc
    }
    return this.runtime.pick(candidates)
  }

  /** Applies one fault; returns what it did, for the log. */
  private async apply(fault: Fault): Promise<string> {
    const {net} = this.cluster
    switch (fault.type) {
      case 'daemon-kill': {
        const node = await this.resolve(fault.target)
        await this.killDaemon(node)
        return `daemon-kill n${node}(${fault.target})`
      }
      case 'power-off': {
        const node = await this.resolve(fault.target)
        await this.powerOff(node)
        return `power-off n${node}(${fault.target})`
      }
      case 'daemon-pause': {
        const node = await this.resolve(fault.target)
        const pid = this.cluster.daemons.get(node)?.pid
        if (pid !== undefined) {
          process.kill(pid, 'SIGSTOP')
          this.state.get(node)!.daemonPaused = true
          this.noteMajority()
        }
        return `daemon-pause n${node}(${fault.target})`
      }
      case 'host-pause': {
        const node = await this.resolve(fault.target)
        await net.signalHost(node, 'SIGSTOP')
        this.state.get(node)!.hostPaused = true
        this.noteMajority()
        return `host-pause n${node}(${fault.target})`
      }
      case 'link-down': {
        const node = await this.resolve(fault.target)
        for (let link = 0; link < net.links; link++) await net.setLinkUp(node, link, false)
        this.state.get(node)!.portDown = true
        this.noteMajority()
        return `link-down n${node}(${fault.target})`
      }
      case 'partition': {
        const first = await this.resolve(fault.target)
        const minority = [first]
        while (minority.length < fault.minority) minority.push(this.runtime.pick(this.nodes.filter((n) => !minority.includes(n))))
        const rest = this.nodes.filter((n) => !minority.includes(n))
        await net.partition(minority, rest)
        for (const a of minority) for (const b of rest) this.cuts.add(`${a}>${b}`).add(`${b}>${a}`)
        this.noteMajority()
        return `partition ${minority.map((n) => `n${n}`).join(',')}(${fault.target}) | ${rest.map((n) => `n${n}`).join(',')}`
      }
      case 'one-way': {
        const from = await this.resolve(fault.from)
        const to = await this.resolve(fault.to, [from])
        await net.cut(from, to)
        this.cuts.add(`${from}>${to}`)
        this.noteMajority()
        return `one-way n${from}(${fault.from}) -> n${to}(${fault.to}) dropped`
      }
      case 'loss': {
        await net.setLoss(fault.percent)
        return `loss ${fault.percent}%`
      }
    }
  }

  private async heal(): Promise<void> {
    const {net} = this.cluster
    for (const node of this.nodes) {
      const s = this.state.get(node)!
      if (s.hostPaused) {
        await net.signalHost(node, 'SIGCONT')
        s.hostPaused = false
      }
      if (s.daemonPaused) {
        const pid = this.cluster.daemons.get(node)?.pid
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGCONT')
          } catch {
            // gone (fenced)
          }
        }
        s.daemonPaused = false
      }
    }
    await net.heal()
    this.cuts.clear()
    for (const node of this.nodes) {
      const s = this.state.get(node)!
      if (s.hostOn) s.portDown = false
    }
    this.noteMajority()
    await this.reviveDead()
  }

  private async round(round: number): Promise<void> {
    this.currentRound = round
    const plan: RoundPlan = planRound(this.plans, {nodes: this.options.nodes, allowed: this.options.faults, round, cycle: this.options.cycle, maxHoldMs: this.options.maxHoldMs})
    const startMs = Date.now()
    const labels: string[] = []
    if (plan.type === 'dc-kill-write') {
      labels.push(await this.dcKillDuringWrite(plan.killAfterMs ?? 0))
    } else {
      for (const fault of plan.faults) labels.push(await this.apply(fault))
    }
    const record: RoundRecord = {
      round, type: plan.type, label: labels.join(' + '), parts: plan.type === 'double' ? plan.faults.map((f) => f.type) : undefined,
      startMs, healMs: startMs, endMs: startMs, settled: false,
    }
    this.rounds.push(record)
    await sleep(Math.max(0, startMs + plan.holdMs - Date.now()))
    record.healMs = Date.now()
    await this.heal()
    record.settled = await this.waitSettled(this.options.settleTimeoutMs)
    await sleep(500)
    record.endMs = Date.now()
    const figures = analyse({initialHolders: this.initialHolders, events: this.watch.events, rounds: [record], majority: this.majority})
    const writes = this.writes.filter((w) => w.round === round)
    const direct = writes.find((w) => w.direct)
    if (direct) record.label += ` (that write ${direct.acknowledged ? 'acknowledged' : `not acknowledged: ${direct.error ?? 'no answer yet'}`})`
    const two = figures.twoHolders
    const parts = [
      `round ${round}/${this.options.rounds} ${record.label}, held ${((record.healMs - record.startMs) / 1000).toFixed(1)} s:`,
      `two holders ${two.length}${two.length ? ` (${two.map((t) => `n${t.nodes.join('+n')} ${t.durationMs} ms`).join(', ')})` : ''},`,
      `no holder with a majority up max ${Math.max(0, ...figures.noHolders.map((n) => n.durationMs))} ms,`,
      `one holder ${figures.settles[0].afterHealMs} ms after heal${record.settled ? '' : ' (NOT SETTLED)'},`,
      `writes ${writes.filter((w) => w.acknowledged).length}/${writes.length} acknowledged`,
    ]
    this.say(parts.join(' '))
  }

  // --- configuration writes ---------------------------------------------------------

  private nextWrite(via: number, direct: boolean): WriteRecord {
    const seq = ++this.writeSeq
    return {seq, round: this.currentRound, via, key: `chaos-w${seq}`, value: `v${seq}-${this.options.seed}`, acknowledged: false, exitCode: null, direct}
  }

  /** Writes through the real CLI, one at a time, to a random node's socket, until told to stop. */
  private async writeLoop(): Promise<void> {
    while (this.writing) {
      const via = this.writes_.pick(this.nodes)
      const write = this.nextWrite(via, false)
      this.writes.push(write)
      const result = await execa(process.execPath, [BIN, 'node', 'attribute', 'n1', `${write.key}=${write.value}`, '--run-dir', this.cluster.runDir(via)], {
        reject: false, timeout: 20_000, killSignal: 'SIGKILL', env: {HACTL_CONFIG_DIR: this.cluster.configDir(via)},
      })
      write.exitCode = result.exitCode ?? null
      write.acknowledged = result.exitCode === 0
      if (!write.acknowledged) write.error = result.timedOut ? 'timed out' : String(result.stderr).split('\n')[0].slice(0, 300)
      await sleep(this.writes_.int(100, 600))
    }
  }

  /**
   * A write sent through the daemon client (the CLI's own path, without its start-up
   * time, so the kill lands inside the write) while the DC's daemon is killed.
   */
  private async dcKillDuringWrite(killAfterMs: number): Promise<string> {
    const dc = await this.resolve('dc')
    const via = this.writes_.pick(this.nodes)
    const write = this.nextWrite(via, true)
    this.writes.push(write)
    const call = callDaemon(this.cluster.runDir(via), 'config.edit', {edit: {op: 'node.attribute', name: 'n1', attributes: {[write.key]: write.value}}})
    call.catch((error: Error) => {
      write.error = error.message.slice(0, 300)
    })
    const sent = within(call, 30_000)
    await sleep(killAfterMs)
    await this.killDaemon(dc)
    void sent.then((result) => {
      write.acknowledged = result !== undefined
      write.exitCode = result !== undefined ? 0 : 1
      if (result === undefined) write.error ??= 'timed out'
    })
    return `dc-kill-write n${dc} killed ${killAfterMs} ms after a write via n${via}`
  }

  private async checkWrites(): Promise<CampaignSummary['writes']> {
    const configs = new Map<number, any>()
    const unreadNodes: number[] = []
    for (const node of this.nodes) {
      const config = await within(callDaemon(this.cluster.runDir(node), 'config.get', {}), 5000)
      if (config) configs.set(node, config)
      else unreadNodes.push(node)
    }
    const acknowledged = this.writes.filter((w) => w.acknowledged)
    const lostKeys: Array<{key: string, missingOn: number[]}> = []
    for (const write of acknowledged) {
      const missingOn = [...configs].filter(([, config]) => config.nodes?.find((n: {name: string}) => n.name === 'n1')?.attributes?.[write.key] !== write.value).map(([node]) => node)
      if (missingOn.length > 0) lostKeys.push({key: write.key, missingOn})
    }
    return {issued: this.writes.length, acknowledged: acknowledged.length, lost: lostKeys.length, lostKeys, unreadNodes}
  }

  // --- results ----------------------------------------------------------------------

  /** Whole-host pauses without fencing: the issue counts those apart (only fencing makes them safe). */
  excluded(type: string, parts?: string[]): boolean {
    return !this.options.fence && (type === 'host-pause' || (parts ?? []).includes('host-pause'))
  }

  private summarise(writes: CampaignSummary['writes'], timing: unknown): CampaignSummary {
    const analysis = analyse({initialHolders: this.initialHolders, events: this.watch.events, rounds: this.rounds, majority: this.majority})
    const perType: Record<string, TypeFigures> = {}
    const figures = (type: string) => (perType[type] ??= {rounds: 0, twoHolderIntervals: 0, twoHolderMaxMs: 0, noHolderMaxMs: 0, settleAfterHealMaxMs: 0, unsettledRounds: 0})
    for (const round of this.rounds) {
      const f = figures(round.type)
      f.rounds++
      if (!round.settled) f.unsettledRounds++
    }
    const typeOf = new Map(this.rounds.map((r) => [r.round, r]))
    let counted = 0
    let excluded = 0
    for (const t of analysis.twoHolders) {
      const f = figures(t.type)
      f.twoHolderIntervals++
      f.twoHolderMaxMs = Math.max(f.twoHolderMaxMs, t.durationMs)
      if (this.excluded(t.type, typeOf.get(t.round)?.parts)) excluded++
      else counted++
    }
    for (const n of analysis.noHolders) figures(n.type).noHolderMaxMs = Math.max(figures(n.type).noHolderMaxMs, n.durationMs)
    for (const s of analysis.settles) figures(s.type).settleAfterHealMaxMs = Math.max(figures(s.type).settleAfterHealMaxMs, s.afterHealMs)
    return {
      run: this.cluster.net.run,
      nodes: this.options.nodes,
      rounds: this.rounds.length,
      seed: this.options.seed,
      fence: this.options.fence,
      faults: this.options.faults,
      maxHoldMs: this.options.maxHoldMs,
      timing,
      perType,
      twoHolderIntervals: analysis.twoHolders,
      twoHolderCounted: counted,
      twoHolderExcluded: excluded,
      noHolderMaxMs: Math.max(0, ...analysis.noHolders.map((n) => n.durationMs)),
      settleAfterHealMaxMs: Math.max(0, ...analysis.settles.map((s) => s.afterHealMs)),
      unsettledRounds: this.rounds.filter((r) => !r.settled).length,
      writes,
      daemonExits: this.daemonExits,
      outDir: this.options.outDir,
    }
  }

  private async saveLogs(): Promise<void> {
    const dir = this.options.outDir
    if (!dir) return
    await mkdir(dir, {recursive: true})
    for (const [node, log] of this.cluster.logs) await writeFile(join(dir, `n${node}.log`), `${log.join('\n')}\n`)
    await writeFile(join(dir, 'events.json'), JSON.stringify({rounds: this.rounds, addressEvents: this.watch?.events ?? [], initialHolders: this.initialHolders, majority: this.majority, writes: this.writes}, null, 1))
  }
}

/** The table and the closing line of a campaign. */
export function report(summary: CampaignSummary): string[] {
  const lines: string[] = []
  const rows = Object.entries(summary.perType).sort(([a], [b]) => a.localeCompare(b))
  lines.push('fault type      rounds  two-holder  max ms  no-holder max ms  settle max ms  unsettled')
  for (const [type, f] of rows) {
    lines.push(`${type.padEnd(15)} ${String(f.rounds).padStart(6)}  ${String(f.twoHolderIntervals).padStart(10)}  ${String(f.twoHolderMaxMs).padStart(6)}  ${String(f.noHolderMaxMs).padStart(16)}  ${String(f.settleAfterHealMaxMs).padStart(13)}  ${String(f.unsettledRounds).padStart(9)}`)
  }
  for (const t of summary.twoHolderIntervals) lines.push(`two holders: round ${t.round} ${t.label}: n${t.nodes.join('+n')} for ${t.durationMs} ms from ${new Date(t.startMs).toISOString()}`)
  for (const l of summary.writes.lostKeys) lines.push(`lost write: ${l.key} missing on n${l.missingOn.join(', n')}`)
  if (summary.writes.unreadNodes.length) lines.push(`could not read the configuration of n${summary.writes.unreadNodes.join(', n')}`)
  if (summary.twoHolderExcluded > 0) lines.push(`${summary.twoHolderExcluded} two-holder intervals in whole-host pauses not counted: without fencing nothing can make those safe`)
  lines.push(`writes: ${summary.writes.issued} issued, ${summary.writes.acknowledged} acknowledged, ${summary.writes.lost} acknowledged lost; settle after heal max ${summary.settleAfterHealMaxMs} ms; no holder with a majority up max ${summary.noHolderMaxMs} ms; ${summary.unsettledRounds} rounds not settled`)
  lines.push(`summary: ${JSON.stringify({...summary, twoHolderIntervals: summary.twoHolderIntervals.length})}`)
  lines.push(`${summary.rounds} rounds, ${summary.twoHolderCounted} two-holder intervals, ${summary.writes.lost} acknowledged writes lost`)
  return lines
}
