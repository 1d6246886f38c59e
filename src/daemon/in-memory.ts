// In-memory versions of the daemon's ports (ports.ts): no sockets, no disk, no
// agents, no timers of their own. Asynchronous completions go through an
// injected `later(ms, run)`, so a simulator decides when they happen; the same
// pure bookkeeping as the real LRM (core/controller/local-report) decides what a
// result means.
import {afterAction, afterProbe, isActive, primitiveOf, probeTargets, type ActionOp} from '../core/controller/local-report.js'
import type {ResourceConfig} from '../core/config/types.js'
import type {NodeReport} from '../core/orchestration/types.js'
import type {Action} from '../core/policy/actions.js'
import type {PeerTransport, RecordStore, ResourceExecutor} from './ports.js'

export {ManualClock} from './clock.js'

/** A transport whose messages a hub (the simulator's network) carries. */
export class MemoryTransport implements PeerTransport {
  private handler: ((from: number, message: unknown) => void) | undefined
  constructor(private readonly self: number, private readonly hub: {send(from: number, to: number, message: unknown): void, reset(a: number, b: number): void}) {}
  send(to: number, message: unknown): void {
    // Messages are copied as a serializing transport would: no shared objects between nodes.
    this.hub.send(this.self, to, structuredClone(message))
  }
  reset(peer: number): void {
    this.hub.reset(this.self, peer)
  }
  onMessage(handler: (from: number, message: unknown) => void): void {
    this.handler = handler
  }
  deliver(from: number, message: unknown): void {
    this.handler?.(from, message)
  }
}

/** A store in memory; `failSaves` makes saves fail as a failed fsync would. */
export class MemoryStore<T> implements RecordStore<T> {
  record: T | undefined
  term: number | undefined
  failSaves = false
  async load(): Promise<T | undefined> {
    return this.record === undefined ? undefined : structuredClone(this.record)
  }
  async save(record: T): Promise<void> {
    if (this.failSaves) throw new Error('fsync failed (simulated)')
    this.record = structuredClone(record)
  }
  readTerm(): number | undefined {
    return this.term
  }
  writeTerm(term: number): void {
    this.term = term
  }
}

/**
 * The host's side of simulated resources: what really runs there. Agent
 * operations run on the host (they go on while the daemon is paused or after it
 * died); their completion comes back on the daemon's event loop.
 */
export interface MemoryResourceWorld {
  /** Runs `run` after `ms` on the daemon's event loop (dropped if the daemon dies first). */
  later(ms: number, run: () => void): void
  now(): number
  /**
   * Runs an agent operation on the host; `done` is called on the daemon's event loop
   * when it ended. Returns how to cancel it (kill its agent): `done` then says 'cancelled'.
   */
  operate(instance: string, agent: string, op: 'start' | 'stop', done: (outcome: 'ok' | 'failed' | 'cancelled') => void): () => void
  /** What a probe finds on the host, and how long probing takes. */
  probe(instance: string): 'running' | 'stopped' | 'failed'
  probeLatencyMs(): number
}

/** The LRM without agents: same decisions, operations with simulated latencies. */
export class MemoryExecutor implements ResourceExecutor {
  private config: ResourceConfig | undefined
  private report: NodeReport = {}
  private readonly probed = new Set<string>()
  private busy = 0
  private idleWaiters: Array<() => void> = []
  private changeHandler: ((update: NodeReport) => void) | undefined
  private readonly cancels = new Set<() => void>()

  constructor(private readonly world: MemoryResourceWorld) {}

  setConfig(config: ResourceConfig): void {
    this.config = config
  }

  snapshot(): NodeReport {
    return structuredClone(this.report)
  }

  onChange(handler: (update: NodeReport) => void): void {
    this.changeHandler = handler
  }

  /** Instances the host stopped behind the daemon's back (the guard): the report follows, the controller hears. */
  stoppedBehind(instances: string[]): void {
    const update: NodeReport = {}
    for (const id of instances) {
      if (!isActive(this.report[id])) continue
      this.report[id] = {...this.report[id], role: 'stopped'}
      update[id] = this.report[id]
    }
    if (Object.keys(update).length > 0) this.changeHandler?.(update)
  }

  execute(action: Action, done: (ok: boolean, resources: NodeReport) => void): void {
    const config = this.config
    const instance = action.resource
    const primitive = config && instance ? primitiveOf(config, instance) : undefined
    if (!config || !primitive || !instance) return this.world.later(0, () => done(false, {}))
    // promote/demote/notify (issue 12): the in-memory host has no roles yet; the daemon half of issue 12 executes them.
    // No parameter digests are recorded here either, so the engine plans no reload-agent; answered as done if it did.
    if (action.op === 'monitor' || action.op === 'fence' || action.op === 'reload-agent' || action.op === 'promote' || action.op === 'demote' || action.op === 'notify') return this.world.later(0, () => done(true, {}))
    const op: ActionOp = action.op
    const hostOp = op === 'start' || op === 'migrate_from' ? 'start' : 'stop'
    this.busy++
    const cancel = this.world.operate(instance, primitive.agent, hostOp, (outcome) => {
      this.cancels.delete(cancel)
      const agentResult = outcome === 'cancelled' ? {status: 'cancelled', ocfCode: null} : {status: 'done', ocfCode: outcome === 'ok' ? 0 : 1}
      const result = afterAction(config, this.report[instance], op, agentResult, this.world.now())
      this.report[instance] = result.report
      this.settle()
      done(result.ok, {[instance]: result.report})
    })
    if (hostOp === 'start') this.cancels.add(cancel)
  }

  /** Kills the agents of starts under way (the node lost quorum), as the LRM does. */
  cancelStarts(): void {
    for (const cancel of [...this.cancels]) cancel()
  }

  fullReport(done: (epoch: number, resources: NodeReport) => void): void {
    this.whenIdle(() => {
      const config = this.config
      if (!config) return done(0, this.snapshot())
      const epoch = config.epoch
      const targets = probeTargets(config).filter((id) => !this.probed.has(id))
      for (const instance of targets) {
        const found = this.world.probe(instance)
        const outcome = found === 'running' ? {status: 'done', ocfCode: 0} : found === 'stopped' ? {status: 'done', ocfCode: 7} : {status: 'done', ocfCode: 1}
        this.report[instance] = afterProbe(this.report[instance], outcome).report
        this.probed.add(instance)
      }
      for (const id of Object.keys(this.report)) if (!primitiveOf(config, id) && this.report[id].role !== 'started') delete this.report[id]
      this.world.later(targets.length > 0 ? this.world.probeLatencyMs() : 0, () => done(epoch, this.snapshot()))
    })
  }

  cleanup(resource: string, done: () => void): void {
    for (const id of Object.keys(this.report)) if (id === resource || id.startsWith(`${resource}:`)) delete this.report[id]
    for (const id of [...this.probed]) if (id === resource || id.startsWith(`${resource}:`)) this.probed.delete(id)
    this.world.later(0, done)
  }

  stopAll(reason: string, done: (active: string[]) => void): void {
    const active = Object.keys(this.report).filter((id) => isActive(this.report[id]))
    if (active.length === 0) return this.world.later(0, () => done([]))
    let left = active.length
    for (const id of active) {
      this.execute({id: `local_stop_${id}`, op: 'stop', resource: id, node: '', reason, dependsOn: []}, () => {
        if (--left === 0) done(Object.keys(this.report).filter((i) => isActive(this.report[i])))
      })
    }
  }

  private whenIdle(run: () => void): void {
    if (this.busy === 0) run()
    else this.idleWaiters.push(run)
  }

  private settle(): void {
    this.busy--
    if (this.busy === 0) for (const run of this.idleWaiters.splice(0)) run()
  }
}
