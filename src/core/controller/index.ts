/**
 * The node controller: one node's own decisions, as a pure state machine
 * (Pacemaker's controller, less the DC's planning, which is the orchestrator's,
 * held here and stepped from here). No I/O, no timers, no clock: time comes with
 * the events (`nowMs`, a monotonic clock), and the outputs say what to do.
 *
 * It decides:
 *  - which DC may direct this node: only the DC of the quorate view this node is
 *    in, in that view (`dc` messages carry the view id);
 *  - which node messages the DC takes: only while it is the active DC; a full
 *    report probed against an older configuration than the DC's is not full;
 *  - no-quorum-policy=stop: stop everything at once when no majority can be
 *    reached. A lost node's resources are recovered elsewhere NO_QUORUM_STOP_BUDGET_MS
 *    after it noticed the loss at the earliest (policy/nodes.ts), so waiting eats
 *    into that budget. A non-quorate view is waited out (for one token timeout from
 *    its first view, looked at every half heartbeat) only while the reachable nodes
 *    form a closed majority: with this node a majority of votes, each of them
 *    having heard this node within token - heartbeat (its last echo of our packets
 *    says so) and reporting fresh links to nobody outside (a node outside, or a link
 *    that is dead from one end, may let a view form without this one: the
 *    whole-cluster simulator found one-way cuts where the old "majority reachable"
 *    wait overlapped the recovery elsewhere). Why that is enough: a view without
 *    this node has its DC among those peers (nobody outside is fresh to them), and
 *    that DC recovers this node's resources a token plus the stop budget after it
 *    last heard it; while every such peer heard us within token - heartbeat, a stop
 *    decided at the next look (half a heartbeat on) still ends inside that budget.
 *    A "fresh" flag is no such proof: a link stays fresh for two tokens after the
 *    last round trip, so a coordinator that stopped hearing this node may form a
 *    view without it while still reporting it fresh (the simulator found that too).
 *    Links between the other peers are not required: a node that joins is not yet
 *    reported fresh by every survivor when its round starts, and that is no way
 *    to lose this node (a missing link only stalls a view). A node nobody heard
 *    within the token is not outside either (the membership leaves it out of the
 *    reports, see peerFreshIds): a peer that has not yet suspected a node that
 *    crashed or left cleanly still calls it fresh, and that lag made survivors of
 *    an unrelated loss stop everything. While the reports of
 *    the others may still lag (half a heartbeat from the first non-quorate view)
 *    an open majority is given that long to close; actions that finish after the
 *    stop are stopped too;
 *  - the clean leave (see LeavePhase): the node ALWAYS asks the DC, the DC moves
 *    its resources away and grants; the node then announces to every member that
 *    it leaves holding nothing, so no DC, present or later, counts it unclean;
 *  - retries: a write refused while the membership changes, a report the DC is
 *    waiting for, a leave request;
 *  - when the DC publishes its status, when a delayed fence goes out.
 *
 * I/O contract for the shell (the daemon, or the simulator):
 *  1. Feed every event with the monotonic clock's `nowMs` (never the wall clock);
 *     `nowMs` never goes back.
 *  2. Carry out the outputs of one step in order. `send` may be lost (a peer link
 *     breaks): every protocol here retries or is re-asked.
 *  3. Arm one timer for `nextDeadline(state)` (null: none) and feed `tick` when it
 *     comes, with the peers the membership hears at that moment (`reachable`).
 *  4. `lrm-*` outputs run asynchronously; feed their result back (`action-done`,
 *     `local-report` with full=true after `lrm-full-report`, `cleanup-done`,
 *     `stopped-all`). A monitor failure is fed as a `local-report` with full=false.
 *     `lrm-stop-all` must stop everything the node holds; for 'no quorum' it first
 *     removes the addresses (the guard's strip) and cancels starts under way (their
 *     agents killed), and the controller asks again when such an action has ended.
 *  5. `replicate` is a replication `clientWrite` with that requestId; feed its
 *     `reply` back as `write-reply`, replication's `ready` as `ready` and
 *     `configChanged` as `committed`. `replication-message` goes to replication
 *     as a `message` from that peer.
 *  6. `publish-status`: build the status from `state.orchestrator` and send it to
 *     each node in `to` as a `dc` message of the current view; keep it as this
 *     node's own too. `dc-status` is a status the DC sent here.
 *  7. `leave-membership`: leave the membership, close the links and exit; nothing
 *     is fed afterwards.
 *  8. Messages from peers are fed unchecked (`peer`); the controller checks them
 *     (messages.ts) and counts what it drops in `state.drops`.
 */
import {propertyValue} from '../config/defaults.js'
import type {ResourceConfig} from '../config/types.js'
import {clusterState, initialOrchestrator, stepOrchestrator, type NodeReport, type OrchestratorEvent, type OrchestratorOutput} from '../orchestration/index.js'
import {NO_QUORUM_STOP_BUDGET_MS} from '../policy/nodes.js'
import type {WriteResult} from '../replication/types.js'
import {isActive} from './local-report.js'
import {parsePeerMessage, reportFromWire, reportToWire, type PeerMessage, type ToDc, type ToNode, type ToPeer} from './messages.js'
import type {ControllerEvent, ControllerOptions, ControllerOutput, ControllerState, ControllerStep, ControllerView, LogLevel} from './types.js'

/** What the membership tells of the reachable peers (see the tick event). */
interface PeerReports {
  peerFresh: Record<number, number[]> | undefined
  heardUsAgoMs: Record<number, number> | undefined
}

export * from './types.js'
export * from './messages.js'
export * from './local-report.js'

export function initialController(options: ControllerOptions, nowMs = 0): ControllerState {
  return {
    options, nowMs, view: undefined, maxViewId: 0, config: undefined, dcReady: false,
    orchestrator: initialOrchestrator(options.nodes.map((n) => n.name), options.tokenMs, options.evictAfterMs),
    noQuorumWait: null, noQuorumStopped: false, actionsInFlight: 0, leave: {phase: 'none'}, writes: {}, nextRequest: 1,
    reporting: null, reportRetryAtMs: null, statusDueAtMs: null, statusRefreshAtMs: null, lastStatus: null, lastState: null,
    fences: [], drops: {}, incarnations: {},
  }
}

/** The next instant the controller must be ticked at; null when nothing is due. */
export function nextDeadline(state: ControllerState): number | null {
  const times: number[] = []
  const add = (t: number | null | undefined) => {
    if (t !== null && t !== undefined) times.push(t)
  }
  if (state.noQuorumWait) add(Math.min(state.noQuorumWait.giveUpAtMs, state.nowMs + Math.max(1, Math.floor(state.options.heartbeatMs / 2))))
  for (const w of Object.values(state.writes)) add(w.retryAtMs)
  add(state.reportRetryAtMs)
  add(state.statusDueAtMs)
  add(state.statusRefreshAtMs)
  for (const f of state.fences) add(f.atMs)
  if (state.leave.phase === 'asking') add(Math.min(state.leave.deadlineMs, state.leave.retryAtMs))
  if (state.leave.phase === 'announcing') add(state.leave.deadlineMs)
  // The engine asked to look again (failure expiry, the safety delay): just after that instant.
  // A recheck already due waits for the transition in flight (it replans when that ends): not a deadline.
  const recheck = state.orchestrator.recheckAtMs
  if (state.orchestrator.active && recheck !== null && recheck >= state.nowMs) add(recheck + 1)
  return times.length === 0 ? null : Math.max(state.nowMs, Math.min(...times))
}

/** The active DC of a ready, quorate view: it plans and directs. */
export function isActiveDc(state: ControllerState): boolean {
  return state.orchestrator.active
}

class Step {
  readonly out: ControllerOutput[] = []
  /** Messages this node sends itself (the DC is a node too), handled within the same step. */
  readonly local: Array<() => void> = []
  constructor(public s: ControllerState) {}

  get self(): number {
    return this.s.options.selfId
  }

  name(id: number): string | undefined {
    return this.s.options.nodes.find((n) => n.id === id)?.name
  }

  id(name: string): number | undefined {
    return this.s.options.nodes.find((n) => n.name === name)?.id
  }

  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    this.out.push({type: 'log', level, event, fields})
  }

  drop(reason: string, from: number): void {
    this.s.drops = {...this.s.drops, [reason]: (this.s.drops[reason] ?? 0) + 1}
    this.log('warning', 'peer-message-dropped', {from, reason})
  }

  viewId(): number {
    return this.s.view?.viewId ?? 0
  }

  toNode(name: string, m: ToNode): void {
    const to = this.id(name)
    if (to === undefined) return
    if (to === this.self) this.local.push(() => this.onDcMessage(this.self, m))
    else this.out.push({type: 'send', to, message: {v: 1, ch: 'dc', viewId: this.viewId(), m}})
  }

  toDc(m: ToDc): void {
    const view = this.s.view
    const dc = view?.quorate ? view.dc : null
    if (dc === null || dc === undefined) return
    if (dc === this.self) this.local.push(() => this.onNodeMessage(this.self, m))
    else this.out.push({type: 'send', to: dc, message: {v: 1, ch: 'node', viewId: this.viewId(), m}})
  }

  toPeer(to: number, m: ToPeer): void {
    this.out.push({type: 'send', to, message: {v: 1, ch: 'peer', viewId: this.viewId(), m}})
  }

  // ---- the orchestrator (the DC's books), stepped at the current time ----

  orchestrate(event: OrchestratorEvent): void {
    const before = this.s.orchestrator
    let state = before
    const outputs: OrchestratorOutput[] = []
    if (!('nowMs' in event) && state.nowMs !== this.s.nowMs) {
      // Every plan is made at the current time.
      const tick = stepOrchestrator(state, {type: 'tick', nowMs: this.s.nowMs})
      state = tick.state
      outputs.push(...tick.outputs)
    }
    const stepped = stepOrchestrator(state, event)
    this.s.orchestrator = stepped.state
    this.carryOut([...outputs, ...stepped.outputs])
    // Every change of the books reaches the members' status within statusThrottleMs: the
    // periodic refresh (statusRefreshMs) is only a safety net, not how status gets around.
    if (event.type !== 'tick') this.statusSoon()
  }

  private carryOut(outputs: OrchestratorOutput[]): void {
    for (const output of outputs) {
      switch (output.type) {
        case 'request-report':
          for (const node of output.nodes) this.toNode(node, {t: 'report-request'})
          break
        case 'dispatch':
          this.log('info', 'dispatch', {transition: output.transitionId, action: output.action.id, node: output.node, reason: output.action.reason})
          this.toNode(output.node, {t: 'action', transitionId: output.transitionId, action: output.action})
          break
        case 'fence':
          if (this.s.options.fenceDelayMs > 0) {
            // In a two-node split both nodes are quorate and each would fence the other; the
            // node with the higher id waits, so the lower one wins the race (Pacemaker's pcmk_delay_base).
            this.log('notice', 'fence-delay', {node: output.node, delay_ms: this.s.options.fenceDelayMs})
            this.s.fences = [...this.s.fences, {node: output.node, transitionId: output.transitionId, actionId: output.actionId, atMs: this.s.nowMs + this.s.options.fenceDelayMs}]
          } else this.out.push({type: 'fence', node: output.node, transitionId: output.transitionId, actionId: output.actionId})
          break
        case 'leave-granted':
          this.log('notice', 'leave-granted', {node: output.node})
          this.toNode(output.node, {t: 'leave-granted'})
          break
        case 'cleanup':
          for (const node of output.nodes) this.toNode(node, {t: 'cleanup', resource: output.resource})
          break
        case 'transition':
          this.log('notice', 'transition', {id: output.id, actions: output.actions, summary: output.summary.join('; ')})
          break
        case 'settled':
          this.log('info', 'transition-complete', {id: output.id})
          break
      }
    }
    if (outputs.length > 0) this.statusSoon()
  }

  // ---- status (DC) ----

  statusSoon(): void {
    if (!isActiveDc(this.s)) return
    const at = this.s.nowMs + this.s.options.statusThrottleMs
    if (this.s.statusDueAtMs === null || this.s.statusDueAtMs > at) this.s.statusDueAtMs = at
  }

  publishDue(): void {
    const s = this.s
    if (!isActiveDc(s)) {
      s.statusDueAtMs = null
      s.statusRefreshAtMs = null
      return
    }
    const due = (s.statusDueAtMs !== null && s.nowMs >= s.statusDueAtMs) || (s.statusRefreshAtMs !== null && s.nowMs >= s.statusRefreshAtMs)
    if (s.statusRefreshAtMs === null) s.statusRefreshAtMs = s.nowMs + s.options.statusRefreshMs
    if (!due) return
    s.statusDueAtMs = null
    s.statusRefreshAtMs = s.nowMs + s.options.statusRefreshMs
    this.out.push({type: 'publish-status', to: (s.view?.members ?? []).filter((id) => id !== this.self)})
  }

  // ---- membership ----

  onView(view: ControllerView, reachable: number[], peerFresh: Record<number, number[]> | undefined, heardAgoMs?: Record<number, number>, heardUsAgoMs?: Record<number, number>): void {
    const s = this.s
    if (view.viewId < s.maxViewId) {
      this.log('error', 'view-went-back', {view: view.viewId, seen: s.maxViewId})
      return
    }
    const previous = s.view
    s.maxViewId = view.viewId
    s.view = view
    if (view.viewId !== previous?.viewId || view.dc !== this.self || !view.quorate) s.dcReady = false
    const names = (ids: number[]) => ids.map((id) => this.name(id) ?? String(id))
    // A member whose daemon restarted is a new node: what its previous run announced (a leave) is void.
    for (const [id, inc] of Object.entries(view.incarnations ?? {})) {
      const before = s.incarnations[Number(id)]
      if (before !== undefined && before !== inc && Number(id) !== this.self) {
        const node = this.name(Number(id))
        if (node) this.orchestrate({type: 'restarted', node})
      }
      s.incarnations = {...s.incarnations, [id]: inc}
    }
    const heardAtMs: Record<string, number> = {}
    for (const [id, ago] of Object.entries(heardAgoMs ?? {})) heardAtMs[this.name(Number(id)) ?? id] = s.nowMs - ago
    this.orchestrate({
      type: 'view', nowMs: s.nowMs, viewId: view.viewId, members: names(view.members), quorate: view.quorate,
      active: s.dcReady && view.quorate && view.dc === this.self, heardAtMs,
    })
    if (!isActiveDc(s)) s.reportRetryAtMs = null
    this.noQuorumPolicy(view, reachable, {peerFresh, heardUsAgoMs})
    // A node asking to leave asks the DC of the new view (the old one may be gone).
    if (s.leave.phase === 'asking' && view.quorate && view.dc !== null && s.leave.askedViewId !== view.viewId) this.askLeave()
    if (s.leave.phase === 'asking' && !view.quorate) this.stopForLeave(false, 'no quorum')
    this.statusSoon()
  }

  /** No-quorum-policy=stop, see the header. */
  noQuorumPolicy(view: ControllerView, reachable: number[], reports: PeerReports): void {
    const s = this.s
    if (view.quorate) {
      s.noQuorumWait = null
      s.noQuorumStopped = false
      return
    }
    if (s.noQuorumStopped) return
    if (this.policy() !== 'stop') return
    if (s.noQuorumWait === null) s.noQuorumWait = {sinceMs: s.nowMs, giveUpAtMs: s.nowMs + s.options.tokenMs, expectedVotes: view.expectedVotes}
    else s.noQuorumWait = {...s.noQuorumWait, expectedVotes: view.expectedVotes}
    this.checkNoQuorum(reachable, reports)
  }

  checkNoQuorum(reachable: number[], {peerFresh, heardUsAgoMs}: PeerReports): void {
    const s = this.s
    const wait = s.noQuorumWait
    if (!wait || s.view?.quorate) return
    const majority = this.majorityReachable(reachable, wait.expectedVotes)
    const closed = majority && peerFresh !== undefined && heardUsAgoMs !== undefined && this.closed(reachable, peerFresh, heardUsAgoMs)
    const lagging = majority && s.nowMs < wait.sinceMs + (s.options.noQuorumGraceMs ?? s.options.heartbeatMs / 2)
    if ((closed || lagging) && s.nowMs < wait.giveUpAtMs) return
    s.noQuorumWait = null
    s.noQuorumStopped = true
    // What the decision saw: each peer this node reaches, the links it reports fresh, and how long ago it heard this node.
    const reports = reachable.map((id) => `${this.name(id) ?? id}:${(peerFresh?.[id] ?? []).map((f) => this.name(f) ?? f).join('+')}@${heardUsAgoMs?.[id] === undefined ? '-' : Math.round(heardUsAgoMs[id])}ms`).join(' ')
    this.log('notice', 'no-quorum-stop', {view: s.view?.viewId ?? 0, majority_reachable: majority, closed, reachable: reachable.map((id) => this.name(id) ?? id).join(','), reports})
    this.out.push({type: 'lrm-stop-all', reason: 'no quorum'})
  }

  majorityReachable(reachable: number[], expectedVotes: number): boolean {
    const ids = new Set([...reachable, this.self])
    const votes = this.s.options.nodes.filter((n) => ids.has(n.id)).reduce((sum, n) => sum + n.votes, 0)
    return votes * 2 > expectedVotes
  }

  /**
   * No view can leave this node out and recover its resources before a stop decided
   * at the next look has ended (see the header): every reachable peer heard this
   * node within token - heartbeat, and reports fresh links to nobody outside.
   */
  closed(reachable: number[], peerFresh: Record<number, number[]>, heardUsAgoMs: Record<number, number>): boolean {
    const inside = new Set([...reachable, this.self])
    const recentMs = this.s.options.tokenMs - this.s.options.heartbeatMs
    return reachable.every((id) => {
      const fresh = peerFresh[id]
      const ago = heardUsAgoMs[id]
      return fresh !== undefined && fresh.every((other) => inside.has(other)) && ago !== undefined && ago <= recentMs
    })
  }

  policy(): string {
    return this.s.config ? propertyValue(this.s.config, 'no-quorum-policy') : 'stop'
  }

  // ---- replication ----

  onReady(viewId: number, config: ResourceConfig): void {
    const s = this.s
    this.onCommitted(config)
    const view = s.view
    if (!view || view.viewId !== viewId || view.dc !== this.self || !view.quorate) return
    s.dcReady = true
    this.log('notice', 'dc-ready', {view: viewId, epoch: config.epoch})
    this.seedFromLastStatus()
    this.declareClusterNodes(config)
    this.orchestrate({type: 'view', nowMs: s.nowMs, viewId: view.viewId, members: view.members.map((id) => this.name(id) ?? String(id)), quorate: true, active: true})
    this.armReportRetry()
    this.statusSoon()
  }

  onCommitted(config: ResourceConfig): void {
    const s = this.s
    if (s.config === config) return
    s.config = config
    this.out.push({type: 'lrm-config', config})
    this.orchestrate({type: 'config', config})
    // Probe what is new here and tell the DC, so it never plans on an older probe.
    this.fullReport()
    this.statusSoon()
  }

  /** A new DC holds what the previous DC's last status showed on nodes that are now gone. */
  seedFromLastStatus(): void {
    const last = this.s.lastStatus
    if (!last) return
    const members = new Set((this.s.view?.members ?? []).map((id) => this.name(id)))
    const nodes: Record<string, NodeReport> = {}
    for (const resource of last.resources) {
      for (const node of resource.nodes) {
        if (members.has(node)) continue
        nodes[node] ??= {}
        nodes[node][resource.id] = {role: resource.role === 'failed' ? 'failed' : 'started', failCount: 0}
      }
    }
    for (const node of last.nodes) if (node.unclean && !members.has(node.name)) nodes[node.name] ??= {}
    this.orchestrate({type: 'seed', nowMs: this.s.nowMs, nodes})
  }

  /** The nodes of cluster.json are the cluster's nodes: the DC declares any the configuration lacks. */
  declareClusterNodes(config: ResourceConfig): void {
    const declared = new Set(config.nodes.map((n) => n.name))
    const missing = this.s.options.nodes.map((n) => n.name).filter((name) => !declared.has(name))
    if (missing.length === 0 || this.s.writes['declare-nodes']) return
    this.clientWrite('declare-nodes', {op: 'batch', edits: missing.map((name) => ({op: 'node.add', name}))}, undefined, true)
  }

  // ---- writes ----

  clientWrite(clientId: string, edit: Extract<ControllerEvent, {type: 'client-write'}>['edit'], ifEpoch: number | undefined, internal = false): void {
    const s = this.s
    if (s.writes[clientId]) {
      this.out.push({type: 'write-done', clientId, result: {ok: false, error: {code: 'busy', message: `write ${clientId} is already pending`, outcome: 'not-applied'}}})
      return
    }
    s.writes = {...s.writes, [clientId]: {edit, ifEpoch, deadlineMs: s.nowMs + s.options.writeRetryMs, attempt: null, retryAtMs: null, internal}}
    this.attemptWrite(clientId)
  }

  attemptWrite(clientId: string): void {
    const s = this.s
    const write = s.writes[clientId]
    const requestId = `${s.options.requestIdPrefix}-${s.nextRequest++}`
    s.writes = {...s.writes, [clientId]: {...write, attempt: requestId, retryAtMs: null}}
    this.out.push({type: 'replicate', requestId, edit: write.edit, ...(write.ifEpoch === undefined ? {} : {ifEpoch: write.ifEpoch})})
  }

  /**
   * A refusal that surely changed nothing (not-applied) during a membership
   * change — no quorum, busy, DC changed — is retried until writeRetryMs after the
   * request, since such changes last tens of milliseconds; a write whose outcome
   * is unknown is never retried blindly.
   */
  onWriteReply(requestId: string, result: WriteResult): void {
    const s = this.s
    const entry = Object.entries(s.writes).find(([, w]) => w.attempt === requestId)
    if (!entry) return
    const [clientId, write] = entry
    if (!result.ok) {
      const {code, outcome} = result.error
      const transient = outcome === 'not-applied' && (code === 'no-quorum' || code === 'busy' || code === 'dc-changed')
      if (transient && s.nowMs < write.deadlineMs && s.leave.phase === 'none') {
        s.writes = {...s.writes, [clientId]: {...write, attempt: null, retryAtMs: s.nowMs + s.options.writeRetryEveryMs}}
        return
      }
    }
    const writes = {...s.writes}
    delete writes[clientId]
    s.writes = writes
    if (write.internal) {
      if (result.ok) this.log('info', 'nodes-declared', {epoch: result.config.epoch})
      else this.log('warning', 'nodes-not-declared', {error: result.error.message})
    } else this.out.push({type: 'write-done', clientId, result})
  }

  // ---- reports (node side) ----

  /** Waits for running actions, probes what is new, sends the full report; coalesces. */
  fullReport(): void {
    const s = this.s
    if (s.reporting) {
      s.reporting = {again: true}
      return
    }
    s.reporting = {again: false}
    this.out.push({type: 'lrm-full-report'})
  }

  onLocalReport(full: boolean, epoch: number, resources: NodeReport, attributes?: Record<string, string>): void {
    const s = this.s
    // What this node knows of nodes that are gone: a new DC may know less (it never saw them go).
    const departed = full
      ? Object.entries(s.orchestrator.nodes).filter(([, b]) => !b.online && b.lostInViewId !== undefined).map(([node, b]) => ({node, viewId: b.lostInViewId!, clean: b.leftCleanly === true, ...(b.seenInViewId === undefined ? {} : {seenInViewId: b.seenInViewId})}))
      : []
    this.toDc({t: 'report', full, epoch, resources: reportToWire(resources, s.nowMs), ...(departed.length > 0 ? {departed} : {}), ...(attributes ? {attributes} : {})})
    if (full && s.reporting) {
      const again = s.reporting.again
      s.reporting = null
      if (again) this.fullReport()
    }
    this.followNoQuorumStop(resources)
  }

  /** Something became active after this node stopped everything for lack of quorum: stop again. */
  followNoQuorumStop(resources: NodeReport): void {
    const s = this.s
    if (!s.noQuorumStopped || s.view?.quorate) return
    if (Object.values(resources).some((r) => isActive(r))) this.out.push({type: 'lrm-stop-all', reason: 'no quorum'})
  }

  // ---- reports (DC side) ----

  /** The DC plans only once every online node has reported; it asks again every reportRetryMs. */
  armReportRetry(): void {
    const s = this.s
    if (!isActiveDc(s)) {
      s.reportRetryAtMs = null
      return
    }
    const waiting = this.unreported()
    if (waiting.length === 0) s.reportRetryAtMs = null
    else if (s.reportRetryAtMs === null) s.reportRetryAtMs = s.nowMs + s.options.reportRetryMs
  }

  unreported(): string[] {
    return Object.entries(this.s.orchestrator.nodes).filter(([, b]) => b.online && !b.reported).map(([name]) => name)
  }

  // ---- messages ----

  onPeer(from: number, raw: unknown): void {
    const parsed = parsePeerMessage(raw)
    if (!parsed.ok) return this.drop(parsed.reason, from)
    const message: PeerMessage = parsed.message
    if (!this.s.options.nodes.some((n) => n.id === from) || from === this.self) return this.drop('unknown-sender', from)
    switch (message.ch) {
      case 'repl':
        this.out.push({type: 'replication-message', from, message: message.m})
        break
      case 'dc': {
        // Only the DC of the quorate view this node is in may direct it, in that view.
        const view = this.s.view
        if (!view?.quorate || view.dc !== from || message.viewId !== view.viewId) {
          this.s.drops = {...this.s.drops, 'not-my-dc': (this.s.drops['not-my-dc'] ?? 0) + 1}
          return
        }
        this.onDcMessage(from, message.m)
        break
      }
      case 'node':
        if (!isActiveDc(this.s)) {
          this.s.drops = {...this.s.drops, 'not-the-dc': (this.s.drops['not-the-dc'] ?? 0) + 1}
          return
        }
        this.onNodeMessage(from, message.m)
        break
      case 'peer':
        this.onPeerMessage(from, message.m)
        break
    }
  }

  onDcMessage(from: number, m: ToNode): void {
    const s = this.s
    // Once granted (or stopping on its own), a leaving node takes no more orders.
    if (s.leave.phase !== 'none' && s.leave.phase !== 'asking' && m.t !== 'status') return
    switch (m.t) {
      case 'report-request':
        this.fullReport()
        break
      case 'action':
        if (!s.view?.quorate) return
        s.actionsInFlight++
        this.out.push({type: 'lrm-execute', transitionId: m.transitionId, action: m.action})
        break
      case 'leave-granted':
        if (s.leave.phase === 'asking') this.stopForLeave(true, 'granted')
        break
      case 'cleanup':
        this.out.push({type: 'lrm-cleanup', resource: m.resource})
        break
      case 'fence-reply':
        this.out.push({type: 'fence-reply', requestId: m.requestId, node: m.node, fenced: m.fenced, device: m.device})
        break
      case 'status':
        if (from !== this.self) {
          s.lastStatus = m.status
          s.lastState = m.state
          this.out.push({type: 'dc-status', status: m.status, state: m.state})
        }
        break
    }
  }

  onNodeMessage(from: number, m: ToDc): void {
    const node = this.name(from)
    if (node === undefined) return
    switch (m.t) {
      case 'report': {
        // A report probed against an older configuration may miss new resources: not full.
        const full = m.full && m.epoch >= (this.s.orchestrator.config?.epoch ?? 0)
        if (m.full && !full) this.s.drops = {...this.s.drops, 'stale-report': (this.s.drops['stale-report'] ?? 0) + 1}
        if (m.departed) this.orchestrate({type: 'departed', records: m.departed})
        this.orchestrate({type: 'report', node, resources: reportFromWire(m.resources, this.s.nowMs), full, ...(m.attributes ? {attributes: m.attributes} : {})})
        break
      }
      case 'result': {
        // For alerts, metrics and history (they read the log): the outcome of a dispatched action.
        const t = this.s.orchestrator.transition
        const action = t?.id === m.transitionId ? t.actions.find((a) => a.id === m.actionId) : undefined
        // Pacemaker's "Result of start operation for R on N: ok", with the agent's rc and run time when it ran.
        this.log('info', 'action-result', {transition: m.transitionId, action: m.actionId, node, ok: m.ok, resource: action?.resource, op: action?.op, interval_ms: action?.intervalMs,
          ...(m.rc === undefined ? {} : {rc: m.rc}), ...(m.ms === undefined ? {} : {exec_ms: m.ms})})
        this.orchestrate({type: 'result', node, transitionId: m.transitionId, actionId: m.actionId, ok: m.ok, resources: reportFromWire(m.resources, this.s.nowMs)})
        break
      }
      case 'leave-request':
        this.log('notice', 'leave-request', {node})
        this.orchestrate({type: 'leave-request', node})
        break
      case 'cleanup-request':
        this.log('notice', 'cleanup-request', {node, resource: m.resource, on: m.node})
        this.orchestrate({type: 'cleanup', resource: m.resource, node: m.node})
        break
      case 'fence-request':
        this.log('notice', 'fence-request', {node: m.node, from: node})
        this.out.push({type: 'manual-fence', requestId: m.requestId, node: m.node, from})
        break
    }
    this.armReportRetry()
  }

  onPeerMessage(from: number, m: ToPeer): void {
    const node = this.name(from)
    if (node === undefined) return
    switch (m.t) {
      case 'leaving':
        this.log('notice', 'node-leaving', {node})
        this.orchestrate({type: 'leaving', node, resources: reportFromWire(m.resources, this.s.nowMs)})
        this.toPeer(from, {t: 'leaving-ack'})
        break
      case 'leaving-ack': {
        const leave = this.s.leave
        if (leave.phase !== 'announcing') return
        const waiting = leave.waiting.filter((id) => id !== from)
        this.s.leave = {...leave, waiting}
        if (waiting.length === 0) this.leaveNow(true)
        break
      }
    }
  }

  // ---- manual fencing (hactl node fence) ----

  /** The DC fences; another node asks the DC of its quorate view, or answers at once that there is none. */
  clientFence(requestId: string, node: string): void {
    const view = this.s.view
    if (isActiveDc(this.s)) this.out.push({type: 'manual-fence', requestId, node, from: this.self})
    // The DC is the target: it could not answer once fenced, so this node runs the device (a delegate, as Pacemaker's fencer picks one).
    else if (view?.quorate && view.dc !== null && view.dc === this.id(node)) this.out.push({type: 'manual-fence', requestId, node, from: this.self})
    else if (view?.quorate && view.dc !== null && view.dc !== this.self) this.toDc({t: 'fence-request', requestId, node})
    else this.out.push({type: 'fence-reply', requestId, node, fenced: false, device: null, error: 'no-dc'})
  }

  /** A fenced node runs nothing any more: the DC's books say so at once (the membership notices later). */
  manualFenceDone(event: Extract<ControllerEvent, {type: 'manual-fence-done'}>): void {
    const {requestId, from, node, fenced, device} = event
    // Into the books whether or not this node is the active DC right now: the fence may end while the
    // membership re-forms (the fenced node stops answering), and a DC that becomes active again, or a
    // delegate that becomes DC, must not count the node as lost uncleanly and fence it once more.
    if (fenced) this.orchestrate({type: 'fenced', node})
    if (from === this.self) this.out.push({type: 'fence-reply', requestId, node, fenced, device})
    else {
      const name = this.name(from)
      if (name !== undefined) this.toNode(name, {t: 'fence-reply', requestId, node, fenced, device})
    }
  }

  // ---- the node list ----

  onNodesChanged(nodes: Array<{id: number, name: string, votes: number, addr: string}>): void {
    const s = this.s
    s.options = {...s.options, nodes: nodes.map(({id, name, votes}) => ({id, name, votes}))}
    this.orchestrate({type: 'nodes', nodes: nodes.map(({name, addr}) => ({name, addr}))})
  }

  // ---- leaving ----

  shutdown(reason: string, budgetMs: number): void {
    const s = this.s
    if (s.leave.phase !== 'none') return
    this.log('notice', 'shutdown', {reason})
    // Always ask, holding resources or not: the DC records a clean leave and moves them away.
    s.leave = {phase: 'asking', deadlineMs: s.nowMs + budgetMs, retryAtMs: s.nowMs, askedViewId: -1}
    if (s.view?.quorate && s.view.dc !== null) this.askLeave()
    else this.stopForLeave(false, 'no DC')
  }

  askLeave(): void {
    const s = this.s
    if (s.leave.phase !== 'asking') return
    s.leave = {...s.leave, retryAtMs: s.nowMs + s.options.leaveRetryMs, askedViewId: this.viewId()}
    this.toDc({t: 'leave-request'})
  }

  stopForLeave(granted: boolean, why: string): void {
    const s = this.s
    if (s.leave.phase !== 'asking') return
    if (!granted) this.log('warning', 'shutdown-not-granted', {why})
    s.leave = {phase: 'stopping', granted}
    this.out.push({type: 'lrm-stop-all', reason: 'shutdown'})
  }

  onStoppedAll(reason: string, durationMs: number, active: string[]): void {
    const s = this.s
    if (reason === 'no quorum') {
      const budget = NO_QUORUM_STOP_BUDGET_MS
      this.log(durationMs > budget ? 'crit' : 'notice', 'no-quorum-stop-done', {duration_ms: durationMs, budget_ms: budget, still_active: active.length > 0 ? active : undefined})
    }
    if (s.leave.phase !== 'stopping') return
    const view = s.view
    const members = (view?.quorate ? view.members : []).filter((id) => id !== this.self)
    if (active.length > 0 || members.length === 0) {
      // Something would not stop, or nobody to tell (no quorum): the cluster cannot know this
      // leave was clean; the DC that notices decides about fencing.
      this.leaveNow(false)
      return
    }
    // Tell every member this node leaves holding nothing, and wait for their acks.
    const report: NodeReport = {}
    s.leave = {phase: 'announcing', deadlineMs: s.nowMs + s.options.leaveAnnounceMs, waiting: members}
    for (const id of members) this.toPeer(id, {t: 'leaving', resources: reportToWire(report, s.nowMs)})
    // This node's own books too (it may be the DC).
    this.orchestrate({type: 'leaving', node: this.name(this.self)!, resources: report})
  }

  leaveNow(clean: boolean): void {
    const s = this.s
    if (s.leave.phase === 'left') return
    s.leave = {phase: 'left'}
    this.log('notice', 'leaving-membership', {clean})
    this.out.push({type: 'leave-membership', clean})
  }

  // ---- time ----

  onTick(reachable: number[], reports: PeerReports): void {
    const s = this.s
    this.checkNoQuorum(reachable, reports)
    for (const [clientId, w] of Object.entries(s.writes)) if (w.retryAtMs !== null && s.nowMs >= w.retryAtMs) this.attemptWrite(clientId)
    if (isActiveDc(s) && s.reportRetryAtMs !== null && s.nowMs >= s.reportRetryAtMs) {
      s.reportRetryAtMs = null
      const nodes = this.unreported()
      if (nodes.length > 0) this.log('info', 'report-request-again', {nodes})
      for (const node of nodes) this.toNode(node, {t: 'report-request'})
    }
    const due = s.fences.filter((f) => s.nowMs >= f.atMs)
    if (due.length > 0) {
      s.fences = s.fences.filter((f) => s.nowMs < f.atMs)
      for (const f of due) this.out.push({type: 'fence', node: f.node, transitionId: f.transitionId, actionId: f.actionId})
    }
    const leave = s.leave
    if (leave.phase === 'asking') {
      if (s.nowMs >= leave.deadlineMs) this.stopForLeave(false, 'not granted in time')
      else if (s.nowMs >= leave.retryAtMs) this.askLeave()
    }
    if (leave.phase === 'announcing' && s.nowMs >= leave.deadlineMs) {
      this.log('warning', 'leave-not-acknowledged', {waiting: leave.waiting.map((id) => this.name(id))})
      this.leaveNow(false)
    }
    // A due recheck (failure expiry, safety delay) replans.
    if (s.orchestrator.recheckAtMs !== null && s.nowMs > s.orchestrator.recheckAtMs) this.orchestrate({type: 'tick', nowMs: s.nowMs})
  }

  run(event: ControllerEvent): void {
    const s = this.s
    if (event.nowMs < s.nowMs) this.log('error', 'clock-went-back', {now: event.nowMs, before: s.nowMs})
    s.nowMs = Math.max(s.nowMs, event.nowMs)
    if (s.leave.phase === 'left') return
    switch (event.type) {
      case 'tick': this.onTick(event.reachable, {peerFresh: event.peerFresh, heardUsAgoMs: event.heardUsAgoMs}); break
      case 'view': this.onView(event.view, event.reachable, event.peerFresh, event.heardAgoMs, event.heardUsAgoMs); break
      case 'ready': this.onReady(event.viewId, event.config); break
      case 'committed': this.onCommitted(event.config); break
      case 'write-reply': this.onWriteReply(event.requestId, event.result); break
      case 'peer': this.onPeer(event.from, event.message); break
      case 'action-done':
        s.actionsInFlight = Math.max(0, s.actionsInFlight - 1)
        this.toDc({t: 'result', transitionId: event.transitionId, actionId: event.actionId, ok: event.ok, resources: reportToWire(event.resources, s.nowMs),
          ...(event.rc === undefined ? {} : {rc: event.rc}), ...(event.execMs === undefined ? {} : {ms: Math.max(0, Math.round(event.execMs))})})
        this.followNoQuorumStop(event.resources)
        break
      case 'local-report': this.onLocalReport(event.full, event.epoch, event.resources, event.attributes); break
      case 'cleanup-done': this.fullReport(); break
      case 'stopped-all': this.onStoppedAll(event.reason, event.durationMs, event.active); break
      case 'fence-result': this.orchestrate({type: 'fence-result', node: event.node, transitionId: event.transitionId, actionId: event.actionId, ok: event.ok}); break
      case 'client-write': this.clientWrite(event.clientId, event.edit, event.ifEpoch); break
      case 'client-cleanup':
        if (isActiveDc(s)) this.orchestrate({type: 'cleanup', resource: event.resource, node: event.node})
        else this.toDc(event.node === undefined ? {t: 'cleanup-request', resource: event.resource} : {t: 'cleanup-request', resource: event.resource, node: event.node})
        break
      case 'client-fence': this.clientFence(event.requestId, event.node); break
      case 'manual-fence-done': this.manualFenceDone(event); break
      case 'shutdown': this.shutdown(event.reason, event.budgetMs); break
      case 'nodes-changed': this.onNodesChanged(event.nodes); break
    }
    for (let i = 0; i < this.local.length; i++) this.local[i]()
    this.armReportRetry()
    this.publishDue()
  }
}

export function stepController(previous: ControllerState, event: ControllerEvent): ControllerStep {
  const step = new Step({...previous})
  step.run(event)
  return {state: step.s, outputs: step.out}
}

/** The policy engine's input as this DC sees it (for `hactl simulate` on a live cluster). */
export function dcClusterState(state: ControllerState) {
  return clusterState(state.orchestrator)
}
