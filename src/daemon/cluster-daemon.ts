/**
 * `hactl daemon`: one per node. Wiring only: the pure machines decide —
 * membership (MembershipService), replication of the configuration
 * (core/replication) and the node controller (core/controller, which holds the
 * DC's orchestration) — and this shell carries out what they say: UDP heartbeats,
 * authenticated TCP between daemons (PeerNetwork), the disk (StateStore), agents
 * (the LRM over the Executor), fence agents (Fencer) and the CLI (ControlServer).
 * Every machine is stepped on this one event loop on the monotonic clock; one
 * timer (DeadlineScheduler) wakes whichever machine's deadline comes first.
 */
import {mkdir} from 'node:fs/promises'
import {performance} from 'node:perf_hooks'
import {join} from 'node:path'
import {Executor} from '../agents/index.js'
import {HactlError} from '../cli/errors.js'
import {findLocalNode} from './local-node.js'
import {socketPath} from '../client/client.js'
import type {ClusterStatus, FenceEvent, OperationRecord} from '../client/status.js'
import {ocfName} from '../agents/ocf-codes.js'
import type {BootstrapConfig, BootstrapNode} from '../core/config/bootstrap-types.js'
import {emptyConfig, propertyValue} from '../core/config/defaults.js'
import {validateResourceConfig} from '../core/config/validate.js'
import {parseDurationMs} from '../core/config/durations.js'
import type {ConfigEdit} from '../core/config/edits.js'
import type {ResourceConfig} from '../core/config/types.js'
import {withBalancers} from '../core/balancer/index.js'
import {CONTROLLER_DEFAULTS, initialController, isActiveDc, nextDeadline, stepController, type ControllerEvent, type ControllerOutput, type ControllerState, type PeerMessage, type PublishedStatus} from '../core/controller/index.js'
import {clusterState} from '../core/orchestration/index.js'
import type {ClusterState} from '../core/policy/state.js'
import {initialState, isReady, positionOf, step as stepReplication, type Event as ReplicationEvent, type ReplicationState, type StoredRecord, type WriteResult} from '../core/replication/index.js'
import {settleAfterToken} from '../core/membership/config.js'
import {readAuthkey} from './authkey.js'
import {systemClock, wallTimeOf, type MonotonicClock} from './clock.js'
import {ControlServer} from './control-server.js'
import {Fencer, devicesFor} from './fencer.js'
import {booleanProperty} from '../core/config/booleans.js'
import {exitFatal} from './fatal.js'
import {REALTIME_PRIORITY, sdNotify, tryRealtime} from './sd-notify.js'
import {GuardLink} from './guard-link.js'
import {guardLeaseMs} from '../core/guard/index.js'
import type {Fields, Logger} from './logger.js'
import {LocalResourceManager} from './lrm.js'
import {checkAttribute, TransientAttributes} from './attributes.js'
import type {AttributeParams, AttributeResult, NodeInfo} from '../client/protocol.js'
import {MembershipService, type ViewEvent} from './membership-service.js'
import {PeerNetwork} from './peer-network.js'
import {DeadlineScheduler} from './scheduler.js'
import {buildStatus} from './status-builder.js'
import {StateStore, SyncValueFile} from './state-store.js'
import {startObservability, type Observability} from './observability.js'
import {adoptNodeList, NodeListError, nodesVersion, withNodeAdded, withNodeRemoved} from '../core/config/bootstrap-nodes.js'
import {writeBootstrap} from '../store/cluster-files.js'
import type {NodesChangeParams, NodesChangeResult} from '../client/protocol.js'

/** Operations kept for status --full (crm_mon -o shows them all; bounded here, it rides on every status publication). */
const OPERATIONS_KEPT = 200

/**
 * A history this node keeps (fences, operations) merged with the one a DC published:
 * the entries it did not have, in time order, the last `keep`. Unchanged (the same
 * array) when nothing is new.
 */
function mergeHistory<T>(mine: T[], received: T[] | undefined, key: (entry: T) => string, at: (entry: T) => number, keep: number): T[] {
  if (!Array.isArray(received) || received.length === 0) return mine
  const known = new Set(mine.map(key))
  const fresh = received.filter((entry) => !known.has(key(entry)))
  if (fresh.length === 0) return mine
  return [...mine, ...fresh].sort((a, b) => at(a) - at(b)).slice(-keep)
}

/** Replication's tick (its options count in ticks) while it has work: retransmissions, a sync, writes. */
const TICK_MS = 100
/**
 * Once replication has been quiet for two of its longest retransmission backoffs
 * (no event, no tick output but the DC's periodic commit notices, so nothing is
 * waiting to be retransmitted), it ticks every QUIET_TICK_MS: the commit notices
 * that let a member notice a missed commit keep flowing, fifty times slower (a
 * commit is only missed when a connection drops a message; every commit is sent
 * at once). Any event brings the 100 ms tick back at once.
 */
const QUIET_TICK_MS = 5_000

export interface DaemonOptions {
  configDir: string
  stateDir: string
  runDir: string
  /** This node's name; found from the local addresses, then the host name, when absent. */
  nodeName?: string
  logger: Logger
  /** The monotonic clock every timing decision is taken on (default: the process's). */
  clock?: MonotonicClock
}

/** Two-node clusters: the node with the higher id delays its fencing by 5 s (0 elsewhere). */
export function twoNodeFenceDelayMs(config: BootstrapConfig, selfId: number): number {
  if (!config.quorum.two_node) return 0
  return selfId === Math.min(...config.nodes.map((n) => n.id)) ? 0 : 5_000
}

/** How long a stopping node waits for the DC to move its resources away: twice the longest stop timeout, at least 5 s. */
export function leaveBudgetMs(config: ResourceConfig | undefined): number {
  return Math.max(5_000, ...((config?.resources ?? []).map((r) => (parseDurationMs(r.operations.find((o) => o.name === 'stop')?.timeout ?? '') ?? 20_000) * 2)))
}

export class ClusterDaemon {
  private config: BootstrapConfig
  private readonly self: BootstrapNode
  private readonly names: Map<number, string>
  private readonly ids: Map<string, number>
  private readonly clock: MonotonicClock
  private readonly scheduler: DeadlineScheduler
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
  private controller: ControllerState
  private view: ViewEvent | undefined
  private replicationActiveAt = 0
  private nextClient = 1
  private readonly writes = new Map<string, (result: WriteResult) => void>()
  private dcStatus: ClusterStatus | undefined
  /** Fence operations the DC ran (or, on other nodes, the last list a DC published): `hactl stonith history`. */
  private fenceHistory: FenceEvent[] = []
  /** The DC's operation history (status --full): the last OPERATIONS_KEPT results of agents that ran. */
  private operations: OperationRecord[] = []
  /** hactl node fence requests waiting for their fence-reply. */
  private readonly fenceWaiters = new Map<string, (reply: {fenced: boolean, device: string | null, error?: string}) => void>()
  private nextFenceRequest = 1
  private dcState: ClusterState | undefined
  private readonly settleWaiters = new Set<{epoch: number, deadlineMs: number, resolve: () => void}>()
  /** Callers waiting for a view that satisfies `check` (node add/remove): woken by view events, not by polling. */
  private readonly viewWaiters = new Set<{check: (view: ViewEvent | undefined) => boolean, resolve: (met: boolean) => void}>()
  private closing = false
  private markStopped!: () => void
  /** Resolves when the daemon has shut down, whoever asked (a signal or `hactl cluster stop`). */
  readonly stopped = new Promise<void>((resolve) => { this.markStopped = resolve })
  private observability: Observability | undefined
  /** This node's transient attributes (crm_attribute -l reboot, promotion scores). */
  private readonly attributes = new TransientAttributes()

  constructor(config: BootstrapConfig, private readonly options: DaemonOptions) {
    this.config = config
    this.clock = options.clock ?? systemClock
    this.scheduler = new DeadlineScheduler(this.clock)
    this.self = findLocalNode(config, options.nodeName)
    this.names = new Map(config.nodes.map((n) => [n.id, n.name]))
    this.ids = new Map(config.nodes.map((n) => [n.name, n.id]))
    this.store = new StateStore<StoredRecord>(options.stateDir)
    this.termFile = new SyncValueFile(options.stateDir, 'term')
    this.controller = initialController({
      ...CONTROLLER_DEFAULTS,
      selfId: this.self.id, nodes: config.nodes.map((n) => ({id: n.id, name: n.name, votes: n.votes})),
      tokenMs: config.totem.token, heartbeatMs: config.totem.heartbeat, evictAfterMs: config.totem.token + settleAfterToken(config.totem.heartbeat),
      fenceDelayMs: twoNodeFenceDelayMs(config, this.self.id),
      requestIdPrefix: `${this.self.id}-${this.clock.wallNow()}`,
    }, this.clock.now())
    // The DC's balancer hook (src/core/balancer) needs every node's address.
    this.controller = {...this.controller, orchestrator: withBalancers(this.controller.orchestrator, Object.fromEntries(config.nodes.map((n) => [n.name, n.addrs[0]!])))}
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
    this.executor = new Executor({
      // HACTL_RUN_DIR: where crm_attribute & co. (resource-agents/sbin) find this daemon's socket.
      // Several nodes on one machine (tests, demos: a run directory of their own) also get
      // HA_VARRUN of their own, where ClusterLabs' agents keep state files (Stateful, …).
      env: {
        HA_RSCTMP: join(this.options.runDir, 'rsctmp'), HACTL_RUN_DIR: this.options.runDir,
        ...(this.options.runDir === '/run/hactl' ? {} : {HA_VARRUN: `${join(this.options.runDir, 'varrun')}/`}),
      },
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
    if (this.options.runDir !== '/run/hactl') await mkdir(join(this.options.runDir, 'varrun'), {recursive: true})
    this.lrm = new LocalResourceManager(this.executor, this.logger, {
      now: () => this.clock.now(),
      onReport: (update) => this.step({type: 'local-report', nowMs: this.clock.now(), full: false, epoch: this.controller.config?.epoch ?? 0, resources: update}),
      onHoldings: (held) => this.guard.hold(held),
    }, this.self.name)
    this.guard.on('tripped', (report: {instances: string[]}) => {
      void this.lrm.guardStopped(report.instances).then((update) => {
        if (Object.keys(update).length > 0) this.step({type: 'local-report', nowMs: this.clock.now(), full: false, epoch: this.controller.config?.epoch ?? 0, resources: update})
      })
    })
    if (stored?.config) this.step({type: 'committed', nowMs: this.clock.now(), config: stored.config})
    this.fencer = new Fencer(this.logger)
    this.peers = new PeerNetwork({
      self: {id: this.self.id, host: this.self.addrs[0], port: this.config.port + 1},
      peers: this.config.nodes.filter((n) => n.id !== this.self.id).map((n) => ({id: n.id, host: n.addrs[0], port: this.config.port + 1})),
      clusterId: this.config.cluster_id, key, logger: this.logger,
    })
    this.peers.on('message', (from, message) => {
      // observability hook (issue 13): the DC's transition records, replicated to every member
      if ((message as {ch?: unknown} | null)?.ch === 'obs') return this.observability?.receive(this.names.get(from) ?? String(from), message)
      if ((message as {ch?: unknown} | null)?.ch === 'nodes') return this.receiveNodes(from, message as {version?: unknown, nodes?: unknown, stop?: unknown, why?: unknown})
      this.step({type: 'peer', nowMs: this.clock.now(), from, message})
    })
    await this.peers.start()
    this.control = new ControlServer(socketPath(this.options.runDir), {
      'config.get': async () => this.controller.config ?? this.replication.record.config,
      'config.edit': async ({edit, ifEpoch}) => this.write(edit, ifEpoch),
      'status': async () => this.status(),
      'cluster.state': async () => this.clusterState(),
      'membership': async () => this.membership.snapshot(),
      'resource.cleanup': async ({id, node}) => this.cleanup(id, node),
      'resource.restart': async ({id}) => this.restart(id),
      'attribute.update': async (p) => this.updateAttribute(p, p.value),
      'attribute.query': async (p) => this.queryAttribute(p),
      'attribute.delete': async (p) => this.updateAttribute(p, null),
      'attribute.list': async ({name}) => this.listAttribute(name),
      'node.info': async () => this.nodeInfo(),
      'node.fence': async ({node}) => this.fenceNode(node),
      'nodes.change': async (p) => this.changeNodes(p),
      'shutdown': async (p) => this.stopNodes(p),
    }, this.logger)
    await this.control.start()
    // observability hook (issue 13): metrics, alerts and transition history read the daemon through this
    this.observability = await startObservability({
      // The monotonic clock: failover durations are measured against the orchestrator's lostAtMs.
      nodeName: this.self.name, bootstrap: this.config, stateDir: this.options.stateDir, now: () => this.clock.now(),
      status: () => this.status(), config: () => this.controller.config, membership: () => this.membership?.snapshot(), lastDcStatus: () => this.dcStatus,
      transientAttributes: () => isActiveDc(this.controller)
        ? Object.fromEntries(Object.entries(this.controller.orchestrator.nodes).filter(([, b]) => b.online).map(([n, b]) => [n, {...(b as {attributes?: Record<string, string>}).attributes}]))
        : undefined,
      send: (to, message) => this.peers.sendMany(to ? to.flatMap((n) => this.ids.get(n) ?? []) : (this.view?.members ?? []).map((m) => m.id).filter((id) => id !== this.self.id), message),
      planInput: () => {
        const o = this.controller.orchestrator
        return isActiveDc(this.controller) && o.config ? {config: o.config, nodes: Object.keys(o.nodes), state: clusterState(o), transition: o.transition} : undefined
      },
    }, this.logger)
    this.membership = new MembershipService({
      config: this.config, nodeId: this.self.id, authkey: key,
      // Incarnations survive restarts (replay protection); a broken disk or invariant ends the daemon.
      stateDir: this.options.stateDir,
      onFatal: (reason, error) => exitFatal(reason, error, this.logger),
      onStep: (heartbeat) => this.guard.feed(heartbeat),
      log: (record) => {
        const {level, event, ...fields} = record as {level?: string, event?: string}
        this.logger.log((level as 'info') ?? 'info', event ?? 'membership', fields as Record<string, string>)
      },
    })
    this.membership.on('view', (view: ViewEvent) => this.onView(view))
    // Realtime scheduling, as corosync runs, on request (HACTL_REALTIME=1): a daemon starved
    // by a busy host misses heartbeats (re-agreement after 2 heartbeats) and its guard's
    // lease (a stall longer than the lease drops this node's VIPs). Not the default: with
    // it, a live node removal stalled on this test machine (see hactl.conf(5)).
    if (process.env.HACTL_REALTIME === '1') {
      void tryRealtime(REALTIME_PRIORITY).then((r) => {
        if (r.ok) this.logger.log('info', 'realtime', {policy: 'SCHED_RR', priority: REALTIME_PRIORITY})
        else this.logger.log('notice', 'realtime-refused', {reason: r.reason})
      })
    }
    await this.membership.start()
    this.replicationActiveAt = this.clock.now()
    this.armReplicationTick()
    this.logger.log('notice', 'daemon-started', {node: this.self.name, id: this.self.id, cluster: this.config.cluster_name, epoch: this.controller.config?.epoch ?? 0})
    // Type=notify: READY once this node has joined a view with others, or after two
    // tokens alone (a first node must not wait for quorum to be "started").
    this.readyTimer = setTimeout(() => this.notifyReady('running, no other node heard yet'), 2 * this.config.totem.token)
  }

  // ---- the controller ----

  /**
   * What the controller's no-quorum wait looks at: the peers with a fresh link, and
   * the fresh links each of them reports. MembershipService does not expose the
   * latter (its own module, another change): read from its machine, and without it
   * the controller never waits a non-quorate view out (safe, less available).
   */
  /** The members' incarnations (a restarted daemon is a new member), read as reachability() reads. */
  private incarnations(): Record<number, number> | undefined {
    const machine = (this.membership as unknown as {machine?: {status?: () => {members: Array<{id: number, inc: number}>}}}).machine
    const members = machine?.status?.().members
    return members ? Object.fromEntries(members.map((m) => [m.id, m.inc])) : undefined
  }

  private reachability(): {reachable: number[], peerFresh?: Record<number, number[]>, heardAgoMs?: Record<number, number>, heardUsAgoMs?: Record<number, number>} {
    if (!this.membership) return {reachable: []}
    const reachable = this.membership.snapshot().reachable
    const machine = (this.membership as unknown as {machine?: {peerFreshIds?: (now: number) => Record<number, number[]>, peerHeardAgo?: (now: number) => Record<number, number>, peerHeardUsAgo?: (now: number) => Record<number, number>}}).machine
    const now = performance.now()
    return {reachable, peerFresh: machine?.peerFreshIds?.(now), heardAgoMs: machine?.peerHeardAgo?.(now), heardUsAgoMs: machine?.peerHeardUsAgo?.(now)}
  }

  private step(event: ControllerEvent): void {
    if (this.closing) return
    // Step the membership first: woken after a stall (SIGSTOP, a long GC), this node
    // must learn that its view is gone before it acts on anything that was queued
    // (the whole-cluster simulator found a paused DC starting a resource on resume).
    if (event.type !== 'view' && this.membership) this.membership.view()
    // That view (or reachability() while the event was built) may have stepped the controller
    // at a later time than this event carries: it happens now, not then (no false clock-went-back).
    if (event.nowMs < this.controller.nowMs) event = {...event, nowMs: this.clock.now()}
    const {state, outputs} = stepController(this.controller, event)
    this.controller = state
    for (const output of outputs) this.carryOut(output)
    this.scheduler.set('controller', nextDeadline(this.controller), () => this.step({type: 'tick', ...this.reachability(), nowMs: this.clock.now()}))
    this.checkSettleWaiters()
  }

  private carryOut(output: ControllerOutput): void {
    switch (output.type) {
      case 'send':
        this.peers.send(output.to, output.message)
        break
      case 'replication-message':
        this.stepReplication({type: 'message', from: output.from, message: output.message})
        break
      case 'replicate':
        this.stepReplication({type: 'clientWrite', requestId: output.requestId, edit: output.edit, ifEpoch: output.ifEpoch})
        break
      case 'write-done':
        this.writes.get(output.clientId)?.(output.result)
        this.writes.delete(output.clientId)
        break
      case 'lrm-config':
        this.lrm.setConfig(output.config)
        break
      case 'lrm-execute': {
        const {transitionId, action} = output
        void this.lrm.execute(action).then(({ok, resources, rc, execMs}) => this.step({type: 'action-done', nowMs: this.clock.now(), transitionId, actionId: action.id, ok, resources, ...(rc === undefined ? {} : {rc}), ...(execMs === undefined ? {} : {execMs})}))
        break
      }
      case 'lrm-full-report':
        void (async () => {
          await this.lrm.idle()
          const epoch = this.controller.config?.epoch ?? 0
          const resources = await this.lrm.probe()
          this.step({type: 'local-report', nowMs: this.clock.now(), full: true, epoch, resources, attributes: this.attributes.all()})
        })()
        break
      case 'lrm-cleanup':
        void this.lrm.cleanup(output.resource).then(() => this.step({type: 'cleanup-done', nowMs: this.clock.now()}))
        break
      case 'lrm-stop-all': {
        const started = this.clock.now()
        const reason = output.reason
        // Lost quorum: the addresses go first, in the guard (no agent fork); starts under way are
        // cancelled (they would finish later, unguarded by the budget); then the agents stop everything.
        if (reason === 'no quorum') {
          this.guard.strip()
          this.lrm.cancelStarts()
        }
        void this.lrm.stopAll(reason).then(() => this.step({type: 'stopped-all', nowMs: this.clock.now(), reason, durationMs: this.clock.now() - started, active: this.lrm.activeInstances()}))
        break
      }
      case 'fence':
        void this.fence(output.node, output.transitionId, output.actionId)
        break
      case 'manual-fence':
        void this.manualFence(output.requestId, output.node, output.from)
        break
      case 'fence-reply':
        this.fenceWaiters.get(output.requestId)?.(output)
        this.fenceWaiters.delete(output.requestId)
        break
      case 'publish-status': {
        const status = this.buildStatus('dc')
        const state = clusterState(this.controller.orchestrator)
        this.dcStatus = status
        this.dcState = state
        const message: PeerMessage = {v: 1, ch: 'dc', viewId: this.view?.viewId ?? 0, m: {t: 'status', status: status as unknown as PublishedStatus, state}}
        this.peers.sendMany(output.to, message)
        break
      }
      case 'dc-status':
        this.dcStatus = output.status as unknown as ClusterStatus
        this.dcState = output.state
        this.adoptFenceHistory(this.dcStatus.fencing)
        this.adoptOperations(this.dcStatus.operations)
        break
      case 'leave-membership':
        void this.close()
        break
      case 'log':
        // t_ms: the monotonic clock, so bench/failover.ts can time each phase of a failover.
        this.logger.log(output.level, output.event, {...output.fields as Fields, t_ms: this.clock.now()})
        if (output.event === 'action-result') this.noteOperation(output.fields as Fields)
        break
    }
  }

  private async fence(node: string, transitionId: number, actionId: string): Promise<void> {
    const ok = await this.runFence(node, this.self.name, false)
    this.step({type: 'fence-result', nowMs: this.clock.now(), node, transitionId, actionId, ok})
  }

  private stonithTimeoutMs(): number {
    const config = this.controller.config
    return parseDurationMs(config ? propertyValue(config, 'stonith-timeout') : '60s') ?? 60_000
  }

  /**
   * hactl node add|remove on the live cluster: needs a quorate view. The new node
   * list (a higher nodes_version) is applied here and sent to every listed peer;
   * each daemon rewrites cluster.json and reloads its node list (applyNodes).
   * Remove refuses a node in the view unless force; with force the node is first
   * asked to stop (its clean leave) and the list changes only once it left.
   */
  private async changeNodes(p: NodesChangeParams): Promise<NodesChangeResult> {
    let next: BootstrapConfig
    try {
      // Bad input first (exit 2 whatever the view), then quorum, then the node's state.
      const compute = () => p.op === 'add' ? withNodeAdded(this.config, {name: p.name, addrs: p.addrs ?? [], ...(p.id === undefined ? {} : {id: p.id})}) : withNodeRemoved(this.config, p.name)
      next = compute()
      if (p.op === 'remove') {
        if (p.name === this.self.name) throw new HactlError('remove-self', `${p.name} is this node: run hactl node remove ${p.name} on another node of the cluster; nothing was done`, 2)
      }
      // A view being re-agreed (a pause on a busy host) is quorate again within a few tokens.
      await this.viewWhere((view) => view?.quorate === true, 20 * this.config.totem.token)
      if (!this.view?.quorate) throw new HactlError('no-quorum', 'this node is not in a quorate partition: a change of the node list needs quorum; nothing was done', 3)
      if (p.op === 'remove') {
        const id = this.ids.get(p.name)!
        if (this.view.members.some((m) => m.id === id)) {
          if (p.force !== true) throw new HactlError('node-online', `node ${p.name} is online: stop it first (hactl cluster stop on ${p.name}) or use --force to stop it and remove it; nothing was done`, 1)
          await this.stopForRemoval(p.name, id)
        }
      }
      // The list may have changed while this waited (a change from another node): from the current one.
      next = compute()
    } catch (error) {
      if (error instanceof NodeListError) throw new HactlError(error.reason, `${error.message}; nothing was done`, 2)
      throw error
    }
    await this.applyNodes(next, 'local')
    const to = next.nodes.map((n) => n.id).filter((id) => id !== this.self.id)
    this.peers.sendMany(to, {ch: 'nodes', version: nodesVersion(next), nodes: next.nodes})
    return {nodes: next.nodes.map((n) => ({id: n.id, name: n.name, addrs: n.addrs, votes: n.votes})), nodesVersion: nodesVersion(next), bootstrap: next}
  }

  /** --force: ask the node to stop (clean leave) and wait until it left the view. */
  private async stopForRemoval(name: string, id: number): Promise<void> {
    this.logger.log('notice', 'node-remove-stop', {node: name})
    this.peers.send(id, {ch: 'nodes', stop: true})
    const left = await this.viewWhere((view) => !(view?.members.some((m) => m.id === id) ?? false), 120_000)
    if (!left) throw new HactlError('node-remove-timeout', `node ${name} did not leave within 120 s after it was asked to stop; nothing was changed`, 1)
  }

  /** Resolves true once the current or a later view satisfies `check`, false after `timeoutMs` (or when the daemon closes). */
  private viewWhere(check: (view: ViewEvent | undefined) => boolean, timeoutMs: number): Promise<boolean> {
    if (check(this.view)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const waiter = {check, resolve: (met: boolean) => {
        clearTimeout(timer)
        resolve(met)
      }}
      const timer = setTimeout(() => {
        this.viewWaiters.delete(waiter)
        resolve(false)
      }, timeoutMs)
      this.viewWaiters.add(waiter)
    })
  }

  /**
   * hactl cluster stop [NODE...] [--all] (pcs cluster stop): each named member, this
   * node by default, runs its clean leave. Refused, with nothing done, for a name that
   * is not a node, for a remote node that is not in this node's view, and (without
   * --force or --all) when the members left would not be quorate, as pcs refuses.
   * --all asks every member at once, so the DC sees all of them leaving and stops
   * their resources instead of moving them from one leaving node to the next.
   */
  private stopNodes(p: {nodes?: string[], all?: boolean, force?: boolean}): {stopping: true, nodes: string[]} {
    const members = (this.view?.members ?? []).map((m) => m.id)
    let ids: number[]
    if (p.all === true) {
      if ((p.nodes?.length ?? 0) > 0) throw new HactlError('bad-input', `--all stops every node: name no nodes with it (got ${p.nodes!.join(' ')}); nothing was done`, 2)
      ids = [...new Set([this.self.id, ...members])]
    } else if ((p.nodes?.length ?? 0) === 0) {
      ids = [this.self.id]
    } else {
      ids = []
      for (const name of p.nodes!) {
        const id = this.ids.get(name)
        if (id === undefined) throw new HactlError('unknown-node', `${JSON.stringify(name)} is not a node of this cluster (nodes: ${[...this.ids.keys()].join(', ')}); nothing was done`, 2)
        if (id !== this.self.id && !members.includes(id)) throw new HactlError('node-not-running', `node ${name} is not running (it is not in ${this.self.name}'s view); nothing was done`, 1)
        if (!ids.includes(id)) ids.push(id)
      }
    }
    const names = ids.map((id) => this.names.get(id) ?? String(id))
    if (p.all !== true && p.force !== true && this.view?.quorate && !this.membership.quorateWithout(ids)) {
      throw new HactlError('quorum-loss', `stopping ${names.join(', ')} will cause a loss of the quorum (the nodes left would stop every resource): use --force to override, or --all to stop the whole cluster; nothing was done`, 1)
    }
    const remote = ids.filter((id) => id !== this.self.id)
    this.logger.log('notice', 'cluster-stop', {nodes: names.join(','), all: p.all === true})
    if (remote.length > 0) this.peers.sendMany(remote, {ch: 'nodes', stop: true, why: 'cluster-stop'})
    if (ids.includes(this.self.id)) setImmediate(() => void this.shutdown('requested'))
    return {stopping: true, nodes: names}
  }

  private receiveNodes(from: number, message: {version?: unknown, nodes?: unknown, stop?: unknown, why?: unknown}): void {
    if (message.stop === true && message.why === 'cluster-stop') {
      this.logger.log('notice', 'cluster-stop-requested', {by: this.names.get(from) ?? String(from)})
      setImmediate(() => void this.shutdown(`requested by ${this.names.get(from) ?? from}`))
      return
    }
    if (message.stop === true) {
      this.logger.log('warning', 'node-removed-stopping', {by: this.names.get(from) ?? String(from), note: 'this node is being removed from the cluster: stopping'})
      setImmediate(() => void this.shutdown('removed from the cluster'))
      return
    }
    let next: BootstrapConfig | undefined
    try {
      next = adoptNodeList(this.config, message.version, message.nodes)
    } catch (error) {
      this.logger.log('error', 'node-list-rejected', {from: this.names.get(from) ?? String(from), error: (error as Error).message})
      return
    }
    if (next !== undefined) void this.applyNodes(next, this.names.get(from) ?? String(from))
  }

  private nodesApplying: Promise<void> = Promise.resolve()

  /** Rewrites cluster.json (atomically, 0644) and reloads the node list everywhere in this daemon. */
  private applyNodes(next: BootstrapConfig, origin: string): Promise<void> {
    this.nodesApplying = this.nodesApplying.then(async () => {
      if (this.closing || nodesVersion(next) <= nodesVersion(this.config)) return
      if (!next.nodes.some((n) => n.id === this.self.id && n.name === this.self.name)) {
        this.logger.log('warning', 'node-removed', {origin, note: 'this node is no longer in the cluster: stopping; run hactl cluster destroy here'})
        setImmediate(() => void this.shutdown('removed from the cluster'))
        return
      }
      try {
        await writeBootstrap(this.options.configDir, next)
      } catch (error) {
        this.logger.log('error', 'node-list-write-failed', {error: (error as Error).message})
        return
      }
      const before = new Set(this.config.nodes.map((n) => n.name))
      const after = new Set(next.nodes.map((n) => n.name))
      this.config = next
      this.names.clear()
      this.ids.clear()
      for (const n of next.nodes) {
        this.names.set(n.id, n.name)
        this.ids.set(n.name, n.id)
      }
      // The controller's node list, the DC's books and the balancers' addresses: a decision of the core.
      this.step({type: 'nodes-changed', nowMs: this.clock.now(), nodes: next.nodes.map((n) => ({id: n.id, name: n.name, votes: n.votes, addr: n.addrs[0]!}))})
      this.peers.setPeers(next.nodes.filter((n) => n.id !== this.self.id).map((n) => ({id: n.id, host: n.addrs[0]!, port: next.port + 1})))
      this.membership.setNodes(next)
      this.logger.log('notice', 'nodes-changed', {origin, version: nodesVersion(next), nodes: next.nodes.map((n) => n.name),
        added: [...after].filter((n) => !before.has(n)), removed: [...before].filter((n) => !after.has(n))})
      this.step({type: 'tick', ...this.reachability(), nowMs: this.clock.now()})
    })
    return this.nodesApplying
  }

  /** Runs the fence devices that cover `node` and records the outcome in the fencing history. */
  private async runFence(node: string, origin: string, manual: boolean): Promise<boolean> {
    const config = this.controller.config
    const result = config ? await this.fencer.fenceWith(config, node, this.stonithTimeoutMs()) : {ok: false, device: null, action: 'reboot'}
    this.fenceHistory = [...this.fenceHistory, {
      target: node, action: result.action, device: result.device, ok: result.ok, delegate: this.self.name, origin, manual, completedAt: this.clock.wallNow(),
    }].slice(-100)
    return result.ok
  }

  /** DC: hactl node fence, asked here or on node `from`. */
  private async manualFence(requestId: string, node: string, from: number): Promise<void> {
    const origin = this.config.nodes.find((n) => n.id === from)?.name ?? String(from)
    this.logger.log('notice', 'manual-fence', {node, origin})
    const ok = await this.runFence(node, origin, true)
    const device = this.fenceHistory.at(-1)?.device ?? null
    this.step({type: 'manual-fence-done', nowMs: this.clock.now(), requestId, from, node, fenced: ok, device})
  }

  /** An action result the DC logged: kept for status --full when an agent ran (it carries rc). */
  private noteOperation(fields: Fields): void {
    if (!('rc' in fields) || typeof fields.node !== 'string' || typeof fields.resource !== 'string' || typeof fields.op !== 'string') return
    const rc = typeof fields.rc === 'number' ? fields.rc : null
    this.operations.push({
      node: fields.node, resource: fields.resource, op: fields.op, intervalMs: typeof fields.interval_ms === 'number' ? fields.interval_ms : 0,
      rc, rcText: ocfName(rc), ok: fields.ok === true, execMs: typeof fields.exec_ms === 'number' ? fields.exec_ms : null, atMs: this.clock.wallNow(),
    })
    if (this.operations.length > OPERATIONS_KEPT) this.operations.splice(0, this.operations.length - OPERATIONS_KEPT)
  }

  /**
   * The operations a DC published: kept, so that this node, once DC, still shows the
   * operations its predecessor saw (status --full), as Pacemaker keeps them in the CIB.
   */
  private adoptOperations(received: OperationRecord[] | undefined): void {
    this.operations = mergeHistory(this.operations, received, (o) => `${o.atMs}/${o.node}/${o.resource}/${o.op}/${o.intervalMs}`, (o) => o.atMs, OPERATIONS_KEPT)
  }

  /** The history a DC published: kept, so a new DC (or status without one) still shows earlier fences. */
  private adoptFenceHistory(received: FenceEvent[] | undefined): void {
    this.fenceHistory = mergeHistory(this.fenceHistory, received, (e) => `${e.completedAt}/${e.target}/${e.delegate}`, (e) => e.completedAt, 100)
  }

  /** hactl node fence NODE: refused without a device covering it or with fencing disabled; the DC runs it. */
  private async fenceNode(node: string): Promise<{node: string, fenced: boolean, device: string | null}> {
    if (!this.ids.has(node)) throw new HactlError('not-found', `node ${JSON.stringify(node)} is not a cluster node (nodes: ${[...this.ids.keys()].join(', ')})`, 2)
    const config = this.controller.config
    if (!config || devicesFor(config, node).length === 0) {
      throw new HactlError('no-fence-device', `no fence device covers ${node}: add one with 'hactl stonith create' (pcmk_host_list=${node} or no host list); nothing was done`, 1)
    }
    if (!booleanProperty(config, 'stonith-enabled')) {
      throw new HactlError('fencing-disabled', `fencing is disabled (stonith-enabled=false): enable it with 'hactl property set stonith-enabled=true' first; nothing was done`, 1)
    }
    if (node === this.self.name) throw new HactlError('fence-self', `${node} is the node this command runs on: ask on another node (fencing it would end this daemon before it answers); nothing was done`, 2)
    const requestId = `${this.self.name}-f${this.nextFenceRequest++}`
    const timeoutMs = this.stonithTimeoutMs() + 10_000
    const reply = await new Promise<{fenced: boolean, device: string | null, error?: string} | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.fenceWaiters.delete(requestId)
        resolve(undefined)
      }, timeoutMs)
      this.fenceWaiters.set(requestId, (r) => {
        clearTimeout(timer)
        resolve(r)
      })
      this.step({type: 'client-fence', nowMs: this.clock.now(), requestId, node})
    })
    if (reply === undefined) throw new HactlError('fence-timeout', `no answer from the DC about fencing ${node} within ${Math.round(timeoutMs / 1000)} s: see 'hactl stonith history' and the DC's log`, 1)
    if (reply.error === 'no-dc') throw new HactlError('no-quorum', 'this partition has no quorum: fencing needs the DC; nothing was done', 3)
    return {node, fenced: reply.fenced, device: reply.device}
  }

  // ---- membership ----

  private readyTimer: NodeJS.Timeout | undefined
  private readySent = false

  private notifyReady(status: string): void {
    if (this.readySent) return
    this.readySent = true
    clearTimeout(this.readyTimer)
    void sdNotify({ready: true, status}).then((r) => {
      if (r && !r.ok) this.logger.log('warning', 'sd-notify-failed', {reason: r.reason})
    })
  }

  private onView(view: ViewEvent): void {
    if (view.phase === 'usable' && view.members.length > 1) this.notifyReady(`joined view ${view.viewId} with ${view.members.length} nodes`)
    this.view = view
    for (const waiter of this.viewWaiters) {
      if (!waiter.check(view)) continue
      this.viewWaiters.delete(waiter)
      waiter.resolve(true)
    }
    this.logger.log('notice', 'view', {
      view: view.viewId, phase: view.phase, quorate: view.quorate, dc: view.dc === null ? null : this.names.get(view.dc),
      members: view.members.map((m) => m.name), votes: view.totalVotes, expected: view.expectedVotes,
      joined: view.joined.map((id) => this.names.get(id) ?? String(id)), left: view.left.map((id) => this.names.get(id) ?? String(id)),
      t_ms: this.clock.now(),
    })
    for (const id of [...view.left, ...view.joined]) if (id !== this.self.id) this.peers.reset(id)
    // Live node add/remove: a node that was away during a change learns the newer node list.
    const joined = view.joined.filter((id) => id !== this.self.id)
    if (joined.length > 0 && nodesVersion(this.config) > 0) this.peers.sendMany(joined, {ch: 'nodes', version: nodesVersion(this.config), nodes: this.config.nodes})
    this.stepReplication({
      type: 'view',
      view: {
        viewId: view.viewId, members: view.members.map((m) => m.id), quorate: view.quorate, dc: view.dc ?? undefined,
        expectedVotes: view.expectedVotes, votes: Object.fromEntries(this.config.nodes.map((n) => [n.id, n.votes])),
      },
    })
    this.step({
      type: 'view', ...this.reachability(), nowMs: this.clock.now(),
      view: {viewId: view.viewId, quorate: view.quorate, dc: view.dc, members: view.members.map((m) => m.id), expectedVotes: view.expectedVotes, incarnations: this.incarnations()},
    })
  }

  // ---- replication ----

  private stepReplication(event: ReplicationEvent): void {
    if (this.closing) return
    const {state, outputs} = stepReplication(this.replication, event)
    this.replication = state
    this.noteReplicationActivity(event, outputs)
    for (const output of outputs) {
      switch (output.type) {
        case 'send':
          this.peers.send(output.to, {v: 1, ch: 'repl', m: output.message} satisfies PeerMessage)
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
          this.step({type: 'write-reply', nowMs: this.clock.now(), requestId: output.requestId, result: output.result})
          break
        case 'configChanged':
          this.step({type: 'committed', nowMs: this.clock.now(), config: output.config})
          // observability hook: the alert dispatcher arms its attribute look only while an alert is configured
          this.logger.log('debug', 'config-committed', {epoch: output.config.epoch})
          break
        case 'ready':
          this.step({type: 'ready', nowMs: this.clock.now(), viewId: output.viewId, config: output.config})
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

  /** Replication ticks every TICK_MS while busy, every QUIET_TICK_MS once quiet. */
  private armReplicationTick(): void {
    const r = this.replication
    const now = this.clock.now()
    const quietAfterMs = 2 * r.options.retransmitTicksMax * TICK_MS
    const quiet = now - this.replicationActiveAt >= quietAfterMs && r.forwarded.length === 0 && (r.dc === undefined || isReady(r))
    this.scheduler.set('replication', now + (quiet ? QUIET_TICK_MS : TICK_MS), () => {
      this.stepReplication({type: 'tick'})
      this.armReplicationTick()
    })
  }

  /**
   * Anything but a tick, or a tick that did more than resend commit notices, keeps
   * replication busy, except a commit notice that told this member nothing new: the
   * DC's quiet ticks send one every QUIET_TICK_MS, less than the quiet period, so
   * counting them kept every member on the 100 ms tick for good (ten wake-ups a
   * second with nothing to do). A notice that does tell something has outputs.
   */
  private noteReplicationActivity(event: ReplicationEvent, outputs: ReadonlyArray<{type: string, message?: {type: string}}>): void {
    const keepAlive = event.type === 'message' && event.message.type === 'commit' && outputs.length === 0
    const busy = !keepAlive && (event.type !== 'tick' || outputs.some((o) => o.type !== 'send' || o.message?.type !== 'commit'))
    if (!busy) return
    const wasQuiet = this.clock.now() - this.replicationActiveAt >= 2 * this.replication.options.retransmitTicksMax * TICK_MS
    this.replicationActiveAt = this.clock.now()
    if (wasQuiet && event.type !== 'tick') this.armReplicationTick()
  }

  // ---- writes, cleanup, restart (the CLI's requests) ----

  private async write(edit: ConfigEdit, ifEpoch?: number): Promise<ResourceConfig> {
    const clientId = `c${this.nextClient++}`
    const result = await new Promise<WriteResult>((resolve) => {
      this.writes.set(clientId, resolve)
      this.step({type: 'client-write', nowMs: this.clock.now(), clientId, edit, ifEpoch})
    })
    if (result.ok) return result.config
    const {code, message} = result.error
    const exitCode = code === 'no-quorum' ? 3 : code === 'invalid-config' ? 2 : 1
    throw new HactlError(code === 'invalid-config' ? result.error.reason ?? code : code, message, exitCode)
  }

  private async cleanup(resource: string, node?: string): Promise<{resource: string, node: string | null}> {
    const config = this.controller.config
    const known = config && (config.resources.some((r) => r.id === resource) || config.groups.some((g) => g.id === resource) || config.clones.some((c) => c.id === resource))
    if (!known) throw new HactlError('not-found', `resource ${JSON.stringify(resource)} does not exist`, 2)
    if (node !== undefined && !this.ids.has(node)) throw new HactlError('not-found', `node ${JSON.stringify(node)} does not exist`, 2)
    // Cleanups are the DC's: it forgets in its books and tells every node to forget and probe again.
    // Asked elsewhere, the request is forwarded to the DC of this node's quorate view.
    if (isActiveDc(this.controller) || (this.view?.quorate && this.view.dc !== null)) this.step({type: 'client-cleanup', nowMs: this.clock.now(), resource, node})
    else throw new HactlError('no-quorum', 'this partition has no quorum; cleanup needs the DC', 3)
    return {resource, node: node ?? null}
  }

  private async restart(resource: string): Promise<{resource: string}> {
    const config = this.controller.config
    const primitive = config?.resources.find((r) => r.id === resource) ?? config?.groups.find((g) => g.id === resource) ?? config?.clones.find((c) => c.id === resource)
    if (!primitive) throw new HactlError('not-found', `resource ${JSON.stringify(resource)} does not exist`, 2)
    const role = primitive.meta['target-role'] ?? ''
    const stopped = await this.write({op: 'resource.meta', id: resource, meta: {'target-role': 'Stopped'}})
    await this.waitSettled(stopped.epoch, 60_000)
    await this.write({op: 'resource.meta', id: resource, meta: {'target-role': role}})
    return {resource}
  }

  /** Resolves when the cluster has carried out configuration `epoch` and has nothing left to do (or after timeoutMs). */
  waitSettled(epoch: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {epoch, deadlineMs: this.clock.now() + timeoutMs, resolve}
      this.settleWaiters.add(waiter)
      this.checkSettleWaiters()
    })
  }

  private checkSettleWaiters(): void {
    if (this.settleWaiters.size === 0) return
    const status = this.status()
    const now = this.clock.now()
    let next = Infinity
    for (const waiter of this.settleWaiters) {
      if ((status.epoch >= waiter.epoch && status.settled) || now >= waiter.deadlineMs || this.closing) {
        this.settleWaiters.delete(waiter)
        waiter.resolve()
      } else next = Math.min(next, waiter.deadlineMs)
    }
    // Settled arrives with a status from the DC (a step); the deadline needs a wake-up of its own.
    this.scheduler.set('settle-wait', next === Infinity ? null : next, () => this.checkSettleWaiters())
  }

  // ---- node attributes (crm_attribute, crm_master, crm_node) ----

  private attributeNode(node: string | undefined): string {
    const name = node ?? this.self.name
    if (!this.ids.has(name)) throw new HactlError('not-found', `node ${JSON.stringify(name)} is not in the cluster (nodes: ${[...this.ids.keys()].join(', ')})`, 2)
    return name
  }

  /** Sets (value) or deletes (null) an attribute: transient ones here, permanent ones by a replicated edit. */
  private async updateAttribute(p: AttributeParams, value: string | null): Promise<AttributeResult> {
    const node = this.attributeNode(p.node)
    checkAttribute(p.name, value ?? undefined)
    if (p.lifetime === 'forever') {
      await this.write({op: 'node.attribute', name: node, attributes: {[p.name]: value ?? ''}})
      return {node, name: p.name, lifetime: p.lifetime, value}
    }
    if (node !== this.self.name) {
      throw new HactlError('not-local', `transient attributes of another node (${node}) cannot be written from here; run this on ${node}, or use --lifetime forever`, 1)
    }
    const changed = value === null ? this.attributes.delete(p.name) : this.attributes.set(p.name, value)
    if (changed) {
      this.logger.log('info', 'attribute-changed', {name: p.name, value: value ?? undefined, deleted: value === null ? true : undefined})
      this.step({type: 'local-report', nowMs: this.clock.now(), full: false, epoch: this.controller.config?.epoch ?? 0, resources: {}, attributes: this.attributes.all()})
    }
    return {node, name: p.name, lifetime: p.lifetime, value}
  }

  private async queryAttribute(p: AttributeParams): Promise<AttributeResult> {
    const node = this.attributeNode(p.node)
    checkAttribute(p.name)
    let value: string | undefined
    if (p.lifetime === 'forever') {
      const config = this.controller.config ?? this.replication.record.config
      value = config?.nodes.find((n) => n.name === node)?.attributes[p.name]
    } else if (node === this.self.name) {
      value = this.attributes.get(p.name)
    } else {
      const state = this.clusterState().nodes[node]
      value = state?.attributes?.[p.name]
    }
    return {node, name: p.name, lifetime: p.lifetime, value: value ?? null}
  }

  /** A transient attribute on every node up: this node's own value, the others' as the DC last had them. */
  private listAttribute(name: string): {name: string, values: Record<string, string>} {
    checkAttribute(name)
    const values: Record<string, string> = {}
    for (const [node, state] of Object.entries(this.clusterState().nodes)) {
      const value = node === this.self.name ? this.attributes.get(name) : state.attributes?.[name]
      if (value !== undefined) values[node] = value
    }
    const own = this.attributes.get(name)
    if (own !== undefined) values[this.self.name] = own
    return {name, values}
  }

  private nodeInfo(): NodeInfo {
    const members = new Set(this.view?.members.map((m) => m.id) ?? [this.self.id])
    return {
      name: this.self.name, id: this.self.id, quorate: this.view?.quorate === true,
      nodes: this.config.nodes.map((n) => ({id: n.id, name: n.name, member: members.has(n.id)})),
    }
  }

  // ---- status ----

  private buildStatus(source: 'dc' | 'local'): ClusterStatus {
    return buildStatus({
      bootstrap: this.config, config: this.controller.config ?? this.replication.record.config, orchestrator: this.controller.orchestrator, view: this.view,
      localNode: this.self.name, localReport: this.lrm.snapshot(), source,
      wallNowMs: this.clock.wallNow(), toWallMs: (ms) => wallTimeOf(this.clock, ms), fencing: this.fenceHistory, operations: this.operations,
    })
  }

  /**
   * The policy engine's input as the DC sees it, for `hactl simulate` on the live
   * cluster; without a DC, this node's own knowledge.
   */
  clusterState(): ClusterState {
    if (isActiveDc(this.controller)) return clusterState(this.controller.orchestrator)
    if (this.view?.quorate && this.dcState && this.dcStatus?.viewId === this.view.viewId) return this.dcState
    const resources: ClusterState['resources'] = {}
    for (const [id, report] of Object.entries(this.lrm.snapshot())) {
      const {role, failCount, digest, restartDigest, reloadable} = report
      resources[id] = {nodes: {[this.self.name]: {role, failCount, ...(digest ? {digest} : {}), ...(restartDigest ? {restartDigest} : {}), ...(reloadable ? {reloadable} : {})}}}
    }
    const members = new Set(this.view?.members.map((m) => m.name) ?? [this.self.name])
    return {
      nowMs: this.clock.now(), quorate: this.view?.quorate === true, tokenTimeoutMs: this.config.totem.token,
      nodes: Object.fromEntries(this.config.nodes.map((n) => [n.name, {online: members.has(n.name)}])), resources,
    }
  }

  status(): ClusterStatus {
    if (isActiveDc(this.controller)) return this.buildStatus('dc')
    if (this.view?.quorate && this.dcStatus && this.dcStatus.viewId === this.view.viewId) return {...this.dcStatus, localNode: this.self.name}
    return this.buildStatus('local')
  }

  // ---- shutdown ----

  /**
   * SIGTERM or `hactl cluster stop`: the controller's clean-leave protocol (ask
   * the DC, which moves this node's resources away and grants; announce the clean
   * leave to every member), then leave the membership. Without a DC, stop here.
   */
  async shutdown(reason: string): Promise<void> {
    if (this.controller.leave.phase === 'none' && !this.closing) {
      this.step({type: 'shutdown', nowMs: this.clock.now(), reason, budgetMs: leaveBudgetMs(this.controller.config)})
    }
    await this.stopped
  }

  private async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    clearTimeout(this.readyTimer)
    void sdNotify({stopping: true})
    this.scheduler.stop()
    await this.lrm.stopAll('shutdown')
    await this.guard?.release()
    for (const waiter of this.settleWaiters) waiter.resolve()
    for (const waiter of this.viewWaiters) waiter.resolve(false)
    this.viewWaiters.clear()
    await this.membership?.stop()
    await this.peers?.stop()
    await this.control?.stop()
    await this.executor?.close()
    await this.observability?.stop() // observability hook (issue 13)
    this.logger.log('notice', 'daemon-stopped', {node: this.self.name})
    this.markStopped()
  }
}
