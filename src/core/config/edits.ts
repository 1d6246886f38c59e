// Every change to the resource configuration is a serializable ConfigEdit applied
// by one pure function. The CLI applies it to a file with -f; the daemon's DC
// applies the very same edit to the replicated document. One code path.
import {ConfigError, show} from './errors.js'
import {formatScore, parseScore} from './scores.js'
import {parseDurationMs} from './durations.js'
import type {
  Clone, Constraint, ConstraintRole, Group, NameValues, NodeEntry, Operation, OrderAction, OrderKind, Primitive, ResourceConfig, RuleExpression, ScoreText,
} from './types.js'
import {validateResourceConfig} from './validate.js'
import {applyAlertEdit, type AlertEdit} from './alerts.js'

export type ConfigEdit =
  /** before/after: a member of the group to put the new one next to (pcs --before/--after). */
  | {op: 'resource.add', resource: Primitive, group?: string, before?: string, after?: string, disabled?: boolean}
  | {op: 'resource.remove', id: string}
  | {op: 'resource.update', id: string, params: NameValues, operations?: Operation[]}
  | {op: 'resource.meta', id: string, meta: NameValues}
  /** Removes the operations of that name (and, when given, that interval). */
  | {op: 'resource.op.remove', id: string, name: string, interval?: string}
  | {op: 'resource.utilization', id: string, utilization: NameValues}
  /**
   * promoted: the constraint is for the Promoted role (`resource move CLONE NODE --promoted`, as pcs).
   * until: an ISO 8601 UTC end (pcs's lifetime=): the constraint is a rule `#uname eq NODE and
   * date lt UNTIL`, as crm_resource --lifetime writes it, and stops counting then.
   */
  | {op: 'resource.move', id: string, node: string, promoted?: boolean, until?: string}
  | {op: 'resource.ban', id: string, node: string, until?: string}
  | {op: 'resource.clear', id: string, node?: string}
  | {op: 'group.add', group: string, members: string[], before?: string, after?: string}
  | {op: 'group.remove', group: string, members?: string[]}
  | {op: 'clone.add', id: string, child: string, meta: NameValues}
  /** pcs resource unclone: the clone (named by its id or its child's) goes; its child stays. */
  | {op: 'clone.remove', id: string}
  | {op: 'constraint.location', resource: string, score: ScoreText, node?: string, rule?: RuleExpression, id?: string, role?: ConstraintRole}
  | {op: 'constraint.colocation', resource: string, withResource: string, score: ScoreText, id?: string, rscRole?: ConstraintRole, withRole?: ConstraintRole}
  | {op: 'constraint.order', first: string, firstAction: OrderAction, then: string, thenAction: OrderAction, kind: OrderKind, symmetrical: boolean, id?: string}
  | {op: 'constraint.remove', id: string}
  | {op: 'node.add', name: string}
  | {op: 'node.remove', name: string}
  | {op: 'node.set', name: string, standby?: boolean, maintenance?: boolean}
  | {op: 'node.attribute', name: string, attributes: NameValues}
  | {op: 'node.utilization', name: string, utilization: NameValues}
  | {op: 'property.set', properties: NameValues}
  | {op: 'property.unset', names: string[]}
  | {op: 'config.replace', config: ResourceConfig}
  | AlertEdit
  /** Sets resource or operation defaults; an empty value removes that default (as pcs). */
  | {op: 'defaults.set', kind: 'resource' | 'operation', values: NameValues}
  /** Several edits applied as one change: one epoch, all or nothing. */
  | {op: 'batch', edits: ConfigEdit[]}

/** A move's or ban's place: the node, or with a lifetime the rule crm_resource --lifetime writes. */
function where(node: string, until: string | undefined): {node: string} | {rule: RuleExpression} {
  if (until === undefined) return {node}
  if (Number.isNaN(Date.parse(until))) throw new ConfigError('invalid-argument', `lifetime end ${show(until)} is not an ISO 8601 date`)
  return {rule: {booleanOp: 'and', rules: [{attribute: '#uname', operation: 'eq', value: node}, {date: 'lt', end: until}]}}
}

/** The node a location constraint names: its node, or the #uname of a move's or ban's lifetime rule. */
export function locationNode(c: Constraint): string | undefined {
  if (c.type !== 'location') return undefined
  if (c.node !== undefined) return c.node
  const rules = c.rule && 'booleanOp' in c.rule ? c.rule.rules : c.rule ? [c.rule] : []
  const uname = rules.find((r) => 'attribute' in r && r.attribute === '#uname' && r.operation === 'eq')
  return uname && 'attribute' in uname ? uname.value : undefined
}

function notFound(kind: string, id: string): never {
  throw new ConfigError('not-found', `${kind} ${show(id)} does not exist`)
}

/** Merges name=value pairs; an empty value removes the name (pcs's convention). */
export function mergeValues(base: NameValues, changes: NameValues): NameValues {
  const out = {...base}
  for (const [name, value] of Object.entries(changes)) {
    if (value === '') delete out[name]
    else out[name] = value
  }
  return out
}

function resourceKind(config: ResourceConfig, id: string): 'primitive' | 'group' | 'clone' | undefined {
  if (config.resources.some((r) => r.id === id)) return 'primitive'
  if (config.groups.some((g) => g.id === id)) return 'group'
  if (config.clones.some((c) => c.id === id)) return 'clone'
  return undefined
}

function requireResource(config: ResourceConfig, id: string): void {
  if (!resourceKind(config, id)) notFound('resource', id)
}

/** A fresh constraint id from a readable stem: location-web-ip-n1, then -1, -2, … */
function freshId(config: ResourceConfig, stem: string): string {
  const taken = new Set<string>([
    ...config.constraints.map((c) => c.id), ...config.resources.map((r) => r.id),
    ...config.groups.map((g) => g.id), ...config.clones.map((c) => c.id),
  ])
  const base = stem.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 56)
  if (!taken.has(base)) return base
  for (let i = 1; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
}

function addConstraint(config: ResourceConfig, constraint: Constraint): ResourceConfig {
  if (config.constraints.some((c) => c.id === constraint.id)) {
    throw new ConfigError('duplicate-id', `constraint id ${show(constraint.id)} is already used`)
  }
  return {...config, constraints: [...config.constraints, constraint]}
}

function setMeta(config: ResourceConfig, id: string, meta: NameValues): ResourceConfig {
  const kind = resourceKind(config, id)
  if (kind === 'primitive') return {...config, resources: config.resources.map((r) => r.id === id ? {...r, meta: mergeValues(r.meta, meta)} : r)}
  if (kind === 'group') return {...config, groups: config.groups.map((g) => g.id === id ? {...g, meta: mergeValues(g.meta, meta)} : g)}
  if (kind === 'clone') return {...config, clones: config.clones.map((c) => c.id === id ? {...c, meta: mergeValues(c.meta, meta)} : c)}
  return notFound('resource', id)
}

function addToGroup(config: ResourceConfig, groupId: string, members: string[], before?: string, after?: string): ResourceConfig {
  if (before !== undefined && after !== undefined) throw new ConfigError('invalid-argument', 'give --before or --after, not both')
  for (const m of members) if (resourceKind(config, m) !== 'primitive') {
    throw new ConfigError('invalid-argument', `${show(m)} is not a primitive resource; only primitives can be group members`)
  }
  const existing = config.groups.find((g) => g.id === groupId)
  // Moving a resource into a group takes it out of its old group, as pcs does; a group
  // emptied so goes, with the constraints and clone that named it (as removeFromGroup).
  const emptied = config.groups.filter((g) => g.id !== groupId && g.members.every((m) => members.includes(m))).map((g) => g.id)
  config = emptied.reduce(dropReferences, config)
  const groups: Group[] = config.groups
    .map((g) => g.id === groupId ? g : {...g, members: g.members.filter((m) => !members.includes(m))})
    .filter((g) => g.members.length > 0)
  if (!existing) {
    if (resourceKind(config, groupId)) throw new ConfigError('duplicate-id', `id ${show(groupId)} is already used by a resource`)
    if (before !== undefined || after !== undefined) throw new ConfigError('not-found', `group ${show(groupId)} does not exist yet: --${before !== undefined ? 'before' : 'after'} names a member of an existing group`)
    return {...config, groups: [...groups, {id: groupId, members: [...members], meta: {}}]}
  }
  const kept = existing.members.filter((m) => !members.includes(m))
  const next = before ?? after
  const found = next === undefined ? -1 : kept.indexOf(next)
  if (next !== undefined && found < 0) throw new ConfigError('not-found', `${show(next)} is not a member of group ${show(groupId)}${members.includes(next) ? ' (it is one of those being added)' : ''}`)
  const at = before !== undefined ? found : after !== undefined ? found + 1 : kept.length
  const updated = {...existing, members: [...kept.slice(0, at), ...members, ...kept.slice(at)]}
  return {...config, groups: groups.map((g) => g.id === groupId ? updated : g)}
}

function removeFromGroup(config: ResourceConfig, groupId: string, members?: string[]): ResourceConfig {
  const group = config.groups.find((g) => g.id === groupId)
  if (!group) notFound('group', groupId)
  for (const m of members ?? []) if (!group.members.includes(m)) {
    throw new ConfigError('not-found', `${show(m)} is not a member of group ${show(groupId)}`)
  }
  const left = members === undefined ? [] : group.members.filter((m) => !members.includes(m))
  if (left.length > 0) return {...config, groups: config.groups.map((g) => g.id === groupId ? {...g, members: left} : g)}
  // An emptied group disappears, with the constraints and clone that named it.
  return dropReferences({...config, groups: config.groups.filter((g) => g.id !== groupId)}, groupId)
}

/** Removes constraints and clones that refer to a resource id that is going away. */
function dropReferences(config: ResourceConfig, id: string): ResourceConfig {
  const clones = config.clones.filter((c) => c.child !== id)
  const gone = new Set([id, ...config.clones.filter((c) => c.child === id).map((c) => c.id)])
  const constraints = config.constraints.filter((c) => {
    if (c.type === 'location') return !gone.has(c.resource)
    if (c.type === 'colocation') return !gone.has(c.resource) && !gone.has(c.withResource)
    return !gone.has(c.first) && !gone.has(c.then)
  })
  return {...config, clones, constraints}
}

/**
 * pcs resource unclone NAME: NAME is the clone, its child, or a member of a cloned
 * group. A member of a cloned group with other members leaves the group (the clone
 * stays, as pcs does); otherwise the clone goes with the constraints that name it
 * (they were written for many copies) and its child stays, as one resource.
 */
function removeClone(config: ResourceConfig, id: string): ResourceConfig {
  let clone = config.clones.find((c) => c.id === id || c.child === id)
  if (!clone) {
    const group = config.groups.find((g) => g.members.includes(id))
    clone = group && config.clones.find((c) => c.child === group.id)
    if (group && clone && group.members.length > 1) return removeFromGroup(config, group.id, [id])
  }
  if (!clone) {
    if (!resourceKind(config, id)) notFound('resource', id)
    throw new ConfigError('invalid-argument', `${show(id)} is not a clone resource`)
  }
  const gone = clone.id
  return {...dropReferences(config, gone), clones: config.clones.filter((c) => c.id !== gone)}
}

function removeResource(config: ResourceConfig, id: string): ResourceConfig {
  const kind = resourceKind(config, id)
  if (kind === undefined) notFound('resource', id)
  // Like `pcs resource delete`: a group goes with its members, a clone with what it clones.
  if (kind === 'group') {
    const members = config.groups.find((g) => g.id === id)!.members
    return members.reduce(removeResource, config)
  }
  if (kind === 'clone') {
    const child = config.clones.find((c) => c.id === id)!.child
    return removeResource(dropReferences({...config, clones: config.clones.filter((c) => c.id !== id)}, id), child)
  }
  const inGroup = config.groups.find((g) => g.members.includes(id))
  const next = inGroup ? removeFromGroup(config, inGroup.id, [id]) : config
  return dropReferences({...next, resources: next.resources.filter((r) => r.id !== id)}, id)
}

function updateNode(config: ResourceConfig, name: string, change: (n: NodeEntry) => NodeEntry): ResourceConfig {
  // Nodes that run but were never declared get an entry on first change, as Pacemaker
  // creates a node_state entry; with declared nodes, an unknown name is an error.
  const existing = config.nodes.find((n) => n.name === name)
  if (existing) return {...config, nodes: config.nodes.map((n) => n.name === name ? change(n) : n)}
  if (config.nodes.length > 0) {
    throw new ConfigError('not-found', `node ${show(name)} does not exist (nodes: ${config.nodes.map((n) => n.name).join(', ')})`)
  }
  return {...config, nodes: [change(newNode(name))]}
}

function newNode(name: string): NodeEntry {
  return {name, attributes: {}, utilization: {}, standby: false, maintenance: false}
}

function normalScore(score: ScoreText): ScoreText {
  const value = parseScore(score)
  if (value === undefined) throw new ConfigError('invalid-argument', `score ${show(score)} is not an integer, INFINITY or -INFINITY`)
  return formatScore(value)
}

function edit(config: ResourceConfig, change: ConfigEdit): ResourceConfig {
  switch (change.op) {
    case 'resource.add': {
      if (resourceKind(config, change.resource.id) || config.constraints.some((c) => c.id === change.resource.id)) {
        throw new ConfigError('duplicate-id', `id ${show(change.resource.id)} is already used`)
      }
      const resource = change.disabled ? {...change.resource, meta: {...change.resource.meta, 'target-role': 'Stopped'}} : change.resource
      const next = {...config, resources: [...config.resources, resource]}
      return change.group === undefined ? next : addToGroup(next, change.group, [resource.id], change.before, change.after)
    }
    case 'resource.remove': return removeResource(config, change.id)
    case 'resource.update': {
      if (resourceKind(config, change.id) !== 'primitive') notFound('primitive resource', change.id)
      return {
        ...config,
        resources: config.resources.map((r) => r.id === change.id
          ? {...r, params: mergeValues(r.params, change.params), operations: mergeOperations(r.operations, change.operations ?? [])}
          : r),
      }
    }
    case 'resource.meta': return setMeta(config, change.id, change.meta)
    case 'resource.op.remove': {
      if (resourceKind(config, change.id) !== 'primitive') notFound('primitive resource', change.id)
      const r = config.resources.find((x) => x.id === change.id)!
      const sameInterval = (o: Operation) => change.interval === undefined || parseDurationMs(o.interval) === parseDurationMs(change.interval)
      const kept = r.operations.filter((o) => !(o.name === change.name && sameInterval(o)))
      if (kept.length === r.operations.length) {
        const have = r.operations.map((o) => `${o.name} interval=${o.interval}`).join(', ') || 'none'
        throw new ConfigError('not-found', `${show(change.id)} has no operation ${show(change.name)}${change.interval === undefined ? '' : ` with interval ${show(change.interval)}`} (operations: ${have})`)
      }
      return {...config, resources: config.resources.map((x) => x.id === change.id ? {...x, operations: kept} : x)}
    }
    case 'resource.utilization': {
      if (resourceKind(config, change.id) !== 'primitive') notFound('primitive resource', change.id)
      return {...config, resources: config.resources.map((r) => r.id === change.id ? {...r, utilization: mergeValues(r.utilization, change.utilization)} : r)}
    }
    case 'resource.move': {
      requireResource(config, change.id)
      // Like pcs: one cli-prefer constraint per resource, replaced by the next move.
      const id = `cli-prefer-${change.id}`
      const others = {...config, constraints: config.constraints.filter((c) => c.id !== id)}
      return addConstraint(others, {id, type: 'location', resource: change.id, ...where(change.node, change.until), score: 'INFINITY', ...(change.promoted ? {role: 'Promoted' as const} : {})})
    }
    case 'resource.ban': {
      requireResource(config, change.id)
      const id = `cli-ban-${change.id}-on-${change.node}`
      // A ban again replaces the earlier one (another lifetime, or none).
      const others = {...config, constraints: config.constraints.filter((c) => c.id !== id)}
      return addConstraint(others, {id, type: 'location', resource: change.id, ...where(change.node, change.until), score: '-INFINITY'})
    }
    case 'resource.clear': {
      requireResource(config, change.id)
      const constraints = config.constraints.filter((c) => !(c.type === 'location' && c.resource === change.id
        && (c.id === `cli-prefer-${change.id}` || c.id.startsWith(`cli-ban-${change.id}-on-`))
        && (change.node === undefined || locationNode(c) === change.node)))
      return {...config, constraints}
    }
    case 'group.add': return addToGroup(config, change.group, change.members, change.before, change.after)
    case 'group.remove': return removeFromGroup(config, change.group, change.members)
    case 'clone.add': {
      const kind = resourceKind(config, change.child)
      if (kind === undefined) notFound('resource', change.child)
      if (kind === 'clone') throw new ConfigError('invalid-argument', `${show(change.child)} is already a clone`)
      if (resourceKind(config, change.id)) throw new ConfigError('duplicate-id', `id ${show(change.id)} is already used`)
      const clone: Clone = {id: change.id, child: change.child, meta: change.meta}
      return {...config, clones: [...config.clones, clone]}
    }
    case 'clone.remove': return removeClone(config, change.id)
    case 'constraint.location': {
      requireResource(config, change.resource)
      const stem = change.node === undefined ? `location-${change.resource}` : `location-${change.resource}-${change.node}`
      const id = change.id ?? freshId(config, stem)
      const score = normalScore(change.score)
      const role = change.role === undefined || change.role === 'Started' ? {} : {role: change.role}
      return addConstraint(config, change.node === undefined
        ? {id, type: 'location', resource: change.resource, score, rule: change.rule, ...role}
        : {id, type: 'location', resource: change.resource, score, node: change.node, ...role})
    }
    case 'constraint.colocation': {
      requireResource(config, change.resource)
      requireResource(config, change.withResource)
      const id = change.id ?? freshId(config, `colocation-${change.resource}-${change.withResource}`)
      const roles = {
        ...(change.rscRole === undefined || change.rscRole === 'Started' ? {} : {rscRole: change.rscRole}),
        ...(change.withRole === undefined || change.withRole === 'Started' ? {} : {withRole: change.withRole}),
      }
      return addConstraint(config, {id, type: 'colocation', resource: change.resource, withResource: change.withResource, score: normalScore(change.score), ...roles})
    }
    case 'constraint.order': {
      requireResource(config, change.first)
      requireResource(config, change.then)
      const id = change.id ?? freshId(config, `order-${change.first}-${change.then}`)
      const {first, firstAction, then, thenAction, kind, symmetrical} = change
      return addConstraint(config, {id, type: 'order', first, firstAction, then, thenAction, kind, symmetrical})
    }
    case 'constraint.remove': {
      if (!config.constraints.some((c) => c.id === change.id)) notFound('constraint', change.id)
      return {...config, constraints: config.constraints.filter((c) => c.id !== change.id)}
    }
    case 'node.add': {
      if (config.nodes.some((n) => n.name === change.name)) throw new ConfigError('duplicate-id', `node ${show(change.name)} already exists`)
      return {...config, nodes: [...config.nodes, newNode(change.name)]}
    }
    case 'node.remove': {
      if (!config.nodes.some((n) => n.name === change.name)) notFound('node', change.name)
      // Constraints naming the node go with it, so that no dangling rule remains.
      return {
        ...config,
        nodes: config.nodes.filter((n) => n.name !== change.name),
        constraints: config.constraints.filter((c) => !(c.type === 'location' && c.node === change.name)),
      }
    }
    case 'node.set': return updateNode(config, change.name, (n) => ({
      ...n, standby: change.standby ?? n.standby, maintenance: change.maintenance ?? n.maintenance,
    }))
    case 'node.attribute': return updateNode(config, change.name, (n) => ({...n, attributes: mergeValues(n.attributes, change.attributes)}))
    case 'node.utilization': return updateNode(config, change.name, (n) => ({...n, utilization: mergeValues(n.utilization, change.utilization)}))
    case 'property.set': return {...config, properties: mergeValues(config.properties, change.properties)}
    case 'property.unset': {
      for (const name of change.names) if (!(name in config.properties)) {
        throw new ConfigError('not-found', `property ${show(name)} is not set`)
      }
      const properties = {...config.properties}
      for (const name of change.names) delete properties[name]
      return {...config, properties}
    }
    case 'config.replace': return {...change.config, epoch: config.epoch}
    case 'defaults.set': {
      const key = change.kind === 'resource' ? 'rscDefaults' : 'opDefaults'
      const values: NameValues = {...(config[key] ?? {})}
      for (const [name, value] of Object.entries(change.values)) {
        if (value === '') delete values[name]
        else values[name] = value
      }
      const next: ResourceConfig = {...config, [key]: values}
      if (Object.keys(values).length === 0) delete next[key]
      return next
    }
    case 'batch': return change.edits.reduce(edit, config)
    case 'alert.add':
    case 'alert.remove':
    case 'alert.recipient.add':
    case 'alert.recipient.remove': return applyAlertEdit(config, change)
  }
}

function mergeOperations(base: Operation[], changes: Operation[]): Operation[] {
  const out = [...base]
  for (const op of changes) {
    // 0, 0s and 0ms are one interval.
    const at = out.findIndex((o) => o.name === op.name && (o.interval === op.interval || (parseDurationMs(o.interval) ?? NaN) === parseDurationMs(op.interval)))
    if (at >= 0) out[at] = op
    else if (op.name === 'monitor' && out.some((o) => o.name === 'monitor' && o.role === op.role)) {
      // pcs replaces the monitor when the interval changes; keep one recurring monitor per role.
      out[out.findIndex((o) => o.name === 'monitor' && o.role === op.role)] = op
    } else out.push(op)
  }
  return out
}

/**
 * Applies an edit: the result is validated and its epoch is one more than the
 * input's (config.replace: one more than the higher of the two). Throws
 * ConfigError and returns nothing when the edit or its result is invalid.
 */
export function applyEdit(config: ResourceConfig, change: ConfigEdit): ResourceConfig {
  const next = edit(config, change)
  if (next === config) return config
  const epoch = change.op === 'config.replace' ? Math.max(config.epoch, change.config.epoch) + 1 : config.epoch + 1
  return validateResourceConfig({...next, epoch})
}

export type {Primitive, Operation}
