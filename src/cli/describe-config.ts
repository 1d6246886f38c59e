import {describeRule} from '../core/policy/rules.js'
import type {Clone, Constraint, Group, Primitive, ResourceConfig} from '../core/config/types.js'

// Readable one-line descriptions of configuration objects, shared by list/show commands.

export function describeConstraint(c: Constraint): string {
  switch (c.type) {
    case 'location': {
      const where = c.node ?? describeRule(c.rule!)
      return `${c.resource} ${String(c.score).startsWith('-') ? 'avoids' : 'prefers'} ${where} (score ${c.score})`
    }
    case 'colocation': return `${c.resource} with ${c.withResource} (score ${c.score})`
    case 'order': return `${c.firstAction} ${c.first} then ${c.thenAction} ${c.then} (${c.kind}${c.symmetrical ? '' : ', not symmetrical'})`
  }
}

export function describePrimitive(r: Primitive): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')
  return `${r.id} (${r.agent})${params === '' ? '' : `: ${params}`}`
}

export type ResourceView =
  | {kind: 'primitive', resource: Primitive, group?: string, clone?: string, constraints: Constraint[]}
  | {kind: 'group', group: Group, clone?: string, constraints: Constraint[]}
  | {kind: 'clone', clone: Clone, constraints: Constraint[]}

function mentions(c: Constraint, id: string): boolean {
  if (c.type === 'location') return c.resource === id
  if (c.type === 'colocation') return c.resource === id || c.withResource === id
  return c.first === id || c.then === id
}

export function findResource(config: ResourceConfig, id: string): ResourceView | undefined {
  const constraints = config.constraints.filter((c) => mentions(c, id))
  const primitive = config.resources.find((r) => r.id === id)
  if (primitive) {
    const group = config.groups.find((g) => g.members.includes(id))?.id
    const clone = config.clones.find((c) => c.child === id || c.child === group)?.id
    return {kind: 'primitive', resource: primitive, group, clone, constraints}
  }
  const group = config.groups.find((g) => g.id === id)
  if (group) return {kind: 'group', group, clone: config.clones.find((c) => c.child === id)?.id, constraints}
  const clone = config.clones.find((c) => c.id === id)
  if (clone) return {kind: 'clone', clone, constraints}
  return undefined
}

/** Fixed-width table; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
