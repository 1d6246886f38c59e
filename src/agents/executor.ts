// The executor: runs agent actions for one node. One action per resource at a
// time (a per-resource FIFO), at most `maxConcurrent` actions on the node, each
// bounded by its timeout; recurring monitors rescheduled after each run with jitter.

import {availableParallelism} from 'node:os'
import {systemClock, type Clock, type RandomSource} from './clock.js'
import path from 'node:path'
import {actionArgument, AgentNameError, defaultLocations, PACKAGE_ROOT, resolveAgent, type AgentLocations, type ResolvedAgent} from './lookup.js'
import {ocfFromExit, ocfFromLsbExit, ocfName, OCF, type ExecStatus} from './ocf-codes.js'
import {runProcess, type ProcessOutcome} from './process.js'
import {addressSurelyRunning, agentPresent} from './address-monitor.js'

export interface ActionRequest {
  /** The resource id: OCF_RESOURCE_INSTANCE, and the key of the per-resource queue. */
  resource: string
  /** ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT. */
  agent: string
  /** start, stop, monitor, meta-data, validate-all, migrate_to, migrate_from, promote, demote, notify, reload. */
  action: string
  /** Instance parameters, passed only as OCF_RESKEY_<name> environment variables. */
  params?: Record<string, string>
  /** Meta attributes, passed as OCF_RESKEY_CRM_meta_<name> (e.g. migrate_target, clone). */
  meta?: Record<string, string>
  timeoutMs: number
  /** 0 (default) for one-shot actions and probes; the interval of a recurring monitor. */
  intervalMs?: number
  /** OCF_CHECK_LEVEL of a monitor (0, 10, 20). */
  checkLevel?: number
}

export interface ActionResult {
  resource: string
  agent: string
  action: string
  intervalMs: number
  /** How the execution went (Pacemaker's execution status). */
  status: ExecStatus
  /**
   * The agent's answer as an OCF code when status is 'done' (codes outside OCF become 1);
   * 5 when status is 'not-installed', 4 for an agent file that may not be executed;
   * null when the agent did not answer (timeout, cancelled, other errors).
   */
  ocfCode: number | null
  /** Name of ocfCode: "ok", "not-running", "degraded", …, or "none". */
  ocfResult: string
  /** The raw exit code and terminating signal of the agent process. */
  exitCode: number | null
  signal: string | null
  /** The agent's ocf-exit-reason, or the executor's own explanation; null if none. */
  reason: string | null
  stdout: string
  stderr: string
  stdoutTruncated: boolean
  stderrTruncated: boolean
  /** Clock time when the agent process started (or when the request ended, if it never ran). */
  startedAtMs: number
  durationMs: number
  /** Time spent waiting in the resource's queue and for a node slot. */
  queuedMs: number
}

export interface ExecutorOptions {
  /** Actions running at once on this node; default 2 × CPUs (Pacemaker's node-action-limit default). */
  maxConcurrent?: number
  /** Between SIGTERM and SIGKILL when an action times out or is cancelled; default 2000 ms. */
  killGraceMs?: number
  /** Bytes kept of each of stdout and stderr; default 16 KiB. */
  outputLimitBytes?: number
  /** Agent directories; default from HACTL_OCF_ROOT (/usr/lib/ocf), HACTL_LSB_DIR (/etc/init.d) and this package. */
  locations?: Partial<AgentLocations>
  /** Argv prefix for every agent, e.g. ['ip', 'netns', 'exec', 'ns1'] or ['nsenter', '-t', PID, '-a']. */
  wrapper?: string[]
  /** Extra environment for every agent (HA_RSCTMP, …). PATH defaults to the system's sbin/bin. */
  env?: Record<string, string>
  clock?: Clock
  random?: RandomSource
  /** Recurring actions run every interval + up to this fraction of it at random; default 0.1. */
  jitterFraction?: number
  /** Sees every result (one-shot and recurring) as it is delivered: metrics. Must not throw. */
  onResult?: (result: ActionResult) => void
  /**
   * Recurring monitors of VIPs (ocf:hactl:vip, IPaddr2) answer "running" in process when
   * the address is there (src/agents/address-monitor.ts); default true. Never with a wrapper
   * (the agent would run in another namespace than this process).
   */
  inProcessAddressMonitors?: boolean
}

/** Pacemaker's feature set that agents may check in OCF_RESKEY_crm_feature_set. */
const CRM_FEATURE_SET = '3.19.0'
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
/**
 * Pacemaker's commands for agents (crm_attribute, crm_master, crm_node), answered by
 * the local daemon: first in PATH, and HA_SBIN_DIR (ClusterLabs' agents call
 * ${HA_SBIN_DIR}/crm_attribute).
 */
export const PACEMAKER_SHIMS_DIR = path.join(PACKAGE_ROOT, 'resource-agents', 'sbin')
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

interface QueuedTask {
  request: ActionRequest
  signal?: AbortSignal
  /** Whether aborting the signal also kills the action once it runs (false: it only leaves the queue). */
  killOnAbort: boolean
  enqueuedAt: number
  resolve: (result: ActionResult) => void
  onAbort?: () => void
}

interface Recurring {
  key: string
  request: ActionRequest
  onResult: (result: ActionResult) => void
  timer?: unknown
  controller: AbortController
  inFlight?: Promise<ActionResult>
  stopped: boolean
}

export class Executor {
  readonly maxConcurrent: number
  private readonly killGraceMs: number
  private readonly outputLimitBytes: number
  private readonly locations: AgentLocations
  private readonly wrapper: string[]
  private readonly env: Record<string, string>
  private readonly clock: Clock
  private readonly random: RandomSource
  private readonly jitterFraction: number
  private readonly onResult: ((result: ActionResult) => void) | undefined
  private readonly inProcessAddressMonitors: boolean
  private readonly waiting: QueuedTask[] = []
  private readonly busy = new Set<string>()
  private running = 0
  private readonly recurring = new Map<string, Recurring>()

  constructor(options: ExecutorOptions = {}) {
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 2 * availableParallelism())
    this.killGraceMs = options.killGraceMs ?? 2000
    this.outputLimitBytes = options.outputLimitBytes ?? 16 * 1024
    this.locations = {...defaultLocations(), ...options.locations}
    this.wrapper = options.wrapper ?? []
    this.env = options.env ?? {}
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.jitterFraction = options.jitterFraction ?? 0.1
    this.onResult = options.onResult
    this.inProcessAddressMonitors = (options.inProcessAddressMonitors ?? true) && this.wrapper.length === 0
  }

  /** Runs one action, after any action of the same resource queued before it. Never rejects. */
  run(request: ActionRequest, signal?: AbortSignal): Promise<ActionResult> {
    return this.enqueue(request, signal, true)
  }

  private enqueue(request: ActionRequest, signal: AbortSignal | undefined, killOnAbort: boolean): Promise<ActionResult> {
    return new Promise((settle) => {
      const resolve = (result: ActionResult) => {
        try {
          this.onResult?.(result)
        } catch {
          // an observer never changes a result
        }
        settle(result)
      }
      const task: QueuedTask = {request, signal, killOnAbort, enqueuedAt: this.clock.now(), resolve}
      if (signal?.aborted) {
        resolve(this.notRun(task, 'cancelled', 'cancelled before it ran'))
        return
      }
      task.onAbort = () => this.dropQueued(task)
      signal?.addEventListener('abort', task.onAbort, {once: true})
      this.waiting.push(task)
      this.pump()
    })
  }

  /** Actions running now and waiting, for status displays. */
  load(): {running: number, waiting: number} {
    return {running: this.running, waiting: this.waiting.length}
  }

  /**
   * Runs `request` now and then every intervalMs (plus jitter) after each run ends, calling
   * onResult with every result. Returns the operation key RESOURCE_ACTION_INTERVAL
   * (Pacemaker's), which replaces any recurring action with the same key.
   */
  startRecurring(request: ActionRequest, onResult: (result: ActionResult) => void, options: {delayMs?: number} = {}): string {
    const intervalMs = request.intervalMs ?? 0
    if (!(intervalMs > 0)) throw new RangeError(`recurring ${request.action} of ${request.resource} needs intervalMs > 0`)
    const key = operationKey(request.resource, request.action, intervalMs)
    void this.stopRecurring(key)
    const entry: Recurring = {key, request, onResult, controller: new AbortController(), stopped: false}
    this.recurring.set(key, entry)
    this.schedule(entry, options.delayMs ?? 0)
    return key
  }

  /**
   * Stops a recurring action: a queued run is dropped, a running one is left to
   * finish but not reported. Resolves once nothing of it runs any more.
   */
  async stopRecurring(key: string): Promise<boolean> {
    const entry = this.recurring.get(key)
    if (!entry) return false
    this.recurring.delete(key)
    entry.stopped = true
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer)
    entry.controller.abort()
    await entry.inFlight
    return true
  }

  /** Stops every recurring action of a resource (before its stop, as Pacemaker cancels monitors). */
  async stopRecurringFor(resource: string): Promise<string[]> {
    const keys = [...this.recurring.values()].filter((e) => e.request.resource === resource).map((e) => e.key)
    await Promise.all(keys.map(async (k) => this.stopRecurring(k)))
    return keys
  }

  recurringKeys(): string[] {
    return [...this.recurring.keys()]
  }

  /** Stops all recurring actions and waits for them. One-shot actions already queued still run. */
  async close(): Promise<void> {
    await Promise.all([...this.recurring.keys()].map(async (k) => this.stopRecurring(k)))
  }

  private schedule(entry: Recurring, delayMs: number): void {
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined
      if (entry.stopped) return
      // stopRecurring drops this run while it waits in the queue, but lets a running one finish.
      entry.inFlight = this.enqueue(entry.request, entry.controller.signal, false)
      void entry.inFlight.then((result) => {
        entry.inFlight = undefined
        if (entry.stopped) return
        try {
          entry.onResult(result)
        } finally {
          // A throwing callback is a bug of the caller; the monitor keeps its schedule regardless.
          if (!entry.stopped) this.schedule(entry, this.nextDelay(entry.request.intervalMs!))
        }
      })
    }, delayMs)
  }

  private nextDelay(intervalMs: number): number {
    return Math.round(intervalMs * (1 + this.jitterFraction * this.random()))
  }

  private dropQueued(task: QueuedTask): void {
    const index = this.waiting.indexOf(task)
    if (index < 0) return
    this.waiting.splice(index, 1)
    task.resolve(this.notRun(task, 'cancelled', 'cancelled before it ran'))
  }

  /** Starts every waiting task whose resource is idle, oldest first, while node slots remain. */
  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.maxConcurrent;) {
      const task = this.waiting[i]!
      if (this.busy.has(task.request.resource)) {
        i++
        continue
      }
      this.waiting.splice(i, 1)
      if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort)
      this.busy.add(task.request.resource)
      this.running++
      void this.execute(task).catch((error: unknown) => this.notRun(task, 'error', `executor failure: ${String(error)}`)).then((result) => {
        this.busy.delete(task.request.resource)
        this.running--
        task.resolve(result)
        this.pump()
      })
    }
  }

  private async execute(task: QueuedTask): Promise<ActionResult> {
    const {request} = task
    let agent: ResolvedAgent
    try {
      agent = resolveAgent(request.agent, this.locations)
    } catch (error) {
      if (error instanceof AgentNameError) return this.notRun(task, 'error', error.message)
      throw error
    }
    if (!(request.timeoutMs > 0) || !Number.isFinite(request.timeoutMs)) return this.notRun(task, 'error', `timeout of ${request.action} must be a positive number of ms, got ${request.timeoutMs}`)
    const command = this.command(request)
    if (typeof command === 'string') return this.notRun(task, 'error', command)
    const startedAtMs = this.clock.now()
    if (this.inProcessAddressMonitors && addressSurelyRunning(request) && agentPresent(agent.program)) {
      return {...this.resultBase(task, startedAtMs, 0), status: 'done', ocfCode: OCF.SUCCESS, ocfResult: ocfName(OCF.SUCCESS), exitCode: 0, signal: null,
        reason: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false}
    }
    const outcome = await runProcess({
      ...command,
      timeoutMs: request.timeoutMs,
      killGraceMs: this.killGraceMs,
      outputLimitBytes: this.outputLimitBytes,
      signal: task.killOnAbort ? task.signal : undefined,
      clock: this.clock,
    })
    return this.toResult(task, agent, outcome, startedAtMs)
  }

  /**
   * The argv and environment this executor would run for a request, without running
   * it: the resource guard runs a held instance's stop itself when the daemon is gone.
   * A string explains why the request cannot run.
   */
  command(request: ActionRequest): {file: string, args: string[], env: Record<string, string>} | string {
    let agent: ResolvedAgent
    try {
      agent = resolveAgent(request.agent, this.locations)
    } catch (error) {
      if (error instanceof AgentNameError) return error.message
      throw error
    }
    const env = this.environment(agent, request)
    if (typeof env === 'string') return env
    return {
      file: this.wrapper[0] ?? agent.program,
      args: [...this.wrapper.slice(1), ...(this.wrapper.length > 0 ? [agent.program] : []), actionArgument(agent, request.action)],
      env,
    }
  }

  /** The environment Pacemaker gives an OCF agent; a string explains a refused parameter. */
  private environment(agent: ResolvedAgent, request: ActionRequest): Record<string, string> | string {
    const env: Record<string, string> = {
      PATH: DEFAULT_PATH,
      LC_ALL: 'C',
      HA_SBIN_DIR: PACEMAKER_SHIMS_DIR,
      HACTL_NODE: process.execPath,
      ...this.env,
      OCF_RA_VERSION_MAJOR: '1',
      OCF_RA_VERSION_MINOR: '1',
      OCF_ROOT: agent.ocfRoot,
      OCF_RESOURCE_INSTANCE: request.resource,
      OCF_RESOURCE_TYPE: agent.spec.class === 'systemd' ? 'service' : agent.spec.type,
      OCF_RESOURCE_PROVIDER: agent.spec.class === 'ocf' ? agent.spec.provider! : 'hactl',
      OCF_RESKEY_crm_feature_set: CRM_FEATURE_SET,
      OCF_RESKEY_CRM_meta_timeout: String(Math.max(0, Math.round(request.timeoutMs))),
      OCF_RESKEY_CRM_meta_interval: String(Math.max(0, Math.round(request.intervalMs ?? 0))),
      OCF_RESKEY_CRM_meta_name: request.action,
    }
    env.PATH = `${PACEMAKER_SHIMS_DIR}:${env.PATH}`
    for (const [name, value] of Object.entries({...request.params, ...agent.impliedParams})) {
      const problem = checkEnvEntry('parameter', name, value)
      if (problem) return problem
      env[`OCF_RESKEY_${name}`] = value
    }
    for (const [name, value] of Object.entries(request.meta ?? {})) {
      const key = name.replaceAll('-', '_')
      const problem = checkEnvEntry('meta attribute', key, value)
      if (problem) return problem
      env[`OCF_RESKEY_CRM_meta_${key}`] = value
    }
    if (request.checkLevel !== undefined) {
      env.OCF_CHECK_LEVEL = String(request.checkLevel)
      env.OCF_RESKEY_CRM_meta_OCF_CHECK_LEVEL = String(request.checkLevel)
    }
    return env
  }

  private toResult(task: QueuedTask, agent: ResolvedAgent, outcome: ProcessOutcome, startedAtMs: number): ActionResult {
    const {request} = task
    const base = this.resultBase(task, startedAtMs, this.clock.now() - startedAtMs)
    const output = {stdout: outcome.stdout, stderr: outcome.stderr, stdoutTruncated: outcome.stdoutTruncated, stderrTruncated: outcome.stderrTruncated}
    const raw = {exitCode: outcome.exitCode, signal: outcome.signal}
    switch (outcome.kind) {
    case 'spawn-error': {
      // As Pacemaker: a missing program is "not installed" (5), one we may not run "insufficient privileges" (4).
      const missing = outcome.errorCode === 'ENOENT'
      const status: ExecStatus = missing ? 'not-installed' : 'error'
      const ocfCode = missing ? OCF.ERR_INSTALLED : outcome.errorCode === 'EACCES' ? OCF.ERR_PERM : null
      const reason = missing ? `agent ${agent.id} not found (${agent.program})` : `cannot run ${agent.program}: ${outcome.errorCode}`
      return {...base, ...output, ...raw, status, ocfCode, ocfResult: ocfName(ocfCode), reason}
    }
    case 'timeout':
      return {...base, ...output, ...raw, status: 'timeout', ocfCode: null, ocfResult: 'none', reason: `${request.action} timed out after ${request.timeoutMs} ms`}
    case 'cancelled':
      return {...base, ...output, ...raw, status: 'cancelled', ocfCode: null, ocfResult: 'none', reason: 'cancelled'}
    case 'exited': {
      if (outcome.exitCode === null) {
        return {...base, ...output, ...raw, status: 'error', ocfCode: null, ocfResult: 'none', reason: `agent killed by ${outcome.signal}`}
      }
      const ocfCode = agent.dialect === 'lsb' ? ocfFromLsbExit(request.action, outcome.exitCode) : ocfFromExit(outcome.exitCode)
      const unknown = agent.dialect === 'ocf' && ocfCode !== outcome.exitCode ? `unknown exit code ${outcome.exitCode}` : null
      return {...base, ...output, ...raw, status: 'done', ocfCode, ocfResult: ocfName(ocfCode), reason: exitReason(outcome.stderr) ?? unknown}
    }
    }
  }

  private resultBase(task: QueuedTask, startedAtMs: number, durationMs: number): Pick<ActionResult, 'resource' | 'agent' | 'action' | 'intervalMs' | 'startedAtMs' | 'durationMs' | 'queuedMs'> {
    const {request} = task
    return {
      resource: request.resource,
      agent: request.agent,
      action: request.action,
      intervalMs: request.intervalMs ?? 0,
      startedAtMs,
      durationMs,
      queuedMs: Math.max(0, startedAtMs - task.enqueuedAt),
    }
  }

  private notRun(task: QueuedTask, status: ExecStatus, reason: string): ActionResult {
    const now = this.clock.now()
    return {
      ...this.resultBase(task, now, 0),
      status,
      ocfCode: null,
      ocfResult: 'none',
      exitCode: null,
      signal: null,
      reason,
      stdout: '',
      stderr: '',
      stdoutTruncated: false,
      stderrTruncated: false,
    }
  }
}

/** Pacemaker's operation key: RESOURCE_ACTION_INTERVALMS. */
export function operationKey(resource: string, action: string, intervalMs: number): string {
  return `${resource}_${action}_${intervalMs}`
}

function checkEnvEntry(what: string, name: string, value: string): string | null {
  if (!ENV_NAME.test(name)) return `${what} name '${name}' is not usable as an environment variable (letters, digits, _)`
  if (value.includes('\0')) return `${what} ${name} contains a NUL byte`
  return null
}

/** The last "ocf-exit-reason:" line an agent printed on stderr (the OCF 1.1 convention). */
export function exitReason(stderr: string): string | null {
  const lines = stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'))
  const last = lines.at(-1)
  return last === undefined ? null : last.slice('ocf-exit-reason:'.length).trim() || null
}
