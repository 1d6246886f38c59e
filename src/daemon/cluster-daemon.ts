/**
 * `hactl daemon`: one per node. It wires the pure state machines — membership,
 * replication of the configuration, the DC's orchestration — to the world:
 * UDP heartbeats (MembershipService), authenticated TCP between daemons
 * (PeerNetwork), the disk (StateStore), agents (Executor via the LRM), fence
 * agents (Fencer) and the CLI (ControlServer). Every state machine is stepped
 * on this one event loop; their outputs are carried out right away.
 */
import {networkInterfaces, hostname} from 'node:os'
import {join} from 'node:path'
import {Executor} from '../agents/index.js'
import {HactlError} from '../cli/errors.js'
import {socketPath} from '../client/client.js'
import type {ClusterStatus} from '../client/status.js'
import type {BootstrapConfig, BootstrapNode} from '../core/config/bootstrap-types.js'
import {emptyConfig, propertyValue} from '../core/config/defaults.js'
import {validateResourceConfig} from '../core/config/validate.js'
import {parseDurationMs} from '../core/config/durations.js'
import type {ConfigEdit} from '../core/config/edits.js'
import type {ResourceConfig} from '../core/config/types.js'
import {withBalancers} from '../core/balancer/index.js'
import {clusterState, initialOrchestrator, stepOrchestrator, type NodeReport, type OrchestratorEvent, type OrchestratorOutput, type OrchestratorState} from '../core/orchestration/index.js'
import type {Action} from '../core/policy/actions.js'
import type {ClusterState} from '../core/policy/state.js'
import {NO_QUORUM_STOP_BUDGET_MS} from '../core/policy/nodes.js'
import {initialState, isReady, positionOf, step as stepReplication, type Event as ReplicationEvent, type Message as ReplicationMessage, type ReplicationState, type StoredRecord, type WriteResult} from '../core/replication/index.js'
import {settleAfterToken} from '../core/membership/config.js'
import {readAuthkey} from './authkey.js'
import {ControlServer} from './control-server.js'
import {Fencer} from './fencer.js'
import {exitFatal} from './fatal.js'
import {GuardLink} from './guard-link.js'
import {guardLeaseMs} from '../core/guard/index.js'
import type {Logger} from './logger.js'
import {LocalResourceManager} from './lrm.js'
import {MembershipService, type ViewEvent} from './membership-service.js'
import {PeerNetwork} from './peer-network.js'
import {buildStatus} from './status-builder.js'
import {StateStore, SyncValueFile} from './state-store.js'
import {startObservability, type Observability} from './observability.js'

/** Replication's tick (its options count in ticks) while it has work: retransmissions, a sync, writes. */
const TICK_MS = 100
/**
 * Once replication has been quiet for two of its longest retransmission backoffs
 * (no event, no tick output but the DC's periodic commit notices, so nothing is
 * waiting to be retransmitted), it ticks every QUIET_TICK_MS: the commit notices
 * that let a member notice a missed commit keep flowing, ten times slower. Any
 * event brings the 100 ms tick back at once.
 */
const QUIET_TICK_MS = 1_000
const STATUS_THROTTLE_MS = 50
/** The DC republishes its status this often even when nothing changed (a member may have missed one). */
const STATUS_REFRESH_MS = 1_000
const WRITE_RETRY_MS = 1000
const REPORT_RETRY_MS = 1000

type ToNode =
  | {t: 'report-request'}
  | {t: 'action', transitionId: number, action: Action}
  | {t: 'leave-granted'}
  | {t: 'cleanup', resource: string}
  | {t: 'status', status: ClusterStatus, state: ClusterState}
type ToDc =
  | {t: 'report', full: boolean, epoch: number, resources: NodeReport}
  | {t: 'result', transitionId: number, actionId: string, ok: boolean, resources: NodeReport}
  | {t: 'leave-request'}
type PeerMessage = {ch: 'repl', m: ReplicationMessage} | {ch: 'dc', viewId: number, m: ToNode} | {ch: 'node', m: ToDc}

export interface DaemonOptions {
  configDir: string
  stateDir: string
  runDir: string
  /** This node's name; found from the local addresses, then the host name, when absent. */
  nodeName?: string
  logger: Logger
}

/** Corosync finds its node by the local addresses; so does hactl, then by host name. */
export function findLocalNode(config: BootstrapConfig, name?: string): BootstrapNode {
  if (name !== undefined) {
    const node = config.nodes.find((n) => n.name === name)
    if (!node) throw new HactlError('not-a-node', `node ${JSON.stringify(name)} is not in cluster.json (nodes: ${config.nodes.map((n) => n.name).join(', ')})`, 2)
    return node
  }
  const local = new Set(Object.values(networkInterfaces()).flat().map((i) => i?.address))
  const byAddress = config.nodes.find((n) => n.addrs.some((a) => local.has(a)))
  if (byAddress) return byAddress
  const byName = config.nodes.find((n) => n.name === hostname())
  if (byName) return byName
  throw new HactlError('not-a-node', `this host is none of the nodes in cluster.json (no local address and no host name matches); use --node NAME`, 2)
}

/** Two-node clusters: the node with the higher id delays its fencing by 5 s (0 elsewhere). */
export function twoNodeFenceDelayMs(config: BootstrapConfig, selfId: number): number {
  if (!config.quorum.two_node) return 0
  return selfId === Math.min(...config.nodes.map((n) => n.id)) ? 0 : 5_000
}

export class ClusterDaemon {
  private readonly config: BootstrapConfig
  private readonly self: BootstrapNode
  private readonly names: Map<number, string>
  private readonly ids: Map<string, number>
  private membership!: MembershipService
  private peers!: PeerNetwork
  private control!: ControlServer
  private executor!: Executor
  private lrm!: LocalResourceManager
  private fencer!: Fencer
  private guard!: GuardLink
  private store: StateStore<StoredRecord>
  private readonly termFile: SyncValueFile
  private replication!: ReplicationState
  private orchestrator: OrchestratorState
  private view: ViewEvent | undefined
  private committed: ResourceConfig | undefined
  private dcReady = false
  private tickTimer: NodeJS.Timeout | undefined
  private reportRetryTimer: NodeJS.Timeout | undefined
  private tickAt = Infinity
  private timersOff = false
  private replicationActiveAt = 0
  private recheckTimer: NodeJS.Timeout | undefined
  private recheckAt: number | null = null
  private statusRefreshTimer: NodeJS.Timeout | undefined
  private nextRequest = 1
  private readonly writes = new Map<string, (result: WriteResult) => void>()
  private dcStatus: ClusterStatus | undefined
  private dcState: ClusterState | undefined
  private statusTimer: NodeJS.Timeout | undefined
  private leaving: {resolve: () => void} | undefined
  private noQuorumTimer: NodeJS.Timeout | undefined
  private stopping = false
  private markStopped!: () => void
  /** Resolves when the daemon has shut down, whoever asked (a signal or `hactl cluster stop`). */
  readonly stopped = new Promise<void>((resolve) => { this.markStopped = resolve })
  private readonly started = Date.now()
  private observability: Observability | undefined

  constructor(config: BootstrapConfig, private readonly options: DaemonOptions) {
    this.config = config
    this.self = findLocalNode(config, options.nodeName)
    this.names = new Map(config.nodes.map((n) => [n.id, n.name]))
    this.ids = new Map(config.nodes.map((n) => [n.name, n.id]))
    this.store = new StateStore<StoredRecord>(options.stateDir)
    this.termFile = new SyncValueFile(options.stateDir, 'term')
    this.orchestrator = withBalancers(initialOrchestrator(config.nodes.map((n) => n.name), config.totem.token, config.totem.token + settleAfterToken(config.totem.heartbeat)),
      Object.fromEntries(config.nodes.map((n) => [n.name, n.addrs[0]])))
  }

  get logger(): Logger {
    return this.options.logger
  }

  get nodeName(): string {
    return this.self.name
  }

  async start(): Promise<void> {
    const key = await readAuthkey(this.config.authkey_file)
    const stored = await this.store.load()
    // Compile the configuration schema now: compiling it on the first write would
    // stall the event loop long enough to look like a pause to the membership.
    validateResourceConfig(stored?.config ?? emptyConfig())
    this.replication = initialState(this.self.id, {record: stored, promisedTerm: this.termFile.read()})
    this.committed = stored?.config
    this.executor = new Executor({
      env: {HA_RSCTMP: join(this.options.runDir, 'rsctmp')},
      // observability hook (issue 13): every agent result, for the operation-duration metrics
      onResult: (r) => this.logger.log('debug', 'agent-op', {resource: r.resource, agent: r.agent, action: r.action, interval_ms: r.intervalMs, result: r.ocfResult ?? r.status, duration_ms: r.durationMs}),
    })
    // The guard is up before anything can start here: a daemon that cannot reach
    // one does not start (its resources would not be dropped if it died).
    this.guard = new GuardLink({
      runDir: this.options.runDir, leaseMs: guardLeaseMs(this.config.totem.token, this.config.totem.heartbeat),
      feedEveryMs: this.config.totem.heartbeat, logger: this.logger,
    })
    await this.guard.open()
    this.lrm = new LocalResourceManager(this.executor, this.logger, {
      now: () => Date.now(),
      onReport: (update) => this.sendToDc({t: 'report', full: false, epoch: this.committed?.epoch ?? 0, resources: update}),
      onHoldings: (held) => this.guard.hold(held),
    })
    this.guard.on('tripped', (report: {instances: string[]}) => {
      void this.lrm.guardStopped(report.instances).then((update) => {
        if (Object.keys(update).length > 0) this.sendToDc({t: 'report', full: false, epoch: this.committed?.epoch ?? 0, resources: update})
      })
    })
    if (this.committed) this.lrm.setConfig(this.committed)
    this.fencer = new Fencer(this.logger)
    this.peers = new PeerNetwork({
      self: {id: this.self.id, host: this.self.addrs[0], port: this.config.port + 1},
      peers: this.config.nodes.filter((n) => n.id !== this.self.id).map((n) => ({id: n.id, host: n.addrs[0], port: this.config.port + 1})),
      clusterId: this.config.cluster_id, key, logger: this.logger,
    })
    this.peers.on('message', (from, message) => this.onPeerMessage(from, message as PeerMessage))
    await this.peers.start()
    this.control = new ControlServer(socketPath(this.options.runDir), {
      'config.get': async () => this.committed ?? this.replication.record.config,
      'config.edit': async ({edit, ifEpoch}) => this.write(edit, ifEpoch),
      'status': async () => this.status(),
      'cluster.state': async () => this.clusterState(),
      'membership': async () => this.membership.snapshot(),
      'resource.cleanup': async ({id, node}) => this.cleanup(id, node),
      'resource.restart': async ({id}) => this.restart(id),
      'shutdown': async () => {
        setImmediate(() => void this.shutdown('requested'))
        return {stopping: true}
      },
    }, this.logger)
    await this.control.start()
    // observability hook (issue 13): metrics, alerts and transition history read the daemon through this
    this.observability = await startObservability({
      nodeName: this.self.name, bootstrap: this.config, stateDir: this.options.stateDir, now: () => Date.now(),
      status: () => this.status(), config: () => this.committed, membership: () => this.membership?.snapshot(), lastDcStatus: () => this.dcStatus,
      planInput: () => this.isActiveDc && this.orchestrator.config ? {config: this.orchestrator.config, nodes: Object.keys(this.orchestrator.nodes), state: clusterState(this.orchestrator), transition: this.orchestrator.transition} : undefined,
    }, this.logger)
    this.membership = new MembershipService({
      config: this.config, nodeId: this.self.id, authkey: key,
      // Incarnations survive restarts (replay protection); a broken disk or invariant ends the daemon.
      stateDir: this.options.stateDir,
      onFatal: (reason, error) => exitFatal(reason, error, this.logger),
      onStep: () => this.guard.feed(),
      log: (record) => {
        const {level, event, ...fields} = record as {level?: string, event?: string}
        this.logger.log((level as 'info') ?? 'info', event ?? 'membership', fields as Record<string, string>)
      },
    })
    this.membership.on('view', (view: ViewEvent) => this.onView(view))
    await this.membership.start()
    this.replicationActiveAt = Date.now()
    this.armTick()
    this.statusRefreshTimer = setInterval(() => {
      if (this.isActiveDc) this.publishStatusSoon()
    }, STATUS_REFRESH_MS)
    this.logger.log('notice', 'daemon-started', {node: this.self.name, id: this.self.id, cluster: this.config.cluster_name, epoch: this.committed?.epoch ?? 0})
  }

  // ---- membership ----

  private onView(view: ViewEvent): void {
    const previous = this.view
    this.view = view
    this.logger.log('notice', 'view', {
      view: view.viewId, phase: view.phase, quorate: view.quorate, dc: view.dc === null ? null : this.names.get(view.dc),
      members: view.members.map((m) => m.name), votes: view.totalVotes, expected: view.expectedVotes,
      joined: view.joined.map((id) => this.names.get(id) ?? String(id)), left: view.left.map((id) => this.names.get(id) ?? String(id)),
    })
    for (const id of [...view.left, ...view.joined]) if (id !== this.self.id) this.peers.reset(id)
    if (previous?.dc === this.self.id && view.dc !== this.self.id) this.dcReady = false
    if (view.viewId !== previous?.viewId) this.dcReady = false
    this.stepReplication({
      type: 'view',
      view: {
        viewId: view.viewId, members: view.members.map((m) => m.id), quorate: view.quorate, dc: view.dc ?? undefined,
        expectedVotes: view.expectedVotes, votes: Object.fromEntries(this.config.nodes.map((n) => [n.id, n.votes])),
      },
    })
    this.stepOrchestrator({
      type: 'view', nowMs: Date.now(), viewId: view.viewId, members: view.members.map((m) => m.name), quorate: view.quorate,
      active: this.dcReady && view.quorate && view.dc === this.self.id,
    })
    this.applyNoQuorumPolicy(view)
    this.publishStatusSoon()
  }

  /**
   * A node that cannot be in the quorate partition stops its resources at once
   * (no-quorum-policy=stop). A non-quorate view while a change is agreed, with a
   * majority still reachable, is a transient: it gets up to one token timeout to
   * settle, and reachability is looked at again every heartbeat meanwhile, so a
   * majority that goes away is noticed as soon as the link does.
   */
  private applyNoQuorumPolicy(view: ViewEvent): void {
    clearTimeout(this.noQuorumTimer)
    if (view.quorate) return
    const policy = propertyValue(this.committed ?? this.replication.record.config, 'no-quorum-policy')
    if (policy !== 'stop') return
    const giveUpAt = Date.now() + this.config.totem.token
    const check = () => {
      if (this.view?.quorate || this.stopping) return
      if (this.majorityReachable(view.expectedVotes) && Date.now() < giveUpAt) {
        this.noQuorumTimer = setTimeout(check, this.config.totem.heartbeat)
        return
      }
      const started = Date.now()
      // Addresses first, in the guard (no agent fork); then the agents stop everything.
      this.guard.strip()
      void this.lrm.stopAll('no quorum').then(() => {
        const took = Date.now() - started
        // Other nodes recover these resources once the budget has passed (policy/nodes.ts).
        this.logger.log(took > NO_QUORUM_STOP_BUDGET_MS ? 'crit' : 'notice', 'no-quorum-stop-done', {duration_ms: took, budget_ms: NO_QUORUM_STOP_BUDGET_MS})
      })
    }
    check()
  }

  private majorityReachable(expectedVotes: number): boolean {
    const reachable = new Set(this.membership.snapshot().reachable)
    reachable.add(this.self.id)
    const votes = this.config.nodes.filter((n) => reachable.has(n.id)).reduce((sum, n) => sum + n.votes, 0)
    return votes * 2 > expectedVotes
  }

  // ---- replication ----

  private stepReplication(event: ReplicationEvent): void {
    const {state, outputs} = stepReplication(this.replication, event)
    this.replication = state
    this.noteReplicationActivity(event, outputs)
    for (const output of outputs) {
      switch (output.type) {
        case 'send':
          this.peers.send(output.to, {ch: 'repl', m: output.message} satisfies PeerMessage)
          break
        case 'persist': {
          const record = output.record
          this.store.save(record).then(
            () => this.stepReplication({type: 'persisted', position: positionOf(record)}),
            (error) => exitFatal('state-io', new Error(`cannot persist ${this.store.path}: ${String(error)}`), this.logger),
          )
          break
        }
        case 'reply':
          this.writes.get(output.requestId)?.(output.result)
          this.writes.delete(output.requestId)
          break
        case 'configChanged':
          this.onCommitted(output.config)
          break
        case 'ready':
          this.onCommitted(output.config)
          if (this.view?.viewId === output.viewId && this.view.dc === this.self.id) {
            this.dcReady = true
            this.logger.log('notice', 'dc-ready', {view: output.viewId, epoch: output.config.epoch})
            this.seedFromLastStatus()
            this.declareClusterNodes(output.config)
            this.stepOrchestrator({
              type: 'view', nowMs: Date.now(), viewId: this.view.viewId, members: this.view.members.map((m) => m.name),
              quorate: this.view.quorate, active: true,
            })
          }
          break
        case 'persistTerm':
          // Must be durable before any later output is carried out (a promise, like raft's HardState).
          try {
            this.termFile.write(output.term)
          } catch (error) {
            exitFatal('state-io', error, this.logger)
          }
          break
      }
    }
  }

  /**
   * The nodes of cluster.json are the cluster's nodes: the DC declares any that the
   * replicated configuration lacks, as Pacemaker fills the CIB's nodes section.
   */
  private declareClusterNodes(config: ResourceConfig): void {
    const declared = new Set(config.nodes.map((n) => n.name))
    const missing = this.config.nodes.map((n) => n.name).filter((name) => !declared.has(name))
    if (missing.length === 0) return
    this.write({op: 'batch', edits: missing.map((name) => ({op: 'node.add', name}))}).then(
      () => this.logger.log('info', 'nodes-declared', {nodes: missing}),
      (error) => this.logger.log('warning', 'nodes-not-declared', {nodes: missing, error: String((error as Error).message)}),
    )
  }

  /** A new DC holds what the previous DC's last status showed on nodes that are now gone. */
  private seedFromLastStatus(): void {
    const last = this.dcStatus
    if (!last) return
    const members = new Set(this.view?.members.map((m) => m.name))
    const nodes: Record<string, NodeReport> = {}
    for (const resource of last.resources) {
      for (const node of resource.nodes) {
        if (members.has(node)) continue
        nodes[node] ??= {}
        nodes[node][resource.id] = {role: resource.role === 'failed' ? 'failed' : 'started', failCount: 0}
      }
    }
    for (const node of last.nodes) if (node.unclean && !members.has(node.name)) nodes[node.name] ??= {}
    this.stepOrchestrator({type: 'seed', nowMs: Date.now(), nodes})
  }

  private onCommitted(config: ResourceConfig): void {
    if (this.committed && config.epoch === this.committed.epoch && this.committed === config) return
    this.committed = config
    this.lrm.setConfig(config)
    this.stepOrchestrator({type: 'config', config})
    // Probe what is new here and tell the DC, so it never plans on an older probe.
    void this.sendFullReport()
    this.publishStatusSoon()
  }

  /**
   * A client's write. A refusal that surely changed nothing (not-applied) during a
   * membership change — no quorum, busy, DC changed — is retried for up to one
   * second, since such changes last tens of milliseconds; a write whose outcome is
   * unknown is never retried blindly.
   */
  private async write(edit: ConfigEdit, ifEpoch?: number): Promise<ResourceConfig> {
    const deadline = Date.now() + WRITE_RETRY_MS
    for (;;) {
      const result = await this.writeOnce(edit, ifEpoch)
      if (result.ok) return result.config
      const {code, message, outcome} = result.error
      const transient = outcome === 'not-applied' && (code === 'no-quorum' || code === 'busy' || code === 'dc-changed')
      if (transient && Date.now() < deadline && !this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      const exitCode = code === 'no-quorum' ? 3 : code === 'invalid-config' ? 2 : 1
      throw new HactlError(code === 'invalid-config' ? result.error.reason ?? code : code, message, exitCode)
    }
  }

  private writeOnce(edit: ConfigEdit, ifEpoch?: number): Promise<WriteResult> {
    const requestId = `${this.self.id}-${this.started}-${this.nextRequest++}`
    return new Promise((resolve) => {
      this.writes.set(requestId, resolve)
      this.stepReplication({type: 'clientWrite', requestId, edit, ifEpoch})
    })
  }

  // ---- orchestration (on the DC) ----

  private stepOrchestrator(event: OrchestratorEvent): void {
    // The orchestrator's clock moves with its events; without a periodic tick,
    // one comes first so that every plan is made at the current time.
    if (!('nowMs' in event)) this.tickOrchestrator()
    const {state, outputs} = stepOrchestrator(this.orchestrator, event)
    this.orchestrator = state
    this.carryOutOrchestrator(outputs)
  }

  private carryOutOrchestrator(outputs: OrchestratorOutput[]): void {
    this.armRecheck()
    this.armReportRetry()
    for (const output of outputs) {
      switch (output.type) {
        case 'request-report':
          for (const node of output.nodes) this.sendToNode(node, {t: 'report-request'})
          break
        case 'dispatch':
          this.logger.log('info', 'dispatch', {transition: output.transitionId, action: output.action.id, node: output.node, reason: output.action.reason})
          this.sendToNode(output.node, {t: 'action', transitionId: output.transitionId, action: output.action})
          break
        case 'fence':
          void this.fence(output.node, output.transitionId, output.actionId)
          break
        case 'leave-granted':
          this.sendToNode(output.node, {t: 'leave-granted'})
          break
        case 'cleanup':
          for (const node of output.nodes) this.sendToNode(node, {t: 'cleanup', resource: output.resource})
          break
        case 'transition':
          this.logger.log('notice', 'transition', {id: output.id, actions: output.actions, summary: output.summary.join('; ')})
          break
        case 'settled':
          this.logger.log('info', 'transition-complete', {id: output.id})
          break
      }
    }
    this.publishStatusSoon()
  }

  private async fence(node: string, transitionId: number, actionId: string): Promise<void> {
    const config = this.committed
    const timeoutMs = parseDurationMs(config ? propertyValue(config, 'stonith-timeout') : '60s') ?? 60_000
    const delayMs = twoNodeFenceDelayMs(this.config, this.self.id)
    if (delayMs > 0) {
      // In a two-node split both nodes are quorate and each would fence the other; the
      // node with the higher id waits, so the lower one wins the race (Pacemaker's pcmk_delay_base).
      this.logger.log('notice', 'fence-delay', {node, delay_ms: delayMs})
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
    const ok = config ? await this.fencer.fence(config, node, timeoutMs) : false
    this.stepOrchestrator({type: 'fence-result', node, transitionId, actionId, ok})
  }

  private get isActiveDc(): boolean {
    return this.orchestrator.active
  }

  // ---- messages between daemons ----

  private sendToNode(node: string, message: ToNode): void {
    if (node === this.self.name) return void this.onDcMessage(message)
    const id = this.ids.get(node)
    if (id !== undefined) this.peers.send(id, {ch: 'dc', viewId: this.view?.viewId ?? 0, m: message} satisfies PeerMessage)
  }

  private sendToDc(message: ToDc): void {
    const dc = this.view?.quorate ? this.view.dc : null
    if (dc === null || dc === undefined) return
    if (dc === this.self.id) return void this.onNodeMessage(this.self.name, message)
    this.peers.send(dc, {ch: 'node', m: message} satisfies PeerMessage)
  }

  private onPeerMessage(from: number, message: PeerMessage): void {
    if (this.stopping && message.ch !== 'repl') return
    switch (message?.ch) {
      case 'repl':
        this.stepReplication({type: 'message', from, message: message.m})
        break
      case 'dc':
        // Only the DC of the view this node is in may direct it.
        if (this.view?.quorate && this.view.dc === from && message.viewId === this.view.viewId) this.onDcMessage(message.m)
        break
      case 'node': {
        const name = this.names.get(from)
        if (name && this.isActiveDc) this.onNodeMessage(name, message.m)
        break
      }
      default:
        this.logger.log('warning', 'unknown-peer-message', {from})
    }
  }

  private onDcMessage(message: ToNode): void {
    switch (message.t) {
      case 'report-request':
        void this.sendFullReport()
        break
      case 'action':
        void this.lrm.execute(message.action).then(({ok, resources}) => {
          this.sendToDc({t: 'result', transitionId: message.transitionId, actionId: message.action.id, ok, resources})
        })
        break
      case 'leave-granted':
        this.leaving?.resolve()
        break
      case 'cleanup':
        void this.lrm.cleanup(message.resource).then(() => this.sendFullReport())
        break
      case 'status':
        this.dcStatus = message.status
        this.dcState = message.state
        break
    }
  }

  private onNodeMessage(node: string, message: ToDc): void {
    switch (message.t) {
      case 'report': {
        // A report probed against an older configuration may miss new resources.
        const full = message.full && message.epoch >= (this.orchestrator.config?.epoch ?? 0)
        this.stepOrchestrator({type: 'report', node, resources: message.resources, full})
        break
      }
      case 'result': {
        // observability hook (issue 13): a dispatched action's outcome, for alerts, metrics and history
        const action = this.orchestrator.transition?.id === message.transitionId ? this.orchestrator.transition.actions.find((a) => a.id === message.actionId) : undefined
        this.logger.log('info', 'action-result', {transition: message.transitionId, action: message.actionId, node, ok: message.ok, resource: action?.resource, op: action?.op, interval_ms: action?.intervalMs})
        this.stepOrchestrator({type: 'result', node, transitionId: message.transitionId, actionId: message.actionId, ok: message.ok, resources: message.resources})
        break
      }
      case 'leave-request':
        this.stepOrchestrator({type: 'leave-request', node})
        break
    }
  }

  private reporting: Promise<void> | undefined
  private reportAgain = false

  /** Waits for running actions, probes what is new, sends the full report; coalesces concurrent calls. */
  private async sendFullReport(): Promise<void> {
    if (this.reporting) {
      this.reportAgain = true
      return this.reporting
    }
    this.reporting = (async () => {
      do {
        this.reportAgain = false
        await this.lrm.idle()
        const epoch = this.committed?.epoch ?? 0
        const resources = await this.lrm.probe()
        this.sendToDc({t: 'report', full: true, epoch, resources})
      } while (this.reportAgain)
    })().finally(() => {
      this.reporting = undefined
    })
    return this.reporting
  }

  // ---- status ----

  private publishStatusSoon(): void {
    if (!this.isActiveDc || this.statusTimer) return
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined
      if (!this.isActiveDc) return
      const status = this.buildStatus('dc')
      const state = clusterState(this.orchestrator)
      this.onDcMessage({t: 'status', status, state})
      const members = (this.view?.members ?? []).map((m) => m.id).filter((id) => id !== this.self.id)
      this.peers.sendMany(members, {ch: 'dc', viewId: this.view?.viewId ?? 0, m: {t: 'status', status, state}} satisfies PeerMessage)
    }, STATUS_THROTTLE_MS)
  }

  private buildStatus(source: 'dc' | 'local'): ClusterStatus {
    return buildStatus({
      bootstrap: this.config, config: this.committed ?? this.replication.record.config, orchestrator: this.orchestrator, view: this.view,
      localNode: this.self.name, localReport: this.lrm.snapshot(), source,
    })
  }

  /**
   * The policy engine's input as the DC sees it, for `hactl simulate` on the live
   * cluster; without a DC, this node's own knowledge.
   */
  clusterState(): ClusterState {
    if (this.isActiveDc) return clusterState(this.orchestrator)
    if (this.view?.quorate && this.dcState && this.dcStatus?.viewId === this.view.viewId) return this.dcState
    const resources: ClusterState['resources'] = {}
    for (const [id, report] of Object.entries(this.lrm.snapshot())) resources[id] = {nodes: {[this.self.name]: {role: report.role, failCount: report.failCount}}}
    const members = new Set(this.view?.members.map((m) => m.name) ?? [this.self.name])
    return {
      nowMs: Date.now(), quorate: this.view?.quorate === true, tokenTimeoutMs: this.config.totem.token,
      nodes: Object.fromEntries(this.config.nodes.map((n) => [n.name, {online: members.has(n.name)}])), resources,
    }
  }

  status(): ClusterStatus {
    if (this.isActiveDc) return this.buildStatus('dc')
    if (this.view?.quorate && this.dcStatus && this.dcStatus.viewId === this.view.viewId) return {...this.dcStatus, localNode: this.self.name}
    return this.buildStatus('local')
  }

  private async cleanup(resource: string, node?: string): Promise<{resource: string, node: string | null}> {
    const config = this.committed
    const known = config && (config.resources.some((r) => r.id === resource) || config.groups.some((g) => g.id === resource) || config.clones.some((c) => c.id === resource))
    if (!known) throw new HactlError('not-found', `resource ${JSON.stringify(resource)} does not exist`, 2)
    if (node !== undefined && !this.ids.has(node)) throw new HactlError('not-found', `node ${JSON.stringify(node)} does not exist`, 2)
    if (this.isActiveDc) this.stepOrchestrator({type: 'cleanup', resource, node})
    else if (this.view?.quorate && this.view.dc !== null) {
      // Cleanups are the DC's: ask it through a harmless write-free path, the local node first.
      await this.lrm.cleanup(resource)
      await this.sendFullReport()
    } else throw new HactlError('no-quorum', 'this partition has no quorum; cleanup needs the DC', 3)
    return {resource, node: node ?? null}
  }

  private async restart(resource: string): Promise<{resource: string}> {
    const config = this.committed
    const primitive = config?.resources.find((r) => r.id === resource) ?? config?.groups.find((g) => g.id === resource) ?? config?.clones.find((c) => c.id === resource)
    if (!primitive) throw new HactlError('not-found', `resource ${JSON.stringify(resource)} does not exist`, 2)
    const role = primitive.meta['target-role'] ?? ''
    const stopped = await this.write({op: 'resource.meta', id: resource, meta: {'target-role': 'Stopped'}})
    await this.waitSettled(stopped.epoch, 60_000)
    await this.write({op: 'resource.meta', id: resource, meta: {'target-role': role}})
    return {resource}
  }

  /** Resolves when the cluster has carried out configuration `epoch` and has nothing left to do (or after timeoutMs). */
  async waitSettled(epoch: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const status = this.status()
      if ((status.epoch >= epoch && status.settled) || Date.now() > deadline) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  // ---- timers ----

  /** Replication ticks every TICK_MS while busy, every QUIET_TICK_MS once quiet. */
  private armTick(): void {
    if (this.timersOff) return
    const r = this.replication
    const quietAfterMs = 2 * r.options.retransmitTicksMax * TICK_MS
    const quiet = Date.now() - this.replicationActiveAt >= quietAfterMs && r.forwarded.length === 0 && (r.dc === undefined || isReady(r))
    const at = Date.now() + (quiet ? QUIET_TICK_MS : TICK_MS)
    if (this.tickAt <= at) return
    clearTimeout(this.tickTimer)
    this.tickAt = at
    this.tickTimer = setTimeout(() => {
      this.tickAt = Infinity
      this.stepReplication({type: 'tick'})
      this.armTick()
    }, at - Date.now())
  }

  /** Anything but a tick, or a tick that did more than resend commit notices, keeps replication busy. */
  private noteReplicationActivity(event: ReplicationEvent, outputs: ReadonlyArray<{type: string, message?: {type: string}}>): void {
    const busy = event.type !== 'tick' || outputs.some((o) => o.type !== 'send' || o.message?.type !== 'commit')
    if (!busy) return
    this.replicationActiveAt = Date.now()
    if (this.tickAt > Date.now() + TICK_MS) this.armTick()
  }

  /** A tick of the orchestrator: moves its clock; a due recheck (failure expiry, safety delay) replans. */
  private tickOrchestrator(): void {
    const before = this.orchestrator
    const {state, outputs} = stepOrchestrator(before, {type: 'tick', nowMs: Date.now()})
    this.orchestrator = state
    if (outputs.length === 0 && state.dirty === before.dirty && state.transition === before.transition) return
    this.carryOutOrchestrator(outputs)
  }

  /**
   * The DC plans only once every online node has reported; a request or a report
   * lost with a dying connection would stall it, so it asks again every second.
   */
  private armReportRetry(): void {
    if (this.reportRetryTimer || this.timersOff || !this.isActiveDc) return
    const waiting = () => Object.entries(this.orchestrator.nodes).filter(([, b]) => b.online && !b.reported).map(([name]) => name)
    if (waiting().length === 0) return
    this.reportRetryTimer = setTimeout(() => {
      this.reportRetryTimer = undefined
      if (!this.isActiveDc) return
      const nodes = waiting()
      if (nodes.length > 0) this.logger.log('info', 'report-request-again', {nodes})
      for (const node of nodes) this.sendToNode(node, {t: 'report-request'})
      this.armReportRetry()
    }, REPORT_RETRY_MS)
  }

  /** Wakes the orchestrator when the policy engine asked to look again (recheckAtMs). */
  private armRecheck(): void {
    const at = this.orchestrator.recheckAtMs
    const due = at !== null && at > Date.now() && !this.timersOff ? at : null
    if (due === this.recheckAt) return
    clearTimeout(this.recheckTimer)
    this.recheckAt = due
    if (due === null) return
    this.recheckTimer = setTimeout(() => {
      this.recheckAt = null
      this.tickOrchestrator()
      this.armRecheck()
    }, due - Date.now() + 1)
  }

  // ---- shutdown ----

  /**
   * SIGTERM: as Pacemaker, move this node's resources away first (the DC treats
   * the node as standby), then leave the membership. Without a DC, stop them here.
   */
  async shutdown(reason: string): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    this.logger.log('notice', 'shutdown', {reason})
    const config = this.committed
    const stopBudget = Math.max(5_000, ...((config?.resources ?? []).map((r) => (parseDurationMs(r.operations.find((o) => o.name === 'stop')?.timeout ?? '') ?? 20_000) * 2)))
    if (this.view?.quorate && this.view.dc !== null && this.lrm.activeInstances().length > 0) {
      const granted = new Promise<void>((resolve) => { this.leaving = {resolve} })
      this.stopping = false
      this.sendToDc({t: 'leave-request'})
      const timedOut = await Promise.race([granted.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), stopBudget))])
      this.stopping = true
      if (timedOut) this.logger.log('warning', 'shutdown-not-granted', {waited_ms: stopBudget})
    }
    await this.lrm.stopAll('shutdown')
    await this.guard?.release()
    this.timersOff = true
    clearTimeout(this.tickTimer)
    clearTimeout(this.recheckTimer)
    clearTimeout(this.reportRetryTimer)
    clearInterval(this.statusRefreshTimer)
    clearTimeout(this.statusTimer)
    clearTimeout(this.noQuorumTimer)
    await this.membership?.stop()
    await this.peers?.stop()
    await this.control?.stop()
    await this.executor?.close()
    await this.observability?.stop() // observability hook (issue 13)
    this.logger.log('notice', 'daemon-stopped', {node: this.self.name})
    this.markStopped()
  }
}
