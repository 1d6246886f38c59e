// The daemon's Prometheus metrics (prom-client). Two kinds, and neither adds a timer:
// - state, computed when scraped from what the daemon already holds (status, the
//   replicated configuration, the membership snapshot), under ha_cluster_exporter's
//   names where it has one, so its dashboards work;
// - events, counted as the daemon logs them (a tap on the Logger): view changes,
//   transitions, fence attempts, agent operations, alert deliveries, failovers.
import {Counter, Gauge, Histogram, Registry} from 'prom-client'
import type {ClusterStatus} from '../../client/status.js'
import type {BootstrapConfig} from '../../core/config/bootstrap-types.js'
import {propertyValue} from '../../core/config/defaults.js'
import {parseScore} from '../../core/config/scores.js'
import type {ResourceConfig} from '../../core/config/types.js'
import {emptyFailoverBook, instanceFailed, nodesLost, observePlacement, refineLoss, type FailoverBook, type Placement} from '../../core/metrics/failover.js'
import type {Fields, Level, LogTap} from '../logger.js'
import type {MembershipSnapshot} from '../membership-service.js'

/** What the metrics read from the daemon, only when scraped or when an event comes. */
export interface MetricsSource {
  readonly nodeName: string
  readonly bootstrap: BootstrapConfig
  status(): ClusterStatus
  config(): ResourceConfig | undefined
  membership(): MembershipSnapshot | undefined
  /** The last status the DC published (kept across view changes): where things ran before a loss. */
  lastDcStatus(): ClusterStatus | undefined
  now(): number
  /** On the active DC: when it reckons each lost node was last heard (the orchestrator's lostAtMs). */
  lostNodes?(): Record<string, number | undefined> | undefined
}

const FAILOVER_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300]
const TRANSITION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]
const AGENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
/** Transitions whose start is remembered for their duration (bounded: a lost 'settled' never leaks). */
const MAX_OPEN_TRANSITIONS = 64

export function placementOf(status: ClusterStatus | undefined): Placement {
  const placement: Record<string, string[]> = {}
  for (const r of status?.resources ?? []) if (r.role === 'started' && r.nodes.length > 0) placement[r.id] = r.nodes
  return placement
}

function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value
}

/**
 * A gauge family with one series per resource, computed whole at scrape time and
 * written as text here: prom-client's set() hashes every label set and its
 * formatter walks every label object, which costs tens of milliseconds for a
 * thousand resources; this costs a string per series.
 */
class ComputedGauge {
  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly string[], private readonly compute: () => Array<{labels: readonly string[], value: number}>) {}

  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    for (const {labels, value} of this.compute()) {
      const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(labels[i])}"`).join(',')
      lines.push(`${this.name}{${pairs}} ${value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : value}`)
    }
    return lines.join('\n')
  }
}

function str(v: Fields[string]): string {
  return v === undefined || v === null ? '' : Array.isArray(v) ? v.join(',') : String(v)
}

function list(v: Fields[string]): string[] {
  if (Array.isArray(v)) return v.map(String)
  return typeof v === 'string' && v !== '' ? v.split(',') : []
}

export class DaemonMetrics {
  readonly registry = new Registry()
  private failovers: FailoverBook = emptyFailoverBook()
  private readonly transitionStarts = new Map<number, number>()
  /** Families with a series per resource or constraint, written as text (ComputedGauge). */
  private readonly computed: ComputedGauge[] = []
  /** The status, built once per scrape (building it walks every resource). */
  private scrapeStatus: ClusterStatus | undefined

  private readonly failoverSeconds: Histogram<'cause'>
  private readonly viewChanges: Counter<'reason'>
  private readonly suspicions: Counter<'outcome'>
  private readonly transitions: Counter<never>
  private readonly transitionSeconds: Histogram<never>
  private readonly fences: Counter<'node' | 'outcome'>
  private readonly agentSeconds: Histogram<'agent' | 'action'>
  /** resource + action -> the last duration (a computed gauge; removed resources are dropped at scrape). */
  private readonly agentLast = new Map<string, {labels: string[], value: number}>()
  private prunedAtEpoch = -1
  private readonly agentOps: Counter<'agent' | 'action' | 'result'>
  private readonly alerts: Counter<'alert' | 'outcome'>
  private readonly guardTrips: Counter<never>
  private readonly actionsFailed: Counter<'resource' | 'action'>

  constructor(private readonly source: MetricsSource) {
    const registers = [this.registry]
    const self = this
    this.registry.setDefaultLabels({})

    // ---- state: ha_cluster_exporter's names ----
    new Gauge({
      name: 'ha_cluster_pacemaker_nodes', help: 'Each node in each status (online, standby, maintenance, unclean, dc): 1 or 0.',
      labelNames: ['node', 'type', 'status'], registers,
      collect() {
        this.reset()
        const status = self.statusNow()
        for (const n of status.nodes) {
          const states: Record<string, boolean> = {online: n.online, standby: n.standby, maintenance: n.maintenance, unclean: n.unclean, dc: status.dc === n.name}
          for (const [s, on] of Object.entries(states)) this.set({node: n.name, type: 'member', status: s}, on ? 1 : 0)
        }
      },
    })
    this.computed.push(new ComputedGauge('ha_cluster_pacemaker_resources', 'Each resource instance where it is, with its role and status: 1.',
      ['node', 'resource', 'role', 'managed', 'status', 'agent', 'group', 'clone'], () => {
      const values: Array<{labels: string[], value: number}> = []
      for (const r of self.statusNow().resources) {
        const clone = r.id.includes(':') ? r.id.slice(0, r.id.lastIndexOf(':')) : ''
        const role = r.role === 'started' || r.role === 'failed' ? 'started' : 'stopped'
        const state = r.role === 'failed' ? 'failed' : r.agent === 'orphan' ? 'orphaned' : r.nodes.length > 0 ? 'active' : 'stopped'
        const managed = r.role === 'unmanaged' ? 'false' : 'true'
        for (const node of r.nodes.length === 0 ? [''] : r.nodes) {
          values.push({labels: [node, r.id, role, managed, state, r.agent, r.group ?? '', clone], value: 1})
        }
      }
      return values
    }))
    this.computed.push(new ComputedGauge('ha_cluster_pacemaker_fail_count', 'Fail count per node and resource.', ['node', 'resource'],
      () => self.statusNow().failures.map((f) => ({labels: [f.node, f.resource], value: f.failCount >= 1_000_000 ? Infinity : f.failCount}))))
    this.computed.push(new ComputedGauge('ha_cluster_pacemaker_migration_threshold', 'Migration threshold per node and resource (failures after which it moves away).', ['node', 'resource'], () => {
      const config = self.source.config()
      const failures = self.statusNow().failures
      if (!config || failures.length === 0) return []
      const fallback = propertyValue(config, 'migration-threshold')
      const byId = new Map(config.resources.map((r) => [r.id, r]))
      return failures.map((f) => {
        const base = f.resource.includes(':') ? f.resource.slice(0, f.resource.lastIndexOf(':')) : f.resource
        const score = parseScore(byId.get(base)?.meta['migration-threshold'] || fallback) ?? 1_000_000
        return {labels: [f.node, f.resource], value: score >= 1_000_000 ? Infinity : score}
      })
    }))
    this.computed.push(new ComputedGauge('ha_cluster_pacemaker_location_constraints', 'Location constraints on a node: their score.', ['constraint', 'node', 'resource', 'role'], () => {
      const values: Array<{labels: string[], value: number}> = []
      for (const c of self.source.config()?.constraints ?? []) {
        if (c.type !== 'location' || c.node === undefined) continue
        const score = parseScore(c.score) ?? 0
        values.push({labels: [c.id, c.node, c.resource, ''], value: score >= 1_000_000 ? Infinity : score <= -1_000_000 ? -Infinity : score})
      }
      return values
    }))
    new Gauge({
      name: 'ha_cluster_pacemaker_constraints', help: 'Constraints in the configuration, by type.',
      labelNames: ['type'], registers,
      collect() {
        this.reset()
        const counts: Record<string, number> = {location: 0, colocation: 0, order: 0}
        for (const c of self.source.config()?.constraints ?? []) counts[c.type] = (counts[c.type] ?? 0) + 1
        for (const [type, n] of Object.entries(counts)) this.set({type}, n)
      },
    })
    new Gauge({
      name: 'ha_cluster_pacemaker_stonith_enabled', help: 'Whether fencing is enabled (stonith-enabled): 1 or 0.', registers,
      collect() {
        const config = self.source.config()
        this.set(config && propertyValue(config, 'stonith-enabled') === 'true' ? 1 : 0)
      },
    })
    new Gauge({
      name: 'ha_cluster_corosync_quorate', help: 'Whether this node is in a quorate view: 1 or 0.', registers,
      collect() {
        this.set(self.source.membership()?.view.quorate ? 1 : 0)
      },
    })
    new Gauge({
      name: 'ha_cluster_corosync_quorum_votes', help: 'Quorum votes: expected_votes, total_votes, quorum.',
      labelNames: ['type'], registers,
      collect() {
        this.reset()
        const view = self.source.membership()?.view
        if (!view) return
        this.set({type: 'expected_votes'}, view.expectedVotes)
        this.set({type: 'highest_expected'}, view.expectedVotes)
        this.set({type: 'total_votes'}, view.totalVotes)
        this.set({type: 'quorum'}, Math.floor(view.expectedVotes / 2) + 1)
      },
    })
    new Gauge({
      name: 'ha_cluster_corosync_member_votes', help: 'Votes each member of the current view contributes.',
      labelNames: ['node_id', 'node', 'local'], registers,
      collect() {
        this.reset()
        const m = self.source.membership()
        for (const member of m?.view.members ?? []) this.set({node_id: String(member.id), node: member.name, local: String(member.id === m!.nodeId)}, member.votes)
      },
    })
    new Gauge({
      name: 'ha_cluster_corosync_rings', help: 'Each link (ring): 1 when up (a peer heard on it within the token timeout), 0 when faulty.',
      labelNames: ['ring_id', 'node_id', 'number', 'address'], registers,
      collect() {
        this.reset()
        const m = self.source.membership()
        for (const link of m?.links ?? []) this.set({ring_id: String(m!.view.viewId), node_id: String(m!.nodeId), number: String(link.link), address: link.localAddr}, link.up ? 1 : 0)
      },
    })
    new Gauge({
      name: 'ha_cluster_corosync_ring_errors', help: 'Faulty links (rings).', registers,
      collect() {
        this.set((self.source.membership()?.links ?? []).filter((l) => !l.up).length)
      },
    })

    // ---- state: hactl's own ----
    new Gauge({
      name: 'hactl_link_peer_up', help: 'Whether a peer was heard on a link within the token timeout: 1 or 0.',
      labelNames: ['link', 'peer'], registers,
      collect() {
        this.reset()
        const m = self.source.membership()
        if (!m) return
        for (const link of m.links) {
          for (const n of self.source.bootstrap.nodes) if (n.id !== m.nodeId) this.set({link: String(link.link), peer: n.name}, link.peersUp.includes(n.id) ? 1 : 0)
        }
      },
    })
    new Gauge({
      name: 'ha_cluster_link_rtt_seconds', help: 'Smoothed heartbeat round-trip time to each peer (echo delay less the peer\'s hold time).',
      labelNames: ['peer'], registers,
      collect() {
        this.reset()
        const m = self.source.membership()
        for (const n of self.source.bootstrap.nodes) if (m?.rttMs[n.id] !== undefined) this.set({peer: n.name}, m.rttMs[n.id] / 1000)
      },
    })
    new Counter({
      name: 'hactl_membership_packets_dropped_total', help: 'Membership packets dropped, by reason (forged, replayed, foreign, malformed, …).',
      labelNames: ['reason'], registers,
      collect() {
        this.reset()
        for (const [reason, n] of Object.entries(self.source.membership()?.counters.dropped ?? {})) this.inc({reason}, n)
      },
    })
    new Gauge({
      name: 'hactl_view_id', help: 'The id of this node\'s current membership view.', registers,
      collect() {
        this.set(self.source.membership()?.view.viewId ?? 0)
      },
    })
    new Gauge({
      name: 'hactl_config_epoch', help: 'Epoch of the committed resource configuration on this node.', registers,
      collect() {
        this.set(self.source.config()?.epoch ?? 0)
      },
    })
    new Gauge({
      name: 'hactl_dc', help: 'Whether this node is the DC: 1 or 0.', registers,
      collect() {
        this.set(self.statusNow().dc === self.source.nodeName ? 1 : 0)
      },
    })
    new Gauge({
      name: 'hactl_balancer_backend', help: 'Each backend of each load balancer (ocf:hactl:balancer) with its state as the DC sees it (active, adding, removing, failed): 1.',
      labelNames: ['balancer', 'backend', 'state'], registers,
      collect() {
        this.reset()
        for (const b of self.statusNow().balancers ?? []) for (const backend of b.backends) this.set({balancer: b.id, backend: backend.node, state: backend.state}, 1)
      },
    })
    new Gauge({
      name: 'hactl_failovers_pending', help: 'Instances lost and not yet running elsewhere (as this node knows).', registers,
      collect() {
        this.set(Object.keys(self.failovers.lost).length)
      },
    })

    // ---- events ----
    this.failoverSeconds = new Histogram({
      name: 'hactl_failover_duration_seconds', help: 'From a resource lost (its node left the view, or an operation failed) to it running on another node; observed by the DC.',
      labelNames: ['cause'], buckets: FAILOVER_BUCKETS, registers,
    })
    this.viewChanges = new Counter({name: 'hactl_membership_view_changes_total', help: 'Agreed membership views this node entered, by the reason the previous one ended.', labelNames: ['reason'], registers})
    this.suspicions = new Counter({
      name: 'hactl_membership_suspicions_total',
      help: 'Agreed views that ended because a member went silent (member-lost) or this node was paused: outcome evicted when the next agreed view lost a member, cleared when everyone stayed.',
      labelNames: ['outcome'], registers,
    })
    this.transitions = new Counter({name: 'hactl_transitions_total', help: 'Transitions the DC started on this node.', registers})
    this.transitionSeconds = new Histogram({name: 'hactl_transition_duration_seconds', help: 'From a transition planned to all its actions done.', buckets: TRANSITION_BUCKETS, registers})
    this.fences = new Counter({name: 'hactl_fence_attempts_total', help: 'Fence attempts by target node and outcome (done, failed, no-device).', labelNames: ['node', 'outcome'], registers})
    // By agent and action: a histogram per resource would be thousands of series at 1,000 resources.
    this.agentSeconds = new Histogram({name: 'hactl_agent_operation_duration_seconds', help: 'Resource agent operations on this node, by agent and action.', labelNames: ['agent', 'action'], buckets: AGENT_BUCKETS, registers})
    this.computed.push(new ComputedGauge('hactl_agent_operation_last_duration_seconds', 'The last run of each resource\'s action on this node.', ['resource', 'action'], () => {
      const config = self.source.config()
      if (config && config.epoch !== self.prunedAtEpoch) {
        // Resources removed from the configuration leave the family (looked at once per configuration change).
        self.prunedAtEpoch = config.epoch
        const known = new Set(config.resources.map((r) => r.id))
        for (const [key, entry] of self.agentLast) {
          const resource = entry.labels[0]
          const at = resource.lastIndexOf(':')
          if (!known.has(resource) && !(at > 0 && known.has(resource.slice(0, at)))) self.agentLast.delete(key)
        }
      }
      return [...self.agentLast.values()]
    }))
    this.agentOps = new Counter({name: 'hactl_agent_operations_total', help: 'Resource agent operations on this node, by agent, action and OCF result.', labelNames: ['agent', 'action', 'result'], registers})
    this.alerts = new Counter({name: 'hactl_alert_deliveries_total', help: 'Alert agent runs by alert and outcome (delivered, retry, failed).', labelNames: ['alert', 'outcome'], registers})
    this.guardTrips = new Counter({name: 'hactl_guard_trips_total', help: 'Times the resource guard dropped this node\'s resources (daemon gone or stalled).', registers})
    this.actionsFailed = new Counter({name: 'hactl_actions_failed_total', help: 'Dispatched actions that failed, by resource and action (seen by the DC).', labelNames: ['resource', 'action'], registers})
    // Series that exist from the start, at 0: Prometheus' increase() cannot see a first event in a series that appears with it.
    for (const cause of ['node-lost', 'failed']) this.failoverSeconds.zero({cause})
    for (const reason of ['member-lost', 'member-left', 'paused', 'new-round', 'startup']) this.viewChanges.inc({reason}, 0)
    for (const outcome of ['cleared', 'evicted']) this.suspicions.inc({outcome}, 0)
    for (const n of source.bootstrap.nodes ?? []) for (const outcome of ['done', 'failed']) this.fences.inc({node: n.name, outcome}, 0)
  }

  /** The Logger tap: typed counting of the daemon's own events. */
  readonly tap: LogTap = (_level: Level, event: string, fields: Fields) => {
    switch (event) {
      case 'view-change':
      case 'quorum-change':
        if (fields.phase === 'usable') {
          const reason = str(fields.reason) || 'unknown'
          this.viewChanges.inc({reason})
          if (reason === 'member-lost' || reason === 'paused') this.suspicions.inc({outcome: list(fields.left).length > 0 ? 'evicted' : 'cleared'})
        }
        break
      case 'view': {
        const left = list(fields.left)
        if (left.length > 0) this.failovers = nodesLost(this.failovers, left, placementOf(this.source.lastDcStatus()), this.source.now())
        break
      }
      case 'transition': {
        this.transitions.inc()
        const heard = this.source.lostNodes?.()
        if (heard) this.failovers = refineLoss(this.failovers, heard)
        const id = Number(fields.id)
        this.transitionStarts.set(id, this.source.now())
        if (this.transitionStarts.size > MAX_OPEN_TRANSITIONS) this.transitionStarts.delete(this.transitionStarts.keys().next().value!)
        // Instances the DC now knows failed (a monitor, a start) are lost from where they failed.
        for (const r of this.source.status().resources) {
          if (r.role === 'failed') for (const node of r.nodes) this.failovers = instanceFailed(this.failovers, r.id, node, this.source.now())
        }
        break
      }
      case 'transition-complete': {
        const id = Number(fields.id)
        const started = this.transitionStarts.get(id)
        if (started !== undefined) {
          this.transitionSeconds.observe((this.source.now() - started) / 1000)
          this.transitionStarts.delete(id)
        }
        const {book, failovers} = observePlacement(this.failovers, placementOf(this.source.status()), this.source.now())
        this.failovers = book
        for (const f of failovers) this.failoverSeconds.observe({cause: f.cause}, f.durationMs / 1000)
        break
      }
      case 'action-result':
        if (fields.ok === false && typeof fields.resource === 'string') {
          this.actionsFailed.inc({resource: fields.resource, action: str(fields.op)})
          this.failovers = instanceFailed(this.failovers, fields.resource, str(fields.node), this.source.now())
        }
        break
      case 'fence-done':
      case 'fence-failed':
      case 'fence-no-device':
        this.fences.inc({node: str(fields.node), outcome: event.slice('fence-'.length)})
        break
      case 'agent-op':
        this.agentSeconds.observe({agent: str(fields.agent), action: str(fields.action)}, Number(fields.duration_ms) / 1000)
        this.agentLast.set(`${str(fields.resource)}\u0000${str(fields.action)}`, {labels: [str(fields.resource), str(fields.action)], value: Number(fields.duration_ms) / 1000})
        this.agentOps.inc({agent: str(fields.agent), action: str(fields.action), result: str(fields.result)})
        break
      case 'alert-delivered':
      case 'alert-retry':
      case 'alert-failed':
        this.alerts.inc({alert: str(fields.alert), outcome: event.slice('alert-'.length)})
        break
      case 'guard-tripped':
        this.guardTrips.inc()
        break
    }
  }

  /**
   * The status for a scrape: the DC's last published one when it is of the current
   * view (every node holds it; the DC republishes on every change), else built.
   */
  private statusNow(): ClusterStatus {
    if (this.scrapeStatus) return this.scrapeStatus
    const published = this.source.lastDcStatus()
    const view = this.source.membership()?.view
    this.scrapeStatus = published && view?.quorate && published.viewId === view.viewId ? published : this.source.status()
    return this.scrapeStatus
  }

  /** The exposition text. */
  async render(): Promise<{contentType: string, body: string}> {
    this.scrapeStatus = undefined
    try {
      const body = await this.registry.metrics()
      return {contentType: this.registry.contentType, body: `${body.endsWith('\n') ? body : `${body}\n`}\n${this.computed.map((c) => `${c.text()}\n`).join('\n')}`}
    } finally {
      this.scrapeStatus = undefined
    }
  }
}
