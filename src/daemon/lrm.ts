// The local resource manager of one node (Pacemaker's executor side of the
// controller): runs the actions the DC dispatches, probes every configured
// resource, keeps the node's report (what runs here, fail counts), runs recurring
// monitors for whatever it knows to be active, and applies no-quorum-policy on
// its own when the node loses quorum. What a result means for the report (role,
// fail count, failure time) is decided in src/core/controller/local-report.ts.
import {parseDurationMs} from '../core/config/durations.js'
import {afterAction, afterMonitor, afterProbe, isActive, primitiveOf, probeTargets} from '../core/controller/local-report.js'

export {primitiveOf}
import type {Primitive, ResourceConfig} from '../core/config/types.js'
import {ADDRESS_AGENTS, type HeldInstance} from '../core/guard/index.js'
import type {InstanceReport, NodeReport} from '../core/orchestration/types.js'
import type {Action} from '../core/policy/actions.js'
import type {ParamAction} from '../core/balancer/index.js'
import type {ActionResult, Executor} from '../agents/index.js'
import {describeAgent} from '../agents/describe.js'
import {reloadableParams} from '../agents/metadata.js'
import {paramRecord} from '../core/policy/digest.js'
import {isFenceDevice} from '../core/orchestration/index.js'
import type {Logger} from './logger.js'

const DEFAULT_TIMEOUT_MS = 20_000

export interface LrmEvents {
  /** An instance's report changed outside a dispatched action (a monitor failed). */
  onReport(update: NodeReport): void
  now(): number
  /**
   * What this node may hold changed: every instance that is or may be active here,
   * in start order. Resolves once the resource guard has it; a start waits for that
   * and fails when it rejects (a node without a guard starts nothing).
   */
  onHoldings?(held: HeldInstance[]): Promise<void>
}

/** The address a VIP instance holds, for the guard's fast path. */
export function heldAddress(primitive: Primitive): {ip: string, prefix?: number} | undefined {
  if (!ADDRESS_AGENTS.has(primitive.agent) || !primitive.params.ip) return undefined
  const prefix = Number(primitive.params.cidr_netmask)
  return primitive.params.cidr_netmask !== undefined && Number.isInteger(prefix) && prefix >= 0 && prefix <= 128
    ? {ip: primitive.params.ip, prefix} : {ip: primitive.params.ip}
}

/** Operations after which the instance may be active here (it must be guarded before they run). */
const ACTIVATING = new Set(['start', 'promote', 'demote', 'migrate_from', 'reload', 'reload-agent'])
/** Operations after which the instance runs with the configured parameters: their digest is recorded. */
const RECORDS_PARAMS = new Set(['start', 'migrate_from', 'reload-agent'])
/** Operations that take the instance down here: run with the parameters it was started with. */
const STOPPING = new Set(['stop', 'migrate_to'])

/** A report without parameter digests (the instance no longer runs). */
function withoutDigests(report: InstanceReport): InstanceReport {
  const {digest: _d, restartDigest: _r, reloadable: _l, ...rest} = report
  return rest
}

/** The monitor operations of a primitive, as a comparable text (interval, timeout, depth). */
function monitorOps(primitive: Primitive | undefined): string {
  return JSON.stringify(primitive?.operations.filter((o) => o.name === 'monitor') ?? [])
}

const TRUE = /^(true|yes|on|1)$/i

/**
 * The meta attributes Pacemaker gives a clone's instance (OCF_RESKEY_CRM_meta_*):
 * the clone's own (clone-max, notify, promotable, …) with its defaults filled in,
 * the instance number, and the old master_* spellings agents still read; then the
 * primitive's own. Not a clone's instance: the primitive's meta.
 */
export function instanceMeta(config: ResourceConfig, instance: string, primitive: Primitive): Record<string, string> {
  const group = config.groups.find((g) => g.members.includes(primitive.id))?.id
  const clone = config.clones.find((c) => c.child === primitive.id || (group !== undefined && c.child === group))
  if (!clone) return {...primitive.meta}
  const at = instance.lastIndexOf(':')
  const number = at >= 0 && /^[0-9]+$/.test(instance.slice(at + 1)) ? instance.slice(at + 1) : '0'
  const meta: Record<string, string> = {
    'clone-max': String(config.nodes.length || 1), 'clone-node-max': '1', 'globally-unique': 'false', notify: 'false',
    ...clone.meta, clone: number,
  }
  if (TRUE.test(clone.meta.promotable ?? '')) {
    meta.promotable = 'true'
    meta['promoted-max'] = clone.meta['promoted-max'] ?? clone.meta['master-max'] ?? '1'
    meta['promoted-node-max'] = clone.meta['promoted-node-max'] ?? clone.meta['master-node-max'] ?? '1'
    meta['master-max'] = meta['promoted-max']
    meta['master-node-max'] = meta['promoted-node-max']
  }
  return {...meta, ...primitive.meta}
}

/** A notify action's meta: notify_type, notify_operation and the notify_* lists the DC computed. */
function notifyMeta(action: Action): Record<string, string> {
  const notify = action.notify
  if (!notify) return {}
  const meta: Record<string, string> = {notify_type: notify.type, notify_operation: notify.operation}
  for (const [key, value] of Object.entries(notify.env)) {
    const name = key.startsWith('OCF_RESKEY_CRM_meta_') ? key.slice('OCF_RESKEY_CRM_meta_'.length) : key.startsWith('notify_') ? key : `notify_${key}`
    meta[name] = value
  }
  return meta
}

/** Whether an operation applies to an instance in this role (ops without a role serve every role, as in Pacemaker). */
function forRole(op: Primitive['operations'][number], role: InstanceReport['role']): boolean {
  const wanted = op.role ?? normalRole(op.extra?.role)
  if (wanted === undefined) return true
  return role === 'promoted' ? wanted === 'Promoted' : wanted === 'Unpromoted'
}

function normalRole(text: string | undefined): 'Promoted' | 'Unpromoted' | undefined {
  if (text === undefined) return undefined
  return /^(promoted|master)$/i.test(text) ? 'Promoted' : /^(unpromoted|slave)$/i.test(text) ? 'Unpromoted' : undefined
}

function operationTimeoutMs(primitive: Primitive, name: string): number {
  const op = primitive.operations.find((o) => o.name === name && (name !== 'monitor' || (parseDurationMs(o.interval) ?? 0) > 0))
    ?? primitive.operations.find((o) => o.name === name)
  return parseDurationMs(op?.timeout ?? '') ?? DEFAULT_TIMEOUT_MS
}

export class LocalResourceManager {
  private config: ResourceConfig | undefined
  private readonly report: NodeReport = {}
  private readonly probed = new Set<string>()
  private busy = 0
  private readonly idleWaiters: Array<() => void> = []
  /** Instances being started (or otherwise activated) right now: guarded before the agent runs. */
  private readonly activating = new Set<string>()
  /** In the order they became active, so the guard stops a group in reverse. */
  private holdOrder: string[] = []
  private readonly cancellable = new Set<AbortController>()
  /** Per agent: the parameters its reload-agent applies (undefined: it has none), from its meta-data, once. */
  private readonly reloadable = new Map<string, Promise<string[] | undefined>>()
  /**
   * Per active instance: the parameters it was started (or reloaded) with. Its stop,
   * its monitors and the guard's stop use them until it restarts, as Pacemaker stops
   * with the parameters of the start: a VIP whose address was changed drops the old one.
   */
  private readonly startedWith = new Map<string, Record<string, string>>()

  constructor(private readonly executor: Executor, private readonly logger: Logger, private readonly events: LrmEvents, private readonly nodeName?: string) {}

  /** The meta every action of an instance carries: the clone's, the primitive's, and on_node (Pacemaker's CRM_meta_on_node). */
  private metaOf(config: ResourceConfig, instance: string, primitive: Primitive): Record<string, string> {
    const meta = instanceMeta(config, instance, primitive)
    return this.nodeName === undefined ? meta : {...meta, on_node: this.nodeName}
  }

  setConfig(config: ResourceConfig): void {
    const before = this.config
    this.config = config
    if (before) this.rearmChangedMonitors(before, config)
    // Read each agent's meta-data now, not after a start (a failover's start must not wait for it).
    for (const primitive of config.resources) if (!isFenceDevice(primitive.agent)) void this.reloadableOf(primitive.agent)
  }

  /** A running instance whose monitor operations changed (interval, timeout, depth): its monitors are re-armed as configured now. */
  private rearmChangedMonitors(before: ResourceConfig, after: ResourceConfig): void {
    for (const instance of this.activeInstances()) {
      const role = this.report[instance].role
      if ((role !== 'started' && role !== 'promoted') || this.activating.has(instance)) continue
      const now = primitiveOf(after, instance)
      if (!now || monitorOps(primitiveOf(before, instance)) === monitorOps(now)) continue
      this.logger.log('info', 'monitor-rearmed', {resource: instance})
      void this.executor.stopRecurringFor(instance).then(() => {
        const current = this.report[instance]?.role
        if (this.config === after && (current === 'started' || current === 'promoted')) this.startMonitors(after, instance)
      })
    }
  }

  /** What the node records of the parameters an instance now runs with (src/core/policy/digest.ts). */
  private async paramsRecord(primitive: Primitive, params: Record<string, string>): Promise<ReturnType<typeof paramRecord>> {
    return paramRecord(params, await this.reloadableOf(primitive.agent))
  }

  private reloadableOf(agent: string): Promise<string[] | undefined> {
    let reloadable = this.reloadable.get(agent)
    if (!reloadable) {
      // Not readable (not installed yet, a broken agent): no reload-agent, so a change restarts; asked again next time.
      reloadable = describeAgent(agent, {executor: this.executor}).then(reloadableParams, () => {
        this.reloadable.delete(agent)
        return undefined
      })
      this.reloadable.set(agent, reloadable)
    }
    return reloadable
  }

  /** The primitive as the instance runs here: with the parameters it was started with, if known. */
  private running(instance: string, primitive: Primitive): Primitive {
    const params = this.startedWith.get(instance)
    return params ? {...primitive, params} : primitive
  }

  /** The instance runs with these parameters now (started, reloaded, or found running), or no longer runs. */
  private ranWith(instance: string, params: Record<string, string> | undefined): void {
    if (params) this.startedWith.set(instance, {...params})
    else this.startedWith.delete(instance)
  }

  snapshot(): NodeReport {
    return structuredClone(this.report)
  }

  /** Resolves when no action is running: a full report must not race an action. */
  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Probes every configured resource not probed yet; returns the full report. */
  async probe(): Promise<NodeReport> {
    const config = this.config
    if (!config) return this.snapshot()
    const targets = probeTargets(config).filter((id) => !this.probed.has(id))
    await Promise.all(targets.map(async (instance) => {
      const primitive = primitiveOf(config, instance)!
      const result = await this.track(this.executor.run({
        resource: instance, agent: primitive.agent, action: 'monitor', params: this.running(instance, primitive).params, meta: this.metaOf(config, instance, primitive),
        timeoutMs: operationTimeoutMs(primitive, 'monitor'), intervalMs: 0,
      }))
      this.probed.add(instance)
      const {report, verdict} = afterProbe(this.report[instance], result)
      // Found running: taken to run with the parameters configured now, as Pacemaker records a probe.
      const params = verdict === 'running' ? this.running(instance, primitive).params : undefined
      this.ranWith(instance, params)
      this.report[instance] = params ? {...report, ...(await this.paramsRecord(primitive, params))} : withoutDigests(report)
      if (verdict === 'running') this.startMonitors(config, instance)
      if (verdict === 'failed') this.logger.log('warning', 'probe-failed', {resource: instance, status: result.status, ocf: result.ocfResult, reason: result.reason})
    }))
    if (targets.length > 0) void this.syncHoldings().catch(() => {})
    // Forget instances that are no longer configured and not active.
    for (const id of Object.keys(this.report)) {
      if (!primitiveOf(config, id) && this.report[id].role !== 'started' && this.report[id].role !== 'promoted') delete this.report[id]
    }
    return this.snapshot()
  }

  /** Runs one dispatched action; returns whether it succeeded and what changed. */
  /** `rc` (the OCF code, null when the agent did not answer) and `execMs` come with every action the agent ran (status --full's Operations). */
  async execute(action: Action): Promise<{ok: boolean, resources: NodeReport, rc?: number | null, execMs?: number}> {
    const config = this.config
    const instance = action.resource!
    const primitive = config ? primitiveOf(config, instance) : undefined
    if (!config || !primitive) {
      this.logger.log('error', 'action-for-unknown-resource', {resource: instance, op: action.op})
      return {ok: false, resources: {}}
    }
    if (action.op === 'monitor') {
      this.startMonitors(config, instance)
      return {ok: true, resources: {}}
    }
    const meta: Record<string, string> = {...this.metaOf(config, instance, primitive), ...notifyMeta(action)}
    if (action.op === 'migrate_to' || action.op === 'migrate_from') meta.migrate_target = action.node
    if (ACTIVATING.has(action.op)) {
      this.activating.add(instance)
      try {
        await this.syncHoldings()
      } catch (error) {
        this.activating.delete(instance)
        this.logger.log('crit', 'start-refused-no-guard', {resource: instance, op: action.op, error: String((error as Error).message)})
        const failed: InstanceReport = {...(this.report[instance] ?? {role: 'stopped', failCount: 0}), failedOp: action.op}
        return {ok: false, resources: {[instance]: failed}}
      }
    }
    // Monitors end before a stop, and before a role change (the new role has its own); a reload-agent
    // re-arms the monitors with the new parameters once it succeeded.
    if (action.op === 'stop' || action.op === 'migrate_to' || action.op === 'promote' || action.op === 'demote' || action.op === 'reload-agent') await this.executor.stopRecurringFor(instance)
    // A start can be cancelled (its agent killed) when the node loses quorum: it must not run on.
    const cancel = ACTIVATING.has(action.op) ? new AbortController() : undefined
    if (cancel) this.cancellable.add(cancel)
    const result = await this.track(this.executor.run({
      // A balancer's start or reload carries its backends from the DC (src/core/balancer).
      // A stop or migration away runs with the parameters of the start (a changed definition restarts: stop old, start new).
      resource: instance, agent: primitive.agent, action: action.op, params: {...(STOPPING.has(action.op) ? this.running(instance, primitive) : primitive).params, ...(action as ParamAction).params},
      meta, timeoutMs: operationTimeoutMs(primitive, action.op),
    }, cancel?.signal)).finally(() => {
      if (cancel) this.cancellable.delete(cancel)
    })
    const outcome = afterAction(config, this.report[instance], action.op as 'start', result, this.events.now())
    const {ok} = outcome
    let after = outcome.report
    if (ok && after.role === 'started' && RECORDS_PARAMS.has(action.op)) {
      this.ranWith(instance, primitive.params)
      after = {...after, ...(await this.paramsRecord(primitive, primitive.params))}
    }
    if (after.role === 'stopped') this.ranWith(instance, undefined)
    if (after.role !== 'started' && after.role !== 'promoted') after = withoutDigests(after)
    this.report[instance] = after
    if (ok && action.op !== 'notify' && (after.role === 'started' || after.role === 'promoted')) this.startMonitors(config, instance)
    if (!ok) this.logFailure(instance, action.op, result)
    else if (action.op === 'notify' && !(result.status === 'done' && result.ocfCode === 0)) this.logFailure(instance, action.op, result)
    this.activating.delete(instance)
    void this.syncHoldings().catch(() => {})
    return {ok, resources: {[instance]: after}, rc: result.ocfCode, execMs: result.durationMs}
  }

  /** Every instance that is or may be active here, in the order it became so. */
  holdings(): string[] {
    const active = new Set([...this.activating, ...this.activeInstances()])
    this.holdOrder = [...this.holdOrder.filter((id) => active.has(id)), ...[...active].filter((id) => !this.holdOrder.includes(id))]
    return [...this.holdOrder]
  }

  private syncHoldings(): Promise<void> {
    return this.events.onHoldings ? this.events.onHoldings(this.heldInstances()) : Promise.resolve()
  }

  /** What the guard needs to drop each held instance without this daemon: its address, and its stop as argv. */
  private heldInstances(): HeldInstance[] {
    const config = this.config
    if (!config) return []
    const held: HeldInstance[] = []
    for (const instance of this.holdings()) {
      const configured = primitiveOf(config, instance)
      if (!configured) continue
      const primitive = this.running(instance, configured)
      const timeoutMs = operationTimeoutMs(primitive, 'stop')
      const meta = this.metaOf(config, instance, primitive)
      const command = this.executor.command({resource: instance, agent: primitive.agent, action: 'stop', params: primitive.params, meta, timeoutMs})
      // An agent that cannot be resolved cannot have been started either; its address (if any) still goes.
      const stop = typeof command === 'string' ? {file: '/bin/true', args: [], env: {}, timeoutMs} : {...command, timeoutMs}
      // Held Promoted (or being promoted or demoted): the guard demotes before it stops, as a transition would.
      const role = this.report[instance]?.role
      const mayBePromoted = role === 'promoted' || (this.activating.has(instance) && meta.promotable === 'true')
      const demoteTimeoutMs = operationTimeoutMs(primitive, 'demote')
      const demoteCommand = mayBePromoted ? this.executor.command({resource: instance, agent: primitive.agent, action: 'demote', params: primitive.params, meta, timeoutMs: demoteTimeoutMs}) : undefined
      const demote = demoteCommand !== undefined && typeof demoteCommand !== 'string' ? {...demoteCommand, timeoutMs: demoteTimeoutMs} : undefined
      const address = heldAddress(primitive)
      held.push({id: instance, ...(address ? {address} : {}), ...(demote ? {demote} : {}), stop})
    }
    return held
  }

  /**
   * The resource guard stopped these instances (this daemon was gone or stalled):
   * they are stopped now, monitors end, and the next probe looks at them afresh.
   */
  async guardStopped(instances: string[]): Promise<NodeReport> {
    const update: NodeReport = {}
    for (const instance of instances) {
      await this.executor.stopRecurringFor(instance)
      this.probed.delete(instance)
      const before = this.report[instance]
      if (!before) continue
      update[instance] = withoutDigests({...before, role: 'stopped'})
      this.ranWith(instance, undefined)
      this.report[instance] = update[instance]
    }
    void this.syncHoldings().catch(() => {})
    return update
  }

  /** Forget failures of a resource (a group: its members; a clone: its child) and probe it again (hactl resource cleanup). */
  async cleanup(resource: string): Promise<NodeReport> {
    const config = this.config
    if (!config) return this.snapshot()
    const names = new Set([resource])
    const child = config.clones.find((c) => c.id === resource)?.child
    if (child) names.add(child)
    for (const name of [...names]) for (const member of config.groups.find((g) => g.id === name)?.members ?? []) names.add(member)
    const matches = (id: string) => names.has(primitiveOf(config, id)?.id ?? id)
    for (const id of Object.keys(this.report)) if (matches(id)) delete this.report[id]
    for (const id of [...this.probed]) if (matches(id)) this.probed.delete(id)
    return this.probe()
  }

  /** no-quorum-policy=stop, and shutdown without a DC: stop everything active here, groups in reverse. */
  /** Kills the agents of starts under way (the node lost quorum): they end as cancelled, the instance failed (maybe half started). */
  cancelStarts(): void {
    for (const cancel of this.cancellable) cancel.abort()
  }

  async stopAll(reason: string): Promise<void> {
    const config = this.config
    if (!config) return
    const active = this.activeInstances()
    if (active.length === 0) return
    this.logger.log('notice', 'stopping-all-resources', {reason, resources: active})
    const order = new Map(config.resources.map((r, i) => [r.id, i]))
    const rank = (id: string) => order.get(primitiveOf(config, id)?.id ?? '') ?? 0
    // Reverse configuration order approximates reverse start order within groups.
    const byRank = [...active].sort((a, b) => rank(b) - rank(a))
    await Promise.all(byRank.map((id) => this.execute({id: `local_stop_${id}`, op: 'stop', resource: id, node: '', reason, dependsOn: []})))
  }

  activeInstances(): string[] {
    return Object.entries(this.report).filter(([, r]) => isActive(r)).map(([id]) => id)
  }

  private async track<T>(promise: Promise<T>): Promise<T> {
    this.busy++
    try {
      return await promise
    } finally {
      this.busy--
      if (this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
    }
  }

  /** The recurring monitors of the instance's current role (Promoted ones expect 8, the others 0). */
  private startMonitors(config: ResourceConfig, instance: string): void {
    const primitive = this.running(instance, primitiveOf(config, instance)!)
    const role = this.report[instance]?.role ?? 'started'
    const meta = this.metaOf(config, instance, primitive)
    for (const op of primitive.operations) {
      const intervalMs = parseDurationMs(op.interval) ?? 0
      if (op.name !== 'monitor' || intervalMs <= 0 || !forRole(op, role)) continue
      const checkLevel = op.extra?.OCF_CHECK_LEVEL === undefined ? undefined : Number(op.extra.OCF_CHECK_LEVEL)
      const roleMeta = op.role ?? normalRole(op.extra?.role)
      this.executor.startRecurring({
        resource: instance, agent: primitive.agent, action: 'monitor', params: primitive.params, meta: roleMeta ? {...meta, role: roleMeta} : meta,
        timeoutMs: parseDurationMs(op.timeout ?? '') ?? DEFAULT_TIMEOUT_MS, intervalMs, checkLevel,
      }, (result) => this.onMonitor(instance, result))
    }
  }

  private onMonitor(instance: string, result: ActionResult): void {
    const failed = afterMonitor(this.report[instance], result, this.events.now())
    if (failed === null) return
    if (result.status === 'done' && (result.ocfCode === 8 || result.ocfCode === 0)) {
      this.logger.log('warning', 'role-mismatch', {resource: instance, believed: this.report[instance]?.role, ocf: result.ocfResult})
    }
    // Stop monitoring a failed instance; the DC's recovery restarts monitors with the start.
    void this.executor.stopRecurringFor(instance)
    this.report[instance] = failed
    this.logFailure(instance, 'monitor', result)
    this.events.onReport({[instance]: failed})
  }

  private logFailure(instance: string, op: string, result: ActionResult): void {
    this.logger.log('warning', 'action-failed', {
      resource: instance, op, status: result.status, ocf: result.ocfResult, reason: result.reason ?? undefined, duration_ms: result.durationMs,
    })
  }
}
