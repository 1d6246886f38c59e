/**
 * The DC's bookkeeping (Pacemaker's controller on the DC), as a pure state
 * machine: membership, configuration, node reports and action results in;
 * actions to dispatch out. No I/O, no clock: `nowMs` comes with the events.
 *
 * Rules:
 *  - It plans only as the active DC (quorate view, replication ready), and only
 *    once every online node has sent a full report — a joining node probes every
 *    resource first, so nothing started outside hactl runs twice.
 *  - A transition's actions are dispatched when everything they depend on is done.
 *  - When any input changes, the running transition is aborted: nothing more is
 *    dispatched, and the engine runs again once no action is in flight. A newer
 *    transition therefore never re-runs an action of an older one.
 *  - A node that leaves uncleanly keeps its last reported resources (the engine
 *    holds them until fenced or until the safety delay passed); one that leaves
 *    after a granted shutdown, or after announcing that it holds nothing
 *    (`leaving`, recorded on every node so a later DC knows too), leaves nothing
 *    behind and is never fenced for it.
 */
import type {ResourceConfig} from '../config/types.js'
import type {Action} from '../policy/actions.js'
import {schedule} from '../policy/schedule.js'
import type {ClusterState, InstanceState, NodeState} from '../policy/state.js'
import {summarize} from '../policy/summary.js'
import {balancerReloads, balancerResult, balancerStartParams, reloadInFlight, setBalancerAddresses} from '../balancer/index.js'
import type {NodeBook, NodeReport, OrchestratorEvent, OrchestratorOutput, OrchestratorState, TransitionBook} from './types.js'

export * from './types.js'

/**
 * `evictAfterMs`: the least silence after which the membership evicts a node and
 * agrees on a view without it (token + its settle time). A node lost in a view
 * agreed at time T was therefore last heard no later than T - evictAfterMs: taking
 * that as its lostAtMs is never earlier than the truth, so the safety delay counted
 * from it is never short. Except when the node itself told the others it had left the
 * old view (it was gathering or agreeing on a new one): then the view may be agreed
 * moments after it was last heard, so the DC also takes its own last-heard time of
 * the node (heardAtMs) when that is later (the whole-cluster simulator found a DC
 * recovering a node's resources 130 ms after it last heard the node).
 */
export function initialOrchestrator(nodeNames: string[], tokenTimeoutMs: number, evictAfterMs = tokenTimeoutMs): OrchestratorState {
  const nodes: Record<string, NodeBook> = {}
  for (const name of nodeNames) nodes[name] = {online: false, unclean: false, fenced: false, reported: false, leaving: false, resources: {}}
  return {
    nowMs: 0, active: false, viewId: 0, quorate: false, tokenTimeoutMs, evictAfterMs, config: undefined, nodes,
    transition: undefined, nextTransitionId: 1, dirty: true, recheckAtMs: null,
  }
}

export interface OrchestratorStep {
  state: OrchestratorState
  outputs: OrchestratorOutput[]
}

export function stepOrchestrator(previous: OrchestratorState, event: OrchestratorEvent): OrchestratorStep {
  const state: OrchestratorState = {...previous, nodes: {...previous.nodes}}
  const out: OrchestratorOutput[] = []
  switch (event.type) {
    case 'tick':
      state.nowMs = event.nowMs
      if (state.recheckAtMs !== null && state.nowMs >= state.recheckAtMs) state.dirty = true
      break
    case 'config': onConfig(state, event.config, out); break
    case 'view': onView(state, event, out); break
    case 'report': {
      const book = state.nodes[event.node]
      if (!book?.online) break
      state.nodes[event.node] = {...book, reported: book.reported || event.full, resources: event.full ? event.resources : {...book.resources, ...event.resources}}
      const attributesChanged = event.attributes !== undefined && !sameValues(book.attributes ?? {}, event.attributes)
      if (attributesChanged) state.nodes[event.node].attributes = {...event.attributes}
      // An attribute-only report replans only when a changed attribute can matter to the policy (a
      // promotion score, or one a rule reads): an agent publishing its own bookkeeping every monitor
      // (ocf:hactl:pgsql's WAL position) must not abort the transition under way each time.
      const onlyAttributes = !event.full && Object.keys(event.resources).length === 0
      if (!onlyAttributes || (attributesChanged && changedAttributes(book.attributes ?? {}, event.attributes!).some((name) => policyReads(state.config, name)))) state.dirty = true
      break
    }
    case 'result': if (!balancerResult(state, event)) onResult(state, event); break
    case 'fence-result': onFenceResult(state, event); break
    case 'seed':
      for (const [name, resources] of Object.entries(event.nodes)) {
        const book = state.nodes[name]
        if (!book || book.online || book.leftCleanly || Object.keys(book.resources).length > 0 || !hasActive(resources)) continue
        state.nodes[name] = {...book, unclean: true, fenced: false, lostAtMs: book.lostAtMs ?? event.nowMs - state.evictAfterMs, resources}
      }
      state.dirty = true
      break
    case 'nodes': {
      const listed = new Set(event.nodes.map((n) => n.name))
      for (const name of Object.keys(state.nodes)) if (!listed.has(name)) delete state.nodes[name]
      for (const n of event.nodes) state.nodes[n.name] ??= {online: false, unclean: false, fenced: false, reported: false, leaving: false, resources: {}}
      setBalancerAddresses(state, Object.fromEntries(event.nodes.map((n) => [n.name, n.addr])))
      state.dirty = true
      break
    }
    case 'leave-request': {
      const book = state.nodes[event.node]
      if (book) state.nodes[event.node] = {...book, leaving: true}
      state.dirty = true
      break
    }
    case 'leaving': {
      const book = state.nodes[event.node]
      if (book?.online) state.nodes[event.node] = {...book, leaving: true, resources: event.resources}
      state.dirty = true
      break
    }
    case 'restarted': {
      const book = state.nodes[event.node]
      if (!book?.online) break
      state.nodes[event.node] = {...book, leaving: false, leaveGranted: undefined, leftCleanly: undefined, reported: false,
        resources: book.leaving && !hasActive(book.resources) ? {} : book.resources}
      state.dirty = true
      if (state.active) out.push({type: 'request-report', nodes: [event.node]})
      break
    }
    case 'departed':
      for (const {node: name, viewId, clean, seenInViewId} of event.records) {
        const book = state.nodes[name]
        if (!book || book.online) continue
        // The latest knowledge wins; of two accounts of the same departure, the announced
        // clean leave (one member heard it, another only saw the node go).
        const own = book.lostInViewId ?? -1
        if (own > viewId || (own === viewId && (!clean || book.leftCleanly))) continue
        // A clean leave recorded here is undone only by a member that saw the node in a quorate
        // view since (it came back, then went): one that last saw it before the leave, or only in
        // a view without quorum, noticed the same absence later, not a newer departure (found by
        // the whole-cluster simulator: a node fenced after a clean leave on a rebooted node's word).
        if (book.leftCleanly && !clean && (seenInViewId === undefined || seenInViewId < own)) continue
        state.nodes[name] = clean
          ? {...book, lostInViewId: viewId, unclean: false, leftCleanly: true, fenced: false, lostAtMs: undefined, resources: {}}
          // A member saw it in a later view than this DC did: it was heard after our lostAtMs, at
          // the latest now (found by the whole-cluster simulator once a DC was ready in milliseconds:
          // a DC back from a pause recovered a node's resources on the loss time of an older view).
          : {...book, lostInViewId: viewId, unclean: !book.fenced, leftCleanly: false, lostAtMs: book.fenced ? book.lostAtMs : Math.max(book.lostAtMs ?? state.nowMs, state.nowMs),
            resources: book.fenced ? book.resources : possiblyActive(state.config, book.resources)}
        state.dirty = true
      }
      break
    case 'fenced': {
      const book = state.nodes[event.node]
      if (!book) break
      state.nodes[event.node] = book.online ? {...book, leaving: true, reported: true, resources: {}} : {...book, fenced: true, unclean: false, resources: {}}
      state.dirty = true
      break
    }
    case 'cleanup': {
      const nodes = Object.keys(state.nodes).filter((n) => event.node === undefined || n === event.node)
      for (const name of nodes) {
        const book = state.nodes[name]
        const resources: NodeReport = {}
        for (const [id, report] of Object.entries(book.resources)) {
          resources[id] = matches(id, event.resource) ? {role: report.role === 'failed' ? 'stopped' : report.role, failCount: 0} : report
        }
        // The node forgets too, then probes again and reports: until then, plan nothing.
        state.nodes[name] = {...book, resources, reported: book.online ? false : book.reported}
      }
      out.push({type: 'cleanup', resource: event.resource, nodes: nodes.filter((n) => state.nodes[n].online)})
      state.dirty = true
      break
    }
  }
  advance(state, out)
  balancerReloads(state, out)
  return {state, outputs: out}
}

/** An instance id belongs to a resource: the primitive itself or one of its clone instances. */
function matches(instanceId: string, resource: string): boolean {
  return instanceId === resource || instanceId.startsWith(`${resource}:`)
}

function onConfig(state: OrchestratorState, config: ResourceConfig, out: OrchestratorOutput[]): void {
  const before = new Set(state.config?.resources.map((r) => r.id) ?? [])
  const added = config.resources.some((r) => !before.has(r.id))
  state.config = config
  state.dirty = true
  // New resources are probed everywhere before anything may start them.
  if (added && state.active) requestReports(state, out)
}

function onView(state: OrchestratorState, event: Extract<OrchestratorEvent, {type: 'view'}>, out: OrchestratorOutput[]): void {
  const members = new Set(event.members)
  const wasActive = state.active
  state.nowMs = event.nowMs
  state.viewId = event.viewId
  state.quorate = event.quorate
  state.active = event.active
  for (const [name, book] of Object.entries(state.nodes)) {
    const seenInViewId = members.has(name) && event.quorate ? event.viewId : book.seenInViewId
    if (members.has(name) && !book.online) {
      state.nodes[name] = {online: true, unclean: false, fenced: false, reported: false, leaving: false, everSeen: true, seenInViewId, resources: book.unclean && !book.fenced ? book.resources : {}}
    } else if (members.has(name) && seenInViewId !== book.seenInViewId) {
      state.nodes[name] = {...book, seenInViewId}
    } else if (!members.has(name) && book.online) {
      const clean = book.leaving && !hasActive(book.resources)
      // A node that leaves before it reported to this DC may hold anything (another
      // DC may have started resources there meanwhile): hold them all until it is
      // fenced or the safety delay passed. The whole-cluster simulator found a node
      // that joined, left unreported, and got its resources started elsewhere at once.
      const unknown = !clean && state.active && !book.reported
      state.nodes[name] = {
        online: false, unclean: !clean, fenced: false, reported: false, leaving: false, everSeen: true, lostInViewId: event.viewId, ...(clean ? {leftCleanly: true} : {}),
        ...(book.seenInViewId === undefined ? {} : {seenInViewId: book.seenInViewId}),
        // Only an agreed quorate view without it bounds when it was last heard (the membership waited
        // for it to settle); a view formed alone (after a pause) does not: the lost time is then set
        // when this node becomes DC (found by the whole-cluster simulator).
        lostAtMs: clean || !event.quorate ? undefined : Math.max(event.nowMs - state.evictAfterMs, event.heardAtMs?.[name] ?? -Infinity),
        resources: clean ? {} : unknown ? possiblyActive(state.config, book.resources) : book.resources,
      }
    }
  }
  state.dirty = true
  if (!state.active) {
    state.transition = undefined
    return
  }
  if (state.transition) {
    // Actions sent to nodes that left will never report: count them as failed. A
    // start in flight there may have happened: the node holds that resource until
    // fenced or the safety delay passed (found by the whole-cluster simulator: a
    // start dispatched just before its node left was started again elsewhere at once).
    const status = {...state.transition.status}
    for (const action of state.transition.actions) {
      if (status[action.id] !== 'dispatched' || action.op === 'fence' || members.has(action.node)) continue
      status[action.id] = 'failed'
      const book = state.nodes[action.node]
      if ((action.op === 'start' || action.op === 'migrate_from') && action.resource && book?.unclean) {
        const before = book.resources[action.resource]
        state.nodes[action.node] = {...book, resources: {...book.resources, [action.resource]: {role: 'started', failCount: before?.failCount ?? 0}}}
      }
    }
    state.transition = {...state.transition, status, aborted: true}
  }
  if (!wasActive) {
    // A new DC knows nothing of what the previous one ran: ask every member. A node
    // that is not a member and did not leave cleanly may hold anything (the previous
    // DC may have started resources there; this one may never have seen it: Pacemaker
    // fences such nodes at startup): it holds every resource until fenced or the safety
    // delay from its loss (or from now) passed. Found by the whole-cluster simulator:
    // a DC just restarted took the VIP while a paused host it had never seen held it.
    state.transition = undefined
    for (const [name, book] of Object.entries(state.nodes)) {
      if (book.online || book.leftCleanly || book.fenced) continue
      state.nodes[name] = {...book, unclean: true, lostAtMs: book.lostAtMs ?? event.nowMs, resources: possiblyActive(state.config, book.resources)}
    }
    requestReports(state, out)
  } else {
    const joined = event.members.filter((n) => state.nodes[n] && !state.nodes[n].reported)
    if (joined.length > 0) out.push({type: 'request-report', nodes: joined})
  }
}

/** Every single-instance resource possibly active (as 'started'), fail counts kept. */
function possiblyActive(config: ResourceConfig | undefined, known: NodeReport): NodeReport {
  const out: NodeReport = {...known}
  if (!config) return out
  const cloned = new Set<string>()
  for (const clone of config.clones) {
    cloned.add(clone.child)
    for (const member of config.groups.find((g) => g.id === clone.child)?.members ?? []) cloned.add(member)
  }
  for (const r of config.resources) {
    if (cloned.has(r.id) || isFenceDevice(r.agent)) continue
    const before = known[r.id]
    if (before?.role !== 'started' && before?.role !== 'promoted' && before?.role !== 'failed') out[r.id] = {role: 'started', failCount: before?.failCount ?? 0}
  }
  return out
}

function requestReports(state: OrchestratorState, out: OrchestratorOutput[]): void {
  const online = Object.keys(state.nodes).filter((n) => state.nodes[n].online)
  for (const name of online) state.nodes[name] = {...state.nodes[name], reported: false}
  if (online.length > 0) out.push({type: 'request-report', nodes: online})
}

function hasActive(resources: NodeReport): boolean {
  return Object.values(resources).some((r) => r.role === 'started' || r.role === 'promoted' || r.role === 'failed' || r.role === 'unknown')
}

function onResult(state: OrchestratorState, event: Extract<OrchestratorEvent, {type: 'result'}>): void {
  const book = state.nodes[event.node]
  if (book) state.nodes[event.node] = {...book, resources: {...book.resources, ...event.resources}}
  const transition = state.transition
  if (!transition || transition.id !== event.transitionId || transition.status[event.actionId] !== 'dispatched') {
    // A result of a superseded transition is still a fact about the node.
    state.dirty = true
    return
  }
  state.transition = {...transition, status: {...transition.status, [event.actionId]: event.ok ? 'done' : 'failed'}}
  if (!event.ok) state.dirty = true
}

function onFenceResult(state: OrchestratorState, event: Extract<OrchestratorEvent, {type: 'fence-result'}>): void {
  const book = state.nodes[event.node]
  if (book && event.ok && !book.online) state.nodes[event.node] = {...book, fenced: true, unclean: false, resources: {}}
  const transition = state.transition
  if (transition && transition.id === event.transitionId && transition.status[event.actionId] === 'dispatched') {
    state.transition = {...transition, status: {...transition.status, [event.actionId]: event.ok ? 'done' : 'failed'}}
  }
  state.dirty = true
}

export function isFenceDevice(agent: string): boolean {
  return agent.startsWith('fence:') || agent.startsWith('stonith:')
}

/**
 * What the engine plans on: every cluster node declared (so it can place on nodes
 * nobody declared by hand), and no fence devices, which the DC runs itself and
 * never places on a node.
 */
export function planningConfig(config: ResourceConfig, nodeNames: string[]): ResourceConfig {
  const declared = new Set(config.nodes.map((n) => n.name))
  const missing = nodeNames.filter((n) => !declared.has(n))
  const fences = new Set(config.resources.filter((r) => isFenceDevice(r.agent)).map((r) => r.id))
  if (missing.length === 0 && fences.size === 0) return config
  const mentions = (c: ResourceConfig['constraints'][number]) => c.type === 'location' ? fences.has(c.resource)
    : c.type === 'colocation' ? fences.has(c.resource) || fences.has(c.withResource) : fences.has(c.first) || fences.has(c.then)
  return {
    ...config,
    nodes: [...config.nodes, ...missing.map((name) => ({name, attributes: {}, utilization: {}, standby: false, maintenance: false}))],
    resources: config.resources.filter((r) => !fences.has(r.id)),
    groups: config.groups.map((g) => ({...g, members: g.members.filter((m) => !fences.has(m))})).filter((g) => g.members.length > 0),
    clones: config.clones.filter((c) => !fences.has(c.child)),
    constraints: config.constraints.filter((c) => !mentions(c)),
  }
}

/** The policy engine's view of the cluster, from the DC's books. */
function changedAttributes(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k])
}

/** Whether the policy engine may read this node attribute: a promotion score, or an attribute a constraint's rule names. */
function policyReads(config: ResourceConfig | undefined, name: string): boolean {
  if (name.startsWith('master-')) return true
  if (config === undefined) return false
  const text = JSON.stringify(config.constraints)
  return text.includes(`"attribute":${JSON.stringify(name)}`) || text.includes(`"nodeAttribute":${JSON.stringify(name)}`)
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

export function clusterState(state: OrchestratorState): ClusterState {
  const nodes: Record<string, NodeState> = {}
  const resources: Record<string, InstanceState> = {}
  for (const [name, book] of Object.entries(state.nodes)) {
    const node: NodeState = {online: book.online}
    if (book.unclean) node.unclean = true
    if (book.lostAtMs !== undefined) node.lostAtMs = Math.max(0, book.lostAtMs)
    if (book.fenced) node.fenced = true
    if (book.leaving) node.standby = true
    // Transient attributes of nodes that are up (a lost node's are gone with it, as Pacemaker's lifetime=reboot).
    if (book.online && book.attributes && Object.keys(book.attributes).length > 0) node.attributes = {...book.attributes}
    nodes[name] = node
    for (const [id, report] of Object.entries(book.resources)) {
      const entry = resources[id] ?? (resources[id] = {nodes: {}})
      const record: InstanceState['nodes'][string] = {role: report.role}
      if (report.failCount > 0) record.failCount = report.failCount
      if (report.lastFailureMs !== undefined) record.lastFailureMs = report.lastFailureMs
      if (report.failedOp !== undefined) record.failedOp = report.failedOp
      if (report.digest !== undefined) record.digest = report.digest
      if (report.restartDigest !== undefined) record.restartDigest = report.restartDigest
      if (report.reloadable !== undefined) record.reloadable = report.reloadable
      entry.nodes[name] = record
    }
  }
  // A node the configuration declares but the cluster does not have (removed live with
  // hactl node remove, or renamed in cluster.json) is offline: never a place to run anything.
  for (const node of state.config?.nodes ?? []) nodes[node.name] ??= {online: false}
  return {nowMs: state.nowMs, quorate: state.quorate, tokenTimeoutMs: state.tokenTimeoutMs, nodes, resources}
}

function advance(state: OrchestratorState, out: OrchestratorOutput[]): void {
  grantLeaves(state, out)
  if (!state.active || !state.config) return
  let transition = state.transition
  if (transition) {
    if (state.dirty && !transition.aborted) transition = state.transition = {...transition, aborted: true}
    if (!transition.aborted) dispatchRunnable(state, transition, out)
    const statuses = Object.values(state.transition!.status)
    const inFlight = statuses.includes('dispatched')
    const finished = statuses.every((s) => s === 'done')
    if (finished && !transition.aborted) out.push({type: 'settled', id: transition.id})
    if (finished || (state.transition!.aborted && !inFlight)) state.transition = undefined
    else return
  }
  if (!state.dirty) return
  if (Object.values(state.nodes).some((b) => b.online && !b.reported)) return
  state.dirty = false
  const nodeNames = Object.keys(state.nodes)
  const result = schedule(planningConfig(state.config, nodeNames), clusterState(state))
  state.recheckAtMs = result.recheckAtMs
  if (result.transition.actions.length === 0) return
  const status: TransitionBook['status'] = {}
  for (const action of result.transition.actions) status[action.id] = 'pending'
  const book: TransitionBook = {id: state.nextTransitionId++, actions: balancerStartParams(state, result.transition.actions), status, aborted: false, summary: summarize(result)}
  state.transition = book
  out.push({type: 'transition', id: book.id, summary: book.summary, actions: book.actions.length})
  dispatchRunnable(state, book, out)
}

function dispatchRunnable(state: OrchestratorState, transition: TransitionBook, out: OrchestratorOutput[]): void {
  const status = {...transition.status}
  let changed = false
  for (const action of transition.actions) {
    if (status[action.id] !== 'pending') continue
    if (!action.dependsOn.every((d) => status[d] === 'done' || status[d] === undefined)) continue
    if (action.op !== 'fence' && !state.nodes[action.node]?.online) continue
    if (reloadInFlight(state, action.resource)) continue
    status[action.id] = 'dispatched'
    changed = true
    out.push(action.op === 'fence'
      ? {type: 'fence', node: action.node, transitionId: transition.id, actionId: action.id}
      : {type: 'dispatch', node: action.node, transitionId: transition.id, action: action as Action})
  }
  if (changed) state.transition = {...transition, status}
}

function grantLeaves(state: OrchestratorState, out: OrchestratorOutput[]): void {
  if (!state.active) return
  for (const [name, book] of Object.entries(state.nodes)) {
    if (!book.leaving || book.leaveGranted || !book.online || !book.reported || hasActive(book.resources)) continue
    const busy = state.transition && state.transition.actions.some((a) => a.node === name && state.transition!.status[a.id] === 'dispatched')
    if (busy) continue
    state.nodes[name] = {...book, leaveGranted: true}
    out.push({type: 'leave-granted', node: name})
  }
}
