import type {ResourceConfig} from '../core/config/types.js'

/**
 * The primitives a resource id stands for: itself (a primitive), a group's
 * members, a clone's child (primitive or group). The policy engine's actions
 * name primitives and clone instances (`primitive:N`), never groups or clones.
 */
export function primitivesOf(config: ResourceConfig, id: string): string[] {
  const group = config.groups.find((g) => g.id === id)
  if (group) return [...group.members]
  const clone = config.clones.find((c) => c.id === id)
  if (clone) return primitivesOf(config, clone.child)
  return config.resources.some((r) => r.id === id) ? [id] : []
}

/** Whether an action's instance id (`web` or `web:2`) belongs to one of these primitives. */
export function actionTouches(resource: string | undefined, primitives: readonly string[]): boolean {
  if (resource === undefined) return false
  const colon = resource.lastIndexOf(':')
  const base = colon < 0 ? resource : resource.slice(0, colon)
  return primitives.includes(resource) || (colon >= 0 && /^\d+$/.test(resource.slice(colon + 1)) && primitives.includes(base))
}

/** Whether any of these actions starts, stops or moves a part of resource `id` (monitors do not count). */
export function movesAny(config: ResourceConfig, id: string, actions: ReadonlyArray<{op: string, resource?: string}>): boolean {
  const primitives = primitivesOf(config, id)
  return actions.some((a) => a.op !== 'monitor' && actionTouches(a.resource, primitives))
}
