// What-ifs of `hactl simulate`: pure edits of the cluster state.
import {INFINITY} from '../config/scores.js'
import {booleanProperty} from '../config/booleans.js'
import type {ResourceConfig} from '../config/types.js'
import {promotableCloneOf} from '../config/roles.js'
import type {ClusterState, InstanceOnNode} from './state.js'
import {unpack} from './unpack.js'

export type WhatIf =
  | {op: 'node-down', node: string}
  | {op: 'node-fail', node: string}
  | {op: 'node-up', node: string}
  | {op: 'standby', node: string}
  | {op: 'running', resource: string, node: string}
  /** It runs in the Promoted role there (a promotable clone's instance). */
  | {op: 'promoted', resource: string, node: string}
  /** A transient node attribute, e.g. a promotion score master-db=10 (an empty value removes it). */
  | {op: 'attribute', node: string, name: string, value: string}
  | {op: 'fail', resource: string, node: string, operation: string}
  | {op: 'no-quorum'}
  | {op: 'advance', ms: number}

/** A what-if names something the configuration does not have. */
export class WhatIfError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WhatIfError'
  }
}

function checkNode(config: ResourceConfig, node: string): void {
  if (!config.nodes.some((n) => n.name === node)) {
    throw new WhatIfError(`unknown node ${JSON.stringify(node)} (nodes: ${config.nodes.map((n) => n.name).join(', ') || 'none'})`)
  }
}

/** The instance ids a what-if about `resource` on `node` means. */
function instancesFor(config: ResourceConfig, state: ClusterState, resource: string, node: string): string[] {
  const model = unpack(config, state)
  if (model.instanceIndex.has(resource)) return [resource]
  const units = model.unitsByName.get(resource)
  if (!units) throw new WhatIfError(`unknown resource ${JSON.stringify(resource)}`)
  const unit = (u: number) => model.units[u]
  const members = (u: number) => unit(u).instances.map((i) => model.instances[i]).filter((i) => model.units[i.unit].names.includes(resource))
  if (unit(units[0]).clone < 0) return members(units[0]).map((i) => i.id)
  // A clone: the instance already on that node, else the lowest one running nowhere.
  const on = (id: string, n?: string) => Object.entries(state.resources[id]?.nodes ?? {}).some(([name, r]) => (n === undefined || name === n) && (r.role === 'started' || r.role === 'promoted' || r.role === 'failed'))
  const here = units.find((u) => members(u).some((i) => on(i.id, node)))
  const free = here ?? units.find((u) => members(u).every((i) => !on(i.id)))
  if (free === undefined) throw new WhatIfError(`every instance of ${JSON.stringify(resource)} is already running`)
  return members(free).map((i) => i.id)
}

function setRecord(state: ClusterState, id: string, node: string, change: (r: InstanceOnNode) => InstanceOnNode): ClusterState {
  const entry = state.resources[id] ?? {nodes: {}}
  const record = change(entry.nodes[node] ?? {role: 'stopped'})
  return {...state, resources: {...state.resources, [id]: {...entry, nodes: {...entry.nodes, [node]: record}}}}
}

export function applyWhatIf(config: ResourceConfig, state: ClusterState, w: WhatIf): ClusterState {
  if (w.op === 'no-quorum') return {...state, quorate: false}
  if (w.op === 'advance') return {...state, nowMs: state.nowMs + w.ms}
  checkNode(config, w.node)
  const node = state.nodes[w.node] ?? {online: true}
  switch (w.op) {
    case 'node-down': return {...state, nodes: {...state.nodes, [w.node]: {...node, online: false, unclean: false}}}
    case 'node-fail': return {...state, nodes: {...state.nodes, [w.node]: {online: false, unclean: true, lostAtMs: state.nowMs}}}
    case 'node-up': return {...state, nodes: {...state.nodes, [w.node]: {online: true, ...(node.standby ? {standby: true} : {})}}}
    case 'standby': return {...state, nodes: {...state.nodes, [w.node]: {...node, standby: true}}}
    case 'running':
      return instancesFor(config, state, w.resource, w.node).reduce((s, id) => setRecord(s, id, w.node, (r) => ({...r, role: 'started'})), state)
    case 'promoted': {
      if (promotableCloneOf(config, w.resource.replace(/:\d+$/, '')) === undefined) throw new WhatIfError(`${JSON.stringify(w.resource)} is not a promotable clone or one of its instances`)
      return instancesFor(config, state, w.resource, w.node).reduce((s, id) => setRecord(s, id, w.node, (r) => ({...r, role: 'promoted'})), state)
    }
    case 'attribute': {
      const attributes = {...node.attributes}
      if (w.value === '') delete attributes[w.name]
      else attributes[w.name] = w.value
      const next = {...node}
      if (Object.keys(attributes).length > 0) next.attributes = attributes
      else delete next.attributes
      return {...state, nodes: {...state.nodes, [w.node]: next}}
    }
    case 'fail': {
      const fatal = w.operation === 'start' && booleanProperty(config, 'start-failure-is-fatal')
      return instancesFor(config, state, w.resource, w.node).slice(0, 1).reduce((s, id) => setRecord(s, id, w.node, (r) => ({
        ...r, role: 'failed', failCount: fatal ? INFINITY : Math.min(INFINITY, (r.failCount ?? 0) + 1), lastFailureMs: state.nowMs, failedOp: w.operation,
        // A Promoted instance fails in the Promoted role (its Promoted monitor's on-fail applies).
        ...(r.role === 'promoted' || w.operation === 'promote' || w.operation === 'demote' ? {failedRole: 'Promoted' as const} : {}),
      })), state)
    }
  }
}

export function applyWhatIfs(config: ResourceConfig, state: ClusterState, whatIfs: WhatIf[]): ClusterState {
  return whatIfs.reduce((s, w) => applyWhatIf(config, s, w), state)
}
