import type {ResourceConfig} from '../core/config/types.js'
import {schedule, stateOf} from '../core/policy/index.js'

export interface Relocation {
  /** The resource a move constraint would name: the primitive, its group, or its clone. */
  resource: string
  /** Instances that would move, e.g. ga, gb (a group's members). */
  instances: string[]
  from: string
  to: string
  kind: 'primitive' | 'group' | 'clone'
}

/** The configuration with every stickiness at 0: where resources would go on a fresh start. */
export function withoutStickiness(config: ResourceConfig): ResourceConfig {
  const strip = <T extends {meta: Record<string, string>}>(x: T): T => {
    if (x.meta['resource-stickiness'] === undefined) return x
    const {'resource-stickiness': _gone, ...meta} = x.meta
    return {...x, meta}
  }
  return {
    ...config,
    properties: {...config.properties, 'resource-stickiness': '0'},
    resources: config.resources.map(strip),
    groups: config.groups.map(strip),
    clones: config.clones.map(strip),
  }
}

function topLevel(config: ResourceConfig, instance: string): {id: string, kind: Relocation['kind']} {
  const colon = instance.lastIndexOf(':')
  const primitive = colon >= 0 && !config.resources.some((r) => r.id === instance) ? instance.slice(0, colon) : instance
  const group = config.groups.find((g) => g.members.includes(primitive))
  const base = group?.id ?? primitive
  const clone = config.clones.find((c) => c.child === base)
  if (clone) return {id: clone.id, kind: 'clone'}
  return {id: base, kind: group ? 'group' : 'primitive'}
}

/**
 * What `resource relocate run` would move: the engine run on the current state
 * with stickiness ignored; every Move or Migrate, by the resource a constraint names.
 */
export function relocations(config: ResourceConfig): Relocation[] {
  const result = schedule(withoutStickiness(config), stateOf(config))
  const out = new Map<string, Relocation>()
  for (const change of result.changes) {
    if ((change.kind !== 'Move' && change.kind !== 'Migrate') || change.from === undefined || change.to === undefined) continue
    const top = topLevel(config, change.resource)
    const key = `${top.id} ${change.from}`
    const existing = out.get(key)
    if (existing) existing.instances.push(change.resource)
    else out.set(key, {resource: top.id, instances: [change.resource], from: change.from, to: change.to, kind: top.kind})
  }
  return [...out.values()]
}
