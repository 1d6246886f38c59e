// Roles of promotable clones, Pacemaker 2.1's names, and the old ones read as them.
import {isTrue} from './booleans.js'
import type {Clone, ConstraintRole, OperationRole, ResourceConfig} from './types.js'

/** Promoted/Unpromoted/Started, and Master/Slave (Pacemaker < 2.1), case-insensitive; undefined when it is none of them. */
export function normalRole(text: string): ConstraintRole | undefined {
  switch (text.toLowerCase()) {
    case 'promoted':
    case 'master': return 'Promoted'
    case 'unpromoted':
    case 'slave': return 'Unpromoted'
    case 'started': return 'Started'
    default: return undefined
  }
}

/** An operation's role: Promoted or Unpromoted (Started, for an op, means no role). */
export function normalOperationRole(text: string): OperationRole | undefined {
  const role = normalRole(text)
  return role === 'Started' ? undefined : role
}

/** Is this clone promotable (meta promotable=true, as pcs writes it)? */
export function isPromotable(clone: Clone): boolean {
  return isTrue(clone.meta.promotable)
}

/** The promotable clone a constraint target means: the clone itself, or what it clones (a primitive or group). */
export function promotableCloneOf(config: ResourceConfig, id: string): Clone | undefined {
  return config.clones.find((c) => isPromotable(c) && (c.id === id || c.child === id))
}

function intMeta(clone: Clone, names: string[], fallback: number): number {
  for (const name of names) {
    const text = clone.meta[name]
    if (text === undefined) continue
    const value = Number.parseInt(text, 10)
    if (Number.isFinite(value) && value >= 0) return value
  }
  return fallback
}

/** promoted-max (old name master-max), default 1. */
export function promotedMax(clone: Clone): number {
  return intMeta(clone, ['promoted-max', 'master-max'], 1)
}

/** promoted-node-max (old name master-node-max), default 1. */
export function promotedNodeMax(clone: Clone): number {
  return intMeta(clone, ['promoted-node-max', 'master-node-max'], 1)
}
