// Phase 1: unpack the configuration into units (what gets placed) and
// instances (what gets started and stopped), indexed by number.
import {booleanProperty, isTrue} from '../config/booleans.js'
import {propertyValue} from '../config/defaults.js'
import type {Clone, Group, Primitive, ResourceConfig} from '../config/types.js'
import {isPromotable, normalRole, promotedMax, promotedNodeMax} from '../config/roles.js'
import type {CloneInfo, Instance, Model, NodeInfo, Unit} from './model.js'
import type {ClusterState} from './state.js'

function parseInts(values: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, text] of Object.entries(values)) {
    const value = Number.parseInt(text, 10)
    if (Number.isFinite(value)) out[name] = value
  }
  return out
}

function unpackNodes(config: ResourceConfig, state: ClusterState): NodeInfo[] {
  return config.nodes.map((node, index) => ({
    // Transient attributes (crm_attribute -l reboot, promotion scores) over the configured ones, as Pacemaker merges them for rules.
    index, name: node.name, attributes: state.nodes[node.name]?.attributes === undefined ? node.attributes : {...node.attributes, ...state.nodes[node.name].attributes},
    capacity: parseInts(node.utilization),
    cannotHost: '', standbyOnFail: false, online: true, maintenance: node.maintenance, fenceWhy: '', holdUntilMs: -1,
  }))
}

type Meta = Record<string, string>

function metaLookup(...layers: Meta[]): (name: string) => string | undefined {
  return (name) => {
    for (const layer of layers) if (layer[name] !== undefined) return layer[name]
    return undefined
  }
}

// Shared empty values for instances without state; frozen, so a mutation would throw instead of leaking.
const NONE: number[] = Object.freeze([]) as unknown as number[]
const NO_FAILURES: Map<number, number> = new Map()

interface Builder {
  units: Unit[]
  instances: Instance[]
  /** rsc_defaults: the last layer of every instance's meta attributes. */
  defaults: Meta
}

function newInstance(b: Builder, id: string, primitive: Primitive, meta: Meta[], unit: number, member: number): number {
  const index = b.instances.length
  b.instances.push({
    index, id, primitive, meta: metaLookup(...meta, b.defaults), unit, member, active: NONE, failed: NONE, fencedOn: NONE, expiredOn: NONE,
    heldOn: -1, managed: true, unmanagedWhy: '', stopWhy: '', migratable: true, failCounts: NO_FAILURES, promotedOn: -1, demoteWhy: '', noPromoteWhy: '',
  })
  return index
}

function newUnit(b: Builder, id: string, names: string[], clone: number): Unit {
  const unit: Unit = {
    index: b.units.length, id, names, instances: [], clone, priority: 0, order: b.units.length, utilization: {},
    pinnedTo: -1, pinned: '', pinnedWhy: '', stopWhy: '', current: -1,
  }
  b.units.push(unit)
  return unit
}

function sumUtilization(b: Builder, unit: Unit): void {
  for (const i of unit.instances) {
    for (const [name, value] of Object.entries(parseInts(b.instances[i].primitive.utilization))) {
      unit.utilization[name] = (unit.utilization[name] ?? 0) + value
    }
  }
  const priority = Number.parseInt(b.instances[unit.instances[0]].meta('priority') ?? '0', 10)
  unit.priority = Number.isFinite(priority) ? priority : 0
}

/** A top-level resource's own priority (Pacemaker orders by the group's or clone's, not a member's). */
function priorityOf(meta: Meta): number {
  const value = Number.parseInt(meta.priority ?? '0', 10)
  return Number.isFinite(value) ? value : 0
}

/** How many instances a clone has: clone-max (default: the number of nodes), and any higher instance the state still knows. */
function cloneSize(config: ResourceConfig, state: ClusterState, members: string[], maxText: string | undefined): {max: number, size: number} {
  const parsed = maxText === undefined ? Number.NaN : Number.parseInt(maxText, 10)
  const max = Number.isFinite(parsed) ? parsed : config.nodes.length
  let size = max
  for (const id of Object.keys(state.resources)) {
    const colon = id.lastIndexOf(':')
    if (colon < 0 || !members.includes(id.slice(0, colon))) continue
    const n = Number(id.slice(colon + 1))
    if (Number.isInteger(n) && n >= size) size = n + 1
  }
  return {max, size}
}

interface CloneContext {
  primitives: Map<string, Primitive>
  groups: Map<string, Group>
  placeGroup: (groupId: string, cloneMeta: Meta, clone: number, suffix: string) => void
  name: (id: string, unit: number) => void
}

/** A clone becomes one unit per instance: `child:N`, a primitive or a whole group. */
function unpackClone(b: Builder, c: Clone, index: number, config: ResourceConfig, state: ClusterState, x: CloneContext): CloneInfo {
  const members = x.groups.has(c.child) ? x.groups.get(c.child)!.members : [c.child]
  const {max, size} = cloneSize(config, state, members, c.meta['clone-max'])
  const nodeMax = Number.parseInt(c.meta['clone-node-max'] ?? '1', 10)
  const promotable = isPromotable(c)
  // target-role Unpromoted (Slave) on the clone or what it clones: run, never promote.
  const childMeta = x.groups.get(c.child)?.meta ?? x.primitives.get(c.child)?.meta ?? {}
  const targetRole = normalRole(c.meta['target-role'] ?? childMeta['target-role'] ?? 'Started')
  const info: CloneInfo = {
    index, id: c.id, child: c.child, max, nodeMax: Number.isFinite(nodeMax) && nodeMax > 0 ? nodeMax : 1,
    interleave: isTrue(c.meta.interleave), units: [],
    promotable, promotedMax: promotable && targetRole !== 'Unpromoted' ? promotedMax(c) : 0, promotedNodeMax: promotedNodeMax(c), notify: isTrue(c.meta.notify),
  }
  for (let n = 0; n < size; n++) {
    const suffix = `:${n}`
    if (x.groups.has(c.child)) {
      x.placeGroup(c.child, c.meta, index, suffix)
    } else {
      const r = x.primitives.get(c.child)!
      const unit = newUnit(b, `${r.id}${suffix}`, [r.id], index)
      unit.instances.push(newInstance(b, `${r.id}${suffix}`, r, [r.meta, c.meta], unit.index, 0))
      sumUtilization(b, unit)
      x.name(r.id, unit.index)
    }
    const unit = b.units[b.units.length - 1]
    unit.priority = priorityOf(c.meta)
    unit.names.push(c.id)
    x.name(c.id, unit.index)
    info.units.push(unit.index)
  }
  return info
}

export function unpack(config: ResourceConfig, state: ClusterState): Model {
  const b: Builder = {units: [], instances: [], defaults: config.rscDefaults ?? {}}
  const primitives = new Map(config.resources.map((r) => [r.id, r]))
  const groups = new Map(config.groups.map((g) => [g.id, g]))
  const inGroup = new Map<string, string>()
  for (const g of config.groups) for (const m of g.members) inGroup.set(m, g.id)
  const cloned = new Map(config.clones.map((c) => [c.child, c]))
  const clones: CloneInfo[] = []
  const unitsByName = new Map<string, number[]>()
  const name = (id: string, unit: number) => {
    const list = unitsByName.get(id)
    if (list) list.push(unit)
    else unitsByName.set(id, [unit])
  }

  // Units follow the configuration's order: primitives, then groups, then clones.
  const placeGroup = (groupId: string, cloneMeta: Meta, clone: number, suffix: string) => {
    const group = groups.get(groupId)!
    const unit = newUnit(b, `${groupId}${suffix}`, [groupId, ...group.members], clone)
    group.members.forEach((m, k) => {
      unit.instances.push(newInstance(b, `${m}${suffix}`, primitives.get(m)!, [primitives.get(m)!.meta, group.meta, cloneMeta], unit.index, k))
    })
    sumUtilization(b, unit)
    unit.priority = priorityOf(group.meta)
    for (const n of unit.names) name(n, unit.index)
  }
  for (const r of config.resources) {
    if (inGroup.has(r.id) || cloned.has(r.id)) continue
    const unit = newUnit(b, r.id, [r.id], -1)
    unit.instances.push(newInstance(b, r.id, r, [r.meta], unit.index, 0))
    sumUtilization(b, unit)
    name(r.id, unit.index)
  }
  for (const g of config.groups) if (!cloned.has(g.id)) placeGroup(g.id, {}, -1, '')
  for (const c of config.clones) clones.push(unpackClone(b, c, clones.length, config, state, {primitives, groups, placeGroup, name}))

  const nodes = unpackNodes(config, state)
  const instancesByPrimitive = new Map<string, number[]>()
  for (const inst of b.instances) {
    const list = instancesByPrimitive.get(inst.primitive.id)
    if (list) list.push(inst.index)
    else instancesByPrimitive.set(inst.primitive.id, [inst.index])
  }
  const strategy = propertyValue(config, 'placement-strategy') as Model['strategy']
  const known = new Set(b.instances.map((i) => i.id))
  const warnings: string[] = []
  for (const [id, entry] of Object.entries(state.resources)) {
    const where = Object.entries(entry.nodes).filter(([, r]) => r.role === 'started' || r.role === 'promoted' || r.role === 'failed').map(([n]) => n)
    // Pacemaker stops such orphans; the state does not say which agent could stop this one, so hactl only reports it.
    if (!known.has(id) && where.length > 0) warnings.push(`${id} is active on ${where.join(', ')} but is not in the configuration: not touched`)
  }
  return {
    config, state, nodes, nodeIndex: new Map(nodes.map((n) => [n.name, n.index])),
    instances: b.instances, instanceIndex: new Map(b.instances.map((i) => [i.id, i.index])),
    units: b.units, clones, unitsByName, instancesByPrimitive, canStart: true, quorumWhy: '',
    strategy: ['utilization', 'balanced', 'minimal'].includes(strategy) ? strategy : 'default',
    stonith: booleanProperty(config, 'stonith-enabled'), warnings, recheckAtMs: -1,
  }
}
