import {alertProblem} from './alerts.js'
import {PROPERTIES, RESOURCE_META, type PropertySpec} from './defaults.js'
import {balancerProblem} from '../balancer/config.js'
import {parseDurationMs} from './durations.js'
import {ConfigError, show} from './errors.js'
import {checkSchema} from './schema-check.js'
import {promotableCloneOf} from './roles.js'
import {resourceConfigSchema} from './schema.js'
import {parseScore} from './scores.js'
import type {Constraint, ResourceConfig, RuleExpression} from './types.js'

const LABEL = 'invalid configuration'

function fail(message: string): never {
  throw new ConfigError('invalid-config', `${LABEL}: ${message}`)
}

/** Checks a value against a property or meta attribute's kind; returns a reason when it does not fit. */
export function checkValue(spec: PropertySpec, value: string): string | undefined {
  switch (spec.kind) {
    case 'boolean': return /^(true|false|yes|no|on|off|1|0)$/i.test(value) ? undefined : 'expected true or false'
    case 'score': return parseScore(value) === undefined ? 'expected an integer, INFINITY or -INFINITY' : undefined
    case 'duration': return parseDurationMs(value) === undefined ? 'expected a duration such as 10s, 500ms or 2min' : undefined
    case 'integer': return /^\d+$/.test(value) ? undefined : 'expected a non-negative integer'
    case 'enum': return spec.values!.includes(value) ? undefined : `expected one of ${spec.values!.join(', ')}`
    case 'string': return undefined
  }
}

function checkProperties(config: ResourceConfig): void {
  for (const [name, value] of Object.entries(config.properties)) {
    const spec = PROPERTIES[name]
    if (!spec) fail(`properties.${name} is not a known cluster property (known: ${Object.keys(PROPERTIES).join(', ')})`)
    const reason = checkValue(spec, value)
    if (reason) fail(`properties.${name} is ${show(value)}: ${reason}`)
  }
}

function checkMeta(where: string, meta: Record<string, string>): void {
  for (const [name, value] of Object.entries(meta)) {
    const spec = RESOURCE_META[name]
    if (!spec) continue // Unknown meta attributes are kept, as Pacemaker keeps them.
    const reason = checkValue(spec, value)
    if (reason) fail(`${where}.meta.${name} is ${show(value)}: ${reason}`)
  }
}

function checkUniqueIds(config: ResourceConfig): Map<string, 'primitive' | 'group' | 'clone'> {
  const kinds = new Map<string, 'primitive' | 'group' | 'clone'>()
  const add = (id: string, kind: 'primitive' | 'group' | 'clone', where: string) => {
    if (kinds.has(id)) fail(`${where} id ${show(id)} is already used by a ${kinds.get(id)}`)
    kinds.set(id, kind)
  }
  config.resources.forEach((r, i) => add(r.id, 'primitive', `resources[${i}]`))
  config.groups.forEach((g, i) => add(g.id, 'group', `groups[${i}]`))
  config.clones.forEach((c, i) => add(c.id, 'clone', `clones[${i}]`))
  const constraintIds = new Set<string>()
  config.constraints.forEach((c, i) => {
    if (constraintIds.has(c.id) || kinds.has(c.id)) fail(`constraints[${i}] id ${show(c.id)} is already used`)
    constraintIds.add(c.id)
  })
  const nodeNames = new Set<string>()
  config.nodes.forEach((n, i) => {
    if (nodeNames.has(n.name)) fail(`nodes[${i}].name ${show(n.name)} is declared twice`)
    nodeNames.add(n.name)
  })
  return kinds
}

function checkResources(config: ResourceConfig): void {
  config.resources.forEach((r, i) => {
    const where = `resources[${i}]`
    checkMeta(where, r.meta)
    r.operations.forEach((op, j) => {
      if (parseDurationMs(op.interval) === undefined) fail(`${where}.operations[${j}].interval is ${show(op.interval)}: expected a duration such as 10s`)
      if (op.timeout !== undefined && parseDurationMs(op.timeout) === undefined) fail(`${where}.operations[${j}].timeout is ${show(op.timeout)}: expected a duration such as 20s`)
      // Pacemaker: on-fail=demote is for promote and for recurring monitors in the Promoted role only.
      if (op.onFail === 'demote' && !(op.name === 'promote' || (op.name === 'monitor' && op.role === 'Promoted' && (parseDurationMs(op.interval) ?? 0) > 0))) {
        fail(`${where}.operations[${j}].onFail is "demote": only a promote or a recurring monitor with role Promoted may demote on failure`)
      }
      // Monitors are told apart by their interval: one per role needs its own (Pacemaker refuses duplicates).
      const ms = parseDurationMs(op.interval) ?? 0
      const twin = r.operations.findIndex((o, k) => k < j && o.name === op.name && ms > 0 && parseDurationMs(o.interval) === ms && (o.role !== undefined || op.role !== undefined))
      if (twin >= 0) fail(`${where}.operations[${j}] ${op.name} interval=${op.interval} repeats the interval of operations[${twin}]: give each role's monitor its own interval (e.g. 10s and 11s)`)
    })
  })
}

function checkGroupsAndClones(config: ResourceConfig, kinds: Map<string, string>): void {
  const groupOf = new Map<string, string>()
  config.groups.forEach((g, i) => {
    checkMeta(`groups[${i}]`, g.meta)
    g.members.forEach((member, j) => {
      const kind = kinds.get(member)
      if (kind === undefined) fail(`groups[${i}].members[${j}] ${show(member)} is not a configured resource`)
      if (kind !== 'primitive') fail(`groups[${i}].members[${j}] ${show(member)} is a ${kind}; a group holds only primitive resources`)
      const other = groupOf.get(member)
      if (other !== undefined) fail(`groups[${i}].members[${j}] ${show(member)} is already a member of group ${show(other)}`)
      groupOf.set(member, g.id)
    })
  })
  const cloned = new Set<string>()
  config.clones.forEach((c, i) => {
    checkMeta(`clones[${i}]`, c.meta)
    const kind = kinds.get(c.child)
    if (kind === undefined) fail(`clones[${i}].child ${show(c.child)} is not a configured resource`)
    if (kind === 'clone') fail(`clones[${i}].child ${show(c.child)} is itself a clone`)
    if (groupOf.has(c.child)) fail(`clones[${i}].child ${show(c.child)} is a member of group ${show(groupOf.get(c.child))}; clone the group instead`)
    if (cloned.has(c.child)) fail(`clones[${i}].child ${show(c.child)} is already cloned`)
    cloned.add(c.child)
  })
}

function checkConstraint(c: Constraint, i: number, kinds: Map<string, string>, nodes: Set<string>, config: ResourceConfig): void {
  const where = `constraints[${i}]`
  // A role (or a promote/demote action) only means something for a promotable clone (or what it clones).
  const promotable = (field: string, id: string, what: string) => {
    if (promotableCloneOf(config, id) === undefined) fail(`${where}.${field}: ${what} needs a promotable clone, and ${show(id)} is not one (hactl resource promotable)`)
  }
  const known = (field: string, id: string) => {
    if (!kinds.has(id)) fail(`${where}.${field} ${show(id)} is not a configured resource`)
  }
  const score = (value: unknown) => {
    if (parseScore(value as string) === undefined) fail(`${where}.score is ${show(value)}: expected an integer, INFINITY or -INFINITY`)
  }
  switch (c.type) {
    case 'location':
      known('resource', c.resource)
      score(c.score)
      if ((c.node === undefined) === (c.rule === undefined)) fail(`${where} needs exactly one of node and rule`)
      // An undeclared node is allowed (it may join later), as in Pacemaker; a rule needs a value unless it tests existence.
      if (c.rule) checkRule(c.rule, `${where}.rule`)
      if (c.role !== undefined && c.role !== 'Started') promotable('resource', c.resource, `role ${c.role}`)
      if (c.node !== undefined && nodes.size > 0 && !nodes.has(c.node)) {
        // Declared nodes exist: catch typos early.
        fail(`${where}.node ${show(c.node)} is not a declared node (declared: ${[...nodes].join(', ')})`)
      }
      break
    case 'colocation':
      known('resource', c.resource)
      known('withResource', c.withResource)
      score(c.score)
      if (c.resource === c.withResource) fail(`${where} colocates ${show(c.resource)} with itself`)
      if (c.rscRole !== undefined && c.rscRole !== 'Started') promotable('resource', c.resource, `role ${c.rscRole}`)
      if (c.withRole !== undefined && c.withRole !== 'Started') promotable('withResource', c.withResource, `role ${c.withRole}`)
      break
    case 'order':
      known('first', c.first)
      known('then', c.then)
      if (c.first === c.then) fail(`${where} orders ${show(c.first)} after itself`)
      if (c.firstAction === 'promote' || c.firstAction === 'demote') promotable('first', c.first, `action ${c.firstAction}`)
      if (c.thenAction === 'promote' || c.thenAction === 'demote') promotable('then', c.then, `action ${c.thenAction}`)
      break
  }
}

/** Schema and semantic checks. Throws a ConfigError naming the path and the bad value. */
/** Operation defaults hactl knows: their kinds, as for an op's own attributes. */
export const OP_DEFAULTS: Record<string, PropertySpec> = {
  timeout: {default: '20s', kind: 'duration', description: 'Timeout of operations that set none.'},
  'on-fail': {default: '', kind: 'enum', values: ['restart', 'ignore', 'stop', 'block', 'standby', 'fence', 'demote'], description: 'What a failed operation does when it sets no on-fail (demote: for promotes and Promoted monitors; other operations restart).'},
}

function checkDefaults(config: ResourceConfig): void {
  checkMeta('rscDefaults', config.rscDefaults ?? {})
  for (const [name, value] of Object.entries(config.opDefaults ?? {})) {
    const spec = OP_DEFAULTS[name]
    if (!spec) fail(`opDefaults.${name} is not a known operation default (known: ${Object.keys(OP_DEFAULTS).join(', ')})`)
    const reason = checkValue(spec, value)
    if (reason) fail(`opDefaults.${name} is ${show(value)}: ${reason}`)
  }
}

function checkRule(rule: RuleExpression, where: string): void {
  if ('booleanOp' in rule) return rule.rules.forEach((r, i) => checkRule(r, `${where}.rules[${i}]`))
  if ('date' in rule) {
    for (const key of ['start', 'end'] as const) {
      if (rule[key] !== undefined && Number.isNaN(Date.parse(rule[key]!))) fail(`${where}.${key} is ${show(rule[key])}: expected an ISO 8601 date such as 2026-12-24T18:00:00Z`)
    }
    if (rule.date === 'date_spec' && (rule.spec === undefined || Object.keys(rule.spec).length === 0)) fail(`${where}.spec is missing for date_spec`)
    if (rule.date === 'gt' && rule.start === undefined) fail(`${where}.start is missing for gt`)
    if (rule.date === 'lt' && rule.end === undefined) fail(`${where}.end is missing for lt`)
    if (rule.date === 'in_range' && rule.start === undefined && rule.end === undefined) fail(`${where} needs start or end for in_range`)
    return
  }
  if (!['defined', 'not_defined'].includes(rule.operation) && rule.value === undefined) fail(`${where}.value is missing for operation ${show(rule.operation)}`)
}

export function validateResourceConfig(document: unknown): ResourceConfig {
  checkSchema(resourceConfigSchema, document, LABEL)
  const config = document as ResourceConfig
  checkProperties(config)
  const kinds = checkUniqueIds(config)
  checkResources(config)
  checkDefaults(config)
  checkGroupsAndClones(config, kinds)
  const nodes = new Set(config.nodes.map((n) => n.name))
  config.constraints.forEach((c, i) => checkConstraint(c, i, kinds, nodes, config))
  const balancer = balancerProblem(config)
  if (balancer) fail(balancer)
  const alerts = alertProblem(config) // alerts (issue 13)
  if (alerts !== undefined) fail(alerts)
  return config
}
