/**
 * Balancers in the DC: which backends each `ocf:hactl:balancer` resource should
 * forward to, and the reload actions that tell it (pure; no I/O, no clock).
 *
 * A balancer's backends are the nodes where an instance of its target clone
 * (`clone` parameter) is started and not failed, the node online and not leaving,
 * and no stop of that instance planned in the running transition; each as
 * NAME=ADDRESS (cluster.json's link-0 address), sorted by node name.
 *
 * The DC keeps, per balancer, the set it last applied (from a start carrying
 * `backends`, or a successful reload). After every orchestrator step, a balancer
 * that is started on an online node, has no action of its own pending or running,
 * and whose desired set differs from the applied one gets a `reload` with
 * `backends` as a parameter — dispatched at once, outside the transition graph
 * (transition id BALANCER_TRANSITION), so a backend that fails its monitor or
 * whose node leaves is dropped within the time the DC needs to hear of it.
 */
import type {Primitive, ResourceConfig} from '../config/types.js'
import type {Action} from '../policy/actions.js'
import type {NodeBook, OrchestratorEvent, OrchestratorOutput, OrchestratorState} from '../orchestration/types.js'

export {initialHealth, parseHealthCheck, recordCheck, type BackendHealth, type HealthCheck, type HealthSettings} from './health.js'

export const BALANCER_AGENT = 'ocf:hactl:balancer'
/** Reloads run outside every transition of the policy engine: results with this id are the balancers'. */
export const BALANCER_TRANSITION = 0

/** An action with instance parameters that override the configured ones for this run (a balancer's backends). */
export type ParamAction = Action & {params?: Record<string, string>}

export interface Applied {
  node: string
  backends: string
}

export interface BalancerBook {
  /** Node name -> the address backends are reached at. */
  addresses: Record<string, string>
  /** Per balancer id: what it runs with now, as far as this DC knows. */
  applied: Record<string, Applied>
  /** Per balancer id: a reload dispatched and not answered. */
  inFlight: Record<string, Applied & {actionId: string}>
  /** Per start action id of the running transition: the backends it carries. */
  starting: Record<string, Applied & {resource: string}>
  seq: number
  /** Whether the orchestrator was active at the last step (a new DC knows nothing applied). */
  active: boolean
}

export interface BalancerSpec {
  id: string
  clone: string
  vip: string
  port: string
  targetPort: string
  method: string
}

export function isBalancer(primitive: Primitive): boolean {
  return primitive.agent === BALANCER_AGENT
}

export function balancerSpecs(config: ResourceConfig): BalancerSpec[] {
  return config.resources.filter(isBalancer).map((r) => ({
    id: r.id, clone: r.params.clone ?? '', vip: r.params.vip ?? '', port: r.params.port ?? '',
    targetPort: r.params.target_port || r.params.port || '', method: r.params.method || 'rr',
  }))
}

/** The primitives whose instances must all run on a node for it to be a backend of the clone. */
export function clonePrimitives(config: ResourceConfig, cloneId: string): string[] {
  const clone = config.clones.find((c) => c.id === cloneId)
  if (!clone) return []
  const group = config.groups.find((g) => g.id === clone.child)
  return group ? [...group.members] : [clone.child]
}

function startedHere(book: NodeBook, primitive: string): boolean {
  return Object.entries(book.resources).some(([id, r]) => r.role === 'started' && (id === primitive || id.startsWith(`${primitive}:`)))
}

/** Nodes whose instance of one of these primitives has a stop not yet done in the running transition. */
function stopping(state: OrchestratorState, primitives: string[], extra: readonly Action[] = []): Set<string> {
  const out = new Set<string>()
  const t = state.transition
  const actions = [...(t ? t.actions.filter((a) => t.status[a.id] === 'pending' || t.status[a.id] === 'dispatched') : []), ...extra]
  for (const a of actions) {
    if ((a.op === 'stop' || a.op === 'migrate_to') && a.resource && primitives.some((p) => a.resource === p || a.resource!.startsWith(`${p}:`))) out.add(a.node)
  }
  return out
}

/** NAME=ADDR,... of the nodes that should receive this balancer's connections. */
export function desiredBackends(config: ResourceConfig, state: OrchestratorState, spec: BalancerSpec, addresses: Record<string, string>, planned: readonly Action[] = []): string {
  const primitives = clonePrimitives(config, spec.clone)
  if (primitives.length === 0) return ''
  const leaving = stopping(state, primitives, planned)
  const names = Object.keys(state.nodes).filter((name) => {
    const book = state.nodes[name]
    return book.online && !book.leaving && addresses[name] !== undefined && !leaving.has(name) && primitives.every((p) => startedHere(book, p))
  }).sort()
  return names.map((n) => `${n}=${addresses[n]}`).join(',')
}

export function withBalancers(state: OrchestratorState, addresses: Record<string, string>): OrchestratorState & {balancer: BalancerBook} {
  return {...state, balancer: {addresses, applied: {}, inFlight: {}, starting: {}, seq: 0, active: false}}
}

/** A live node add/remove: the balancers' backend addresses from now on (nothing when no balancer is configured). */
export function setBalancerAddresses(state: OrchestratorState, addresses: Record<string, string>): void {
  const book = bookOf(state)
  if (book) setBook(state, {...book, addresses})
}

function bookOf(state: OrchestratorState): BalancerBook | undefined {
  return (state as {balancer?: BalancerBook}).balancer
}

function setBook(state: OrchestratorState, book: BalancerBook): void {
  (state as {balancer?: BalancerBook}).balancer = book
}

/**
 * Hook on a new transition's actions, before any is dispatched: a balancer's
 * start (or migrate_from) carries the backends it should start with.
 */
export function balancerStartParams(state: OrchestratorState, actions: Action[]): Action[] {
  const book = bookOf(state)
  const config = state.config
  if (!book || !config) return actions
  const specs = new Map(balancerSpecs(config).map((s) => [s.id, s]))
  if (specs.size === 0) return actions
  const starting = {...book.starting}
  const out = actions.map((action) => {
    const spec = action.resource === undefined ? undefined : specs.get(action.resource)
    if (!spec || (action.op !== 'start' && action.op !== 'migrate_from')) return action
    const backends = desiredBackends(config, state, spec, book.addresses, actions)
    starting[action.id] = {node: action.node, backends, resource: spec.id}
    return {...action, params: {backends}} as ParamAction
  })
  setBook(state, {...book, starting})
  return out
}

/**
 * Hook on a result: a balancer's reload (transition BALANCER_TRANSITION) is
 * handled here entirely (returns true); a balancer's start records what it applied.
 */
export function balancerResult(state: OrchestratorState, event: Extract<OrchestratorEvent, {type: 'result'}>): boolean {
  const book = bookOf(state)
  if (!book) return false
  if (event.transitionId !== BALANCER_TRANSITION) {
    const started = book.starting[event.actionId]
    if (started && state.transition?.id === event.transitionId) {
      const starting = {...book.starting}
      delete starting[event.actionId]
      const applied = {...book.applied}
      if (event.ok) applied[started.resource] = {node: started.node, backends: started.backends}
      else delete applied[started.resource]
      setBook(state, {...book, starting, applied})
    }
    return false
  }
  const nodeBook = state.nodes[event.node]
  if (nodeBook) state.nodes[event.node] = {...nodeBook, resources: {...nodeBook.resources, ...event.resources}}
  const inFlight = {...book.inFlight}
  const applied = {...book.applied}
  for (const [id, flight] of Object.entries(book.inFlight)) {
    if (flight.actionId !== event.actionId) continue
    delete inFlight[id]
    if (event.ok) applied[id] = {node: flight.node, backends: flight.backends}
    else delete applied[id]
  }
  setBook(state, {...book, inFlight, applied})
  // A failed reload failed the balancer: the engine recovers it.
  if (!event.ok) state.dirty = true
  return true
}

/**
 * Hook in the dispatch of a transition's actions: an action of a balancer waits
 * while its reload runs (a stop overtaking the reload on the node would make the
 * reload find no table and fail the balancer). The reload's result releases it.
 */
export function reloadInFlight(state: OrchestratorState, resource: string | undefined): boolean {
  return resource !== undefined && bookOf(state)?.inFlight[resource] !== undefined
}

/** Hook after every step: the reloads of balancers whose backends changed. */
export function balancerReloads(state: OrchestratorState, out: OrchestratorOutput[]): void {
  let book = bookOf(state)
  if (!book) return
  if (!state.active || !state.config) {
    if (book.active) setBook(state, {...book, applied: {}, inFlight: {}, starting: {}, active: false})
    return
  }
  if (!book.active) book = {...book, applied: {}, inFlight: {}, starting: {}, active: true}
  const config = state.config
  const applied = {...book.applied}
  const inFlight = {...book.inFlight}
  let seq = book.seq
  const transition = state.transition
  for (const spec of balancerSpecs(config)) {
    const flight = inFlight[spec.id]
    if (flight && state.nodes[flight.node]?.online) continue
    delete inFlight[spec.id]
    const node = Object.keys(state.nodes).find((n) => state.nodes[n].online && state.nodes[n].reported && state.nodes[n].resources[spec.id]?.role === 'started')
    if (node === undefined) {
      delete applied[spec.id]
      continue
    }
    // Its own start, stop or move decides first (a start carries its backends).
    if (transition?.actions.some((a) => a.resource === spec.id && (transition.status[a.id] === 'pending' || transition.status[a.id] === 'dispatched'))) continue
    const backends = desiredBackends(config, state, spec, book.addresses)
    const current = applied[spec.id]
    if (current && current.node === node && current.backends === backends) continue
    seq++
    const action: ParamAction = {
      id: `${spec.id}_reload_${node}_${seq}`, op: 'reload' as Action['op'], resource: spec.id, node,
      reason: `backends ${backends === '' ? '(none)' : backends}`, dependsOn: [], params: {backends},
    }
    inFlight[spec.id] = {node, backends, actionId: action.id}
    out.push({type: 'dispatch', node, transitionId: BALANCER_TRANSITION, action})
  }
  setBook(state, {...book, applied, inFlight, seq})
}

/**
 * A backend as status shows it: `active` (in the set the balancer applied and
 * wanted), `adding` (wanted, the reload under way), `removing` (applied, no longer
 * wanted), `failed` (its instance failed, not in the applied set).
 */
export type BackendState = 'active' | 'adding' | 'removing' | 'failed'

/** What `hactl status` shows of each balancer: the DC's view (health checks run on the balancer's node and are not in it). */
export interface BalancerStatus extends BalancerSpec {
  node: string | null
  /** `health` and `connections` only on the balancer's own node (hactl status reads its checker's file). */
  backends: Array<{node: string, address: string, state: BackendState, health?: 'up' | 'down', connections?: number}>
  /** What the balancer last confirmed applying (null: unknown). */
  applied: string | null
  reloading: boolean
}

function pairs(list: string): Map<string, string> {
  return new Map(list === '' ? [] : list.split(',').map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]))
}

export function balancerStatus(state: OrchestratorState): BalancerStatus[] {
  const book = bookOf(state)
  const config = state.config
  if (!config || !book) return []
  return balancerSpecs(config).map((spec) => {
    const node = Object.keys(state.nodes).find((n) => state.nodes[n].online && state.nodes[n].resources[spec.id]?.role === 'started') ?? null
    const desired = pairs(desiredBackends(config, state, spec, book.addresses))
    const appliedText = book.applied[spec.id]?.backends ?? null
    const applied = pairs(appliedText ?? '')
    const primitives = clonePrimitives(config, spec.clone)
    const failed = Object.keys(state.nodes).filter((n) => state.nodes[n].online && Object.entries(state.nodes[n].resources)
      .some(([id, r]) => r.role === 'failed' && primitives.some((p) => id === p || id.startsWith(`${p}:`))))
    const names = [...new Set([...desired.keys(), ...applied.keys(), ...failed])].sort()
    const backends = names.map((name) => {
      const address = desired.get(name) ?? applied.get(name) ?? book.addresses[name] ?? ''
      const stateOf: BackendState = desired.has(name) ? (applied.has(name) ? 'active' : 'adding') : applied.has(name) ? 'removing' : 'failed'
      return {node: name, address, state: stateOf}
    })
    return {
      id: spec.id, clone: spec.clone, vip: spec.vip, port: spec.port, targetPort: spec.targetPort, method: spec.method, node,
      backends, applied: appliedText, reloading: book.inFlight[spec.id] !== undefined,
    }
  })
}
