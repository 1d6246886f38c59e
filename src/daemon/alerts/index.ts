// Alert delivery on the DC (issue 13): for every alert event the daemon logs, each
// selected alert's agent runs once per recipient with Pacemaker's CRM_alert_*
// environment — so Pacemaker's sample agents run unchanged — at most
// MAX_CONCURRENT at once and, per alert and recipient, one at a time in sequence
// order (a recipient sees events in order); a run that fails is retried with
// backoff until it exits 0 or the retry limit passes, and each delivery is recorded (stateDir/alert-history.json,
// `hactl alert history`). Runs never block the daemon and never throw into it.
import {Coalesced} from '../coalesced.js'
import {execa} from 'execa'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {AlertEntry} from '../../core/config/alerts.js'
import {parseDurationMs} from '../../core/config/durations.js'
import type {ResourceConfig} from '../../core/config/types.js'
import {alertEnvironment, attributeEvents, DEFAULT_RETRY, eventsOf, formatTimestamp, monitorFailures, nextSequence, nodeEvents, retryDelayMs, selectAlerts, type AlertEvent, type KnownFailure, type NodeAttributes, type RetryPolicy, type SequenceState} from '../../core/alerts/index.js'
import {writeFileAtomic} from '../../store/atomic-file.js'
import type {Fields, Level, Logger} from '../logger.js'

export const MAX_CONCURRENT = 4
/** Deliveries kept in the history (memory and file). */
export const HISTORY_LIMIT = 500
/** Deliveries waiting beyond this are dropped (and recorded as such): a flood never grows memory without bound. */
const MAX_QUEUED = 1_000
const DEFAULT_TIMEOUT_MS = 30_000
export const ALERT_HISTORY_FILE = 'alert-history.json'

export interface AlertDelivery {
  sequence: number
  alert: string
  recipient: string
  kind: AlertEvent['kind']
  node: string
  /** What the event was, in words (the agent's CRM_alert_desc, with the resource and task). */
  summary: string
  /** When the event happened (ms since the epoch). */
  atMs: number
  attempts: number
  outcome: 'delivered' | 'failed' | 'dropped' | 'pending'
  /** Exit code of the last run (null when killed or not started). */
  lastExit: number | null
  lastError?: string
  doneAtMs?: number
}

interface Job {
  key: string
  record: AlertDelivery
  alert: AlertEntry
  env: Record<string, string>
}

export interface AlertSource {
  readonly nodeName: string
  readonly stateDir: string
  config(): ResourceConfig | undefined
  nodeIds: ReadonlyMap<string, number>
  /** The view id this node is in (for the sequence numbers). */
  viewId(): number
  /** The failures the DC knows (hactl status), for recurring monitors' failures. */
  failures(): KnownFailure[]
  /** When this node becomes DC: the failures known before (the former DC's last status, this node's own). */
  priorFailures(): KnownFailure[]
  /** On the active DC only: every up node's attributes, configured and transient (undefined elsewhere). */
  nodeAttributes?(): NodeAttributes | undefined
  now(): number
}

/** How often the DC compares node attributes (a change is also seen at any logged event). */
export const ATTRIBUTE_CHECK_MS = 1_000

function describe(event: AlertEvent): string {
  switch (event.kind) {
    case 'node': return `node ${event.node} ${event.desc}`
    case 'fencing': return `fencing ${event.desc}`
    case 'resource': return `${event.rsc} ${event.task}${event.intervalMs ? ` (${event.intervalMs}ms)` : ''} on ${event.node}: ${event.desc}`
    case 'attribute': return event.value === null ? `attribute ${event.name} on ${event.node} removed` : `attribute ${event.name} on ${event.node} = ${event.value}`
  }
}

export class AlertDispatcher {
  private sequence: SequenceState = {viewId: 0, n: 0}
  /** Per alert and recipient, in sequence order. */
  private readonly queues = new Map<string, Job[]>()
  /** Keys with a run in flight or waiting to retry: their next job waits. */
  private readonly busy = new Set<string>()
  private queued = 0
  private running = 0
  private readonly timers = new Set<NodeJS.Timeout>()
  private history: AlertDelivery[] = []
  private readonly saver = new Coalesced(() => this.writeHistory())
  private stopped = false
  /** Members of the last quorate view this node saw (node events are against it). */
  private quorateMembers: readonly string[] | null = null
  /** Failures already alerted or already known when this node became DC. */
  private seenFailures: Record<string, number> = {}
  /** The node attributes at the last look, as DC (undefined: not DC, or not looked yet). */
  private attributes: NodeAttributes | undefined
  private attributeTimer: NodeJS.Timeout | undefined

  constructor(private readonly source: AlertSource, private readonly logger: Logger, private readonly retry: RetryPolicy = DEFAULT_RETRY) {}

  async load(): Promise<void> {
    this.armAttributeCheck(this.source.config()?.alerts?.length ?? 0)
    try {
      const saved = JSON.parse(await readFile(join(this.source.stateDir, ALERT_HISTORY_FILE), 'utf8')) as {deliveries?: AlertDelivery[], sequence?: SequenceState}
      this.history = Array.isArray(saved.deliveries) ? saved.deliveries.slice(-HISTORY_LIMIT) : []
      if (saved.sequence && Number.isInteger(saved.sequence.viewId)) this.sequence = saved.sequence
    } catch {
      this.history = []
    }
  }

  /** The Logger tap. */
  readonly tap = (_level: Level, event: string, fields: Fields): void => {
    if (this.stopped) return
    const config = this.source.config()
    const alerts = config?.alerts ?? []
    if (event === 'dc-ready') {
      // What failed before this node became DC was the former DC's to alert.
      this.seenFailures = monitorFailures({}, this.source.priorFailures(), () => 0).seen
      return
    }
    const events = eventsOf(event, fields, this.source.nodeName, this.source.nodeIds)
    if (event === 'view') {
      const found = nodeEvents(this.quorateMembers, fields, this.source.nodeName, this.source.nodeIds)
      this.quorateMembers = found.members
      events.push(...found.events)
    }
    if (event === 'view' && typeof fields.dc === 'string' && fields.dc !== this.source.nodeName) this.attributes = undefined
    const changed = this.attributeChanges()
    this.armAttributeCheck(alerts.length)
    if (alerts.length === 0) return
    events.push(...changed)
    if (event === 'transition') {
      const intervalOf = (instance: string) => {
        const at = instance.lastIndexOf(':')
        const primitive = config?.resources.find((r) => r.id === instance) ?? config?.resources.find((r) => r.id === instance.slice(0, at))
        return parseDurationMs(primitive?.operations.find((o) => o.name === 'monitor' && o.interval !== '0')?.interval ?? '') ?? 0
      }
      const found = monitorFailures(this.seenFailures, this.source.failures(), intervalOf)
      this.seenFailures = found.seen
      events.push(...found.events)
    }
    const viewId = event === 'view' && typeof fields.view === 'number' ? fields.view : this.source.viewId()
    for (const e of events) this.submit(e, selectAlerts(alerts, e), viewId)
  }

  /**
   * Attribute events since the last look on the DC: at every logged event, and every
   * ATTRIBUTE_CHECK_MS (a commit of `hactl node attribute` or a transient attribute
   * in a report is not logged). The last look is kept while this node is not the
   * active DC for a moment (a view change it stays DC across); it is forgotten when
   * another node becomes DC, which alerts what changes meanwhile.
   */
  private attributeChanges(): AlertEvent[] {
    const now = this.source.nodeAttributes?.()
    if (now === undefined) return []
    const before = this.attributes
    this.attributes = now
    return attributeEvents(before, now, this.source.nodeIds)
  }

  /**
   * Commits and reports are not logged: a look every ATTRIBUTE_CHECK_MS (it finds
   * something on the DC only), armed only while an alert is configured — an idle
   * cluster without alerts has no timer of its own here. The tap re-decides at every
   * logged event, a committed configuration among them (config-committed, debug);
   * the last look is taken at every logged event either way, so the first check after
   * an alert is added compares with it.
   */
  private armAttributeCheck(alerts: number): void {
    if (alerts > 0 && !this.attributeTimer && this.source.nodeAttributes && !this.stopped) {
      this.attributeTimer = setInterval(() => this.checkAttributes(), ATTRIBUTE_CHECK_MS)
      this.attributeTimer.unref()
    } else if (alerts === 0 && this.attributeTimer) {
      clearInterval(this.attributeTimer)
      this.attributeTimer = undefined
    }
  }

  private checkAttributes(): void {
    if (this.stopped) return
    const alerts = this.source.config()?.alerts ?? []
    this.armAttributeCheck(alerts.length)
    const events = this.attributeChanges()
    if (events.length === 0 || alerts.length === 0) return
    const viewId = this.source.viewId()
    for (const e of events) this.submit(e, selectAlerts(alerts, e), viewId)
  }

  private submit(event: AlertEvent, alerts: AlertEntry[], viewId: number): void {
    if (alerts.length === 0) return
    const numbered = nextSequence(this.sequence, viewId)
    this.sequence = numbered.state
    const epochMs = this.source.now()
    const d = new Date(epochMs)
    const timestamp = formatTimestamp({hours: d.getHours(), minutes: d.getMinutes(), seconds: d.getSeconds(), ms: d.getMilliseconds()})
    for (const alert of alerts) {
      const recipients = alert.recipients.length > 0 ? alert.recipients : [{id: '', value: ''}]
      for (const recipient of recipients) {
        const record: AlertDelivery = {
          sequence: numbered.sequence, alert: alert.id, recipient: recipient.value, kind: event.kind, node: event.node,
          summary: describe(event), atMs: epochMs, attempts: 0, outcome: 'pending', lastExit: null,
        }
        const key = `${alert.id}\u0000${recipient.value}`
        const env = {...alert.options, ...alertEnvironment(event, {recipient: recipient.value, sequence: numbered.sequence, timestamp, epochMs})}
        if (this.queued >= MAX_QUEUED) {
          record.outcome = 'dropped'
          this.logger.log('error', 'alert-dropped', {alert: alert.id, sequence: record.sequence, queued: this.queued})
          this.record(record)
          continue
        }
        const queue = this.queues.get(key) ?? []
        queue.push({key, record, alert, env})
        this.queues.set(key, queue)
        this.queued++
      }
    }
    this.pump()
  }

  private pump(): void {
    for (const [key, queue] of this.queues) {
      if (this.stopped || this.running >= MAX_CONCURRENT) return
      if (this.busy.has(key)) continue
      const job = queue[0]
      this.busy.add(key)
      this.running++
      void this.run(job).then((done) => {
        this.running--
        if (done) this.finish(job)
        this.pump()
      })
    }
  }

  /** The job is over (delivered or given up): the next of its key may run. */
  private finish(job: Job): void {
    const queue = this.queues.get(job.key)
    queue?.shift()
    this.queued--
    if (queue && queue.length === 0) this.queues.delete(job.key)
    this.busy.delete(job.key)
  }

  /** One run; resolves true when the job is over, false when a retry is scheduled. */
  private async run(job: Job): Promise<boolean> {
    const {record, alert} = job
    record.attempts++
    const timeoutMs = parseDurationMs(alert.timeout ?? '') ?? DEFAULT_TIMEOUT_MS
    const result = await execa(alert.path, [], {
      env: {PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', ...job.env}, extendEnv: false, timeout: timeoutMs, reject: false,
      forceKillAfterDelay: 2_000, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', maxBuffer: 4096,
    }).catch((error: Error) => ({exitCode: undefined, timedOut: false, stderr: String(error.message), failed: true}))
    record.lastExit = result.exitCode ?? null
    if (result.exitCode === 0) {
      record.outcome = 'delivered'
      record.doneAtMs = this.source.now()
      delete record.lastError
      this.logger.log('info', 'alert-delivered', {alert: alert.id, sequence: record.sequence, recipient: record.recipient, attempts: record.attempts})
      this.record(record)
      return true
    }
    record.lastError = result.timedOut ? `timed out after ${timeoutMs} ms` : String(result.stderr ?? '').trim().split('\n').pop()?.slice(0, 200) || `exit ${result.exitCode}`
    const delay = retryDelayMs(record.attempts, this.retry)
    if (delay === null || this.stopped) {
      record.outcome = 'failed'
      record.doneAtMs = this.source.now()
      this.logger.log('error', 'alert-failed', {alert: alert.id, sequence: record.sequence, recipient: record.recipient, attempts: record.attempts, exit: record.lastExit, error: record.lastError})
      this.record(record)
      return true
    }
    this.logger.log('warning', 'alert-retry', {alert: alert.id, sequence: record.sequence, attempts: record.attempts, exit: record.lastExit, retry_in_ms: delay})
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (this.stopped) return
      this.busy.delete(job.key)
      this.pump()
    }, delay)
    this.timers.add(timer)
    return false
  }

  private record(delivery: AlertDelivery): void {
    this.history.push(delivery)
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT)
    void this.save()
  }

  private save(): Promise<void> {
    return this.saver.run()
  }

  private async writeHistory(): Promise<void> {
    const text = JSON.stringify({version: 1, sequence: this.sequence, deliveries: this.history})
    await writeFileAtomic(join(this.source.stateDir, ALERT_HISTORY_FILE), text, 0o600).catch((error) => {
      this.logger.log('warning', 'alert-history-not-saved', {error: String((error as Error).message)})
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.attributeTimer)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await this.saver.idle()
  }
}
