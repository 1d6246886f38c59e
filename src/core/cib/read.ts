// A Pacemaker CIB (`cibadmin --query`) as hactl's configuration, for
// `hactl config import --cib`. Pure: text in, configuration and the list of
// what hactl cannot express out (one line each: element and id).
import {PROPERTIES} from '../config/defaults.js'
import {isTrue} from '../config/booleans.js'
import {normalRole} from '../config/roles.js'
import {OP_DEFAULTS} from '../config/validate.js'
import type {
  Clone, Constraint, DateRule, DateSpec, Group, LocationRuleOperation, RuleExpression, NameValues, NodeEntry, Operation, OrderAction, Primitive, ResourceConfig, ScoreText,
} from '../config/types.js'
import {childElements, firstChild, parseXml, XmlError, type XmlElement} from './xml.js'

export class CibError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CibError'
  }
}

export interface CibImport {
  config: ResourceConfig
  /** What hactl cannot express, one line each: "<element id=...>: why". */
  unsupported: string[]
}

/** Properties that describe the running cluster rather than configure it: set by Pacemaker itself, dropped silently. */
const INFORMATIONAL = new Set(['dc-version', 'cluster-infrastructure', 'cluster-name', 'have-watchdog', 'last-lrm-refresh', 'dc-deadtime'])
const RULE_OPERATIONS = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'defined', 'not_defined'])
const ORDER_ACTIONS = new Set(['start', 'stop', 'promote', 'demote'])

class Reader {
  readonly unsupported: string[] = []

  skip(element: XmlElement, why: string): void {
    const id = element.attributes.id
    this.unsupported.push(`<${element.name}${id === undefined ? '' : ` id=${id}`}>: ${why}`)
  }

  /** The nvpairs of the named sets under element; a set with a rule or a reference is not expressible. */
  nvpairs(element: XmlElement, setName: string): NameValues {
    const out: NameValues = {}
    for (const set of childElements(element, setName)) {
      if (firstChild(set, 'rule')) {
        this.skip(set, 'name-value sets with rules are not supported')
        continue
      }
      if (set.attributes['id-ref'] !== undefined) {
        this.skip(set, 'references to other sets (id-ref) are not supported')
        continue
      }
      for (const pair of childElements(set, 'nvpair')) {
        if (pair.attributes.name === undefined || pair.attributes.value === undefined) {
          this.skip(pair, 'nvpair without name or value')
          continue
        }
        out[pair.attributes.name] = pair.attributes.value
      }
    }
    return out
  }

  node(element: XmlElement): NodeEntry | undefined {
    const name = element.attributes.uname
    if (name === undefined) {
      this.skip(element, 'node without uname')
      return undefined
    }
    if (element.attributes.type !== undefined && element.attributes.type !== 'member') this.skip(element, `node type ${element.attributes.type} is not supported`)
    const attributes = this.nvpairs(element, 'instance_attributes')
    const flag = (key: string) => {
      const value = attributes[key]
      delete attributes[key]
      return value !== undefined && /^(true|on|yes|y|1)$/i.test(value)
    }
    const standby = flag('standby')
    const maintenance = flag('maintenance')
    return {name, attributes, utilization: this.nvpairs(element, 'utilization'), standby, maintenance}
  }

  primitive(element: XmlElement): Primitive | undefined {
    const {id, class: klass, provider, type} = element.attributes
    if (id === undefined || klass === undefined || type === undefined) {
      this.skip(element, 'primitive without id, class or type')
      return undefined
    }
    if (element.attributes.template !== undefined) {
      this.skip(element, 'resource templates are not supported')
      return undefined
    }
    let agent: string
    if (klass === 'ocf') agent = `ocf:${provider ?? 'heartbeat'}:${type}`
    else if (klass === 'stonith') agent = `stonith:${type}`
    else agent = `${klass}:${type}`
    const operations: Operation[] = []
    for (const op of childElements(firstChild(element, 'operations') ?? {name: '', attributes: {}, children: [], text: ''}, 'op')) {
      const {id: _id, name, interval, timeout, 'on-fail': onFail, role, ...rest} = op.attributes
      if (name === undefined) {
        this.skip(op, 'op without name')
        continue
      }
      if (op.children.length > 0) this.skip(op, 'op attributes or rules inside an op are not supported (ignored)')
      const entry: Operation = {name, interval: interval ?? '0'}
      if (timeout !== undefined) entry.timeout = timeout
      if (onFail !== undefined) entry.onFail = onFail
      if (role !== undefined) {
        // Master/Slave (Pacemaker < 2.1) are Promoted/Unpromoted; Started means every role.
        const normal = normalRole(role)
        if (normal === undefined) this.skip(op, `role ${role} is not Promoted, Unpromoted or Started (ignored)`)
        else if (normal !== 'Started') entry.role = normal
      }
      if (Object.keys(rest).length > 0) entry.extra = rest
      operations.push(entry)
    }
    return {
      id, agent, params: this.nvpairs(element, 'instance_attributes'), meta: this.nvpairs(element, 'meta_attributes'),
      operations, utilization: this.nvpairs(element, 'utilization'),
    }
  }

  group(element: XmlElement, resources: Primitive[]): Group | undefined {
    const members: string[] = []
    for (const child of element.children) {
      if (child.name === 'primitive') {
        const p = this.primitive(child)
        if (p) {
          resources.push(p)
          members.push(p.id)
        }
      } else if (!['meta_attributes', 'instance_attributes', 'description'].includes(child.name)) this.skip(child, 'not supported inside a group')
    }
    if (members.length === 0) return undefined
    return {id: element.attributes.id, members, meta: this.nvpairs(element, 'meta_attributes')}
  }

  clone(element: XmlElement, resources: Primitive[], groups: Group[]): Clone | undefined {
    const meta = this.nvpairs(element, 'meta_attributes')
    // A <master> (Pacemaker < 2.0) is a clone with promotable=true, as Pacemaker 2 writes it.
    if (element.name === 'master') meta.promotable = 'true'
    else if (meta.promotable !== undefined && /^(true|on|yes|y|1)$/i.test(meta.promotable)) meta.promotable = 'true'
    const inner = element.children.find((c) => c.name === 'primitive' || c.name === 'group')
    if (!inner) {
      this.skip(element, 'clone without a primitive or group')
      return undefined
    }
    let child: string | undefined
    if (inner.name === 'primitive') {
      const p = this.primitive(inner)
      if (p) resources.push(p)
      child = p?.id
    } else {
      const g = this.group(inner, resources)
      if (g) groups.push(g)
      child = g?.id
    }
    return child === undefined ? undefined : {id: element.attributes.id, child, meta}
  }

  score(element: XmlElement, fallback?: ScoreText): ScoreText | undefined {
    const text = element.attributes.score ?? element.attributes['score-attribute']
    if (element.attributes['score-attribute'] !== undefined) {
      this.skip(element, 'score-attribute is not supported')
      return undefined
    }
    if (text === undefined) return fallback
    const t = text.trim()
    if (/^[+-]?INFINITY$/i.test(t)) return t.toUpperCase().replace(/^\+/, '') as ScoreText
    if (/^[+-]?\d+$/.test(t)) return Number(t)
    this.skip(element, `score ${JSON.stringify(text)} is not a score`)
    return undefined
  }

  location(element: XmlElement): Constraint[] {
    const {id, rsc, node} = element.attributes
    const role = this.role(element, element.attributes.role)
    if (role === null) return []
    for (const what of ['rsc-pattern', 'resource-discovery']) {
      if (element.attributes[what] !== undefined) {
        this.skip(element, `${what} is not supported`)
        return []
      }
    }
    if (rsc === undefined || firstChild(element, 'resource_set')) {
      this.skip(element, 'resource sets are not supported')
      return []
    }
    if (node !== undefined) {
      const score = this.score(element)
      return score === undefined ? [] : [{id, type: 'location', resource: rsc, node, score, ...role}]
    }
    const rules = childElements(element, 'rule')
    if (rules.length === 0) {
      this.skip(element, 'location without node or rule')
      return []
    }
    const out: Constraint[] = []
    rules.forEach((rule, i) => {
      const ruleRole = rule.attributes.role === undefined ? role : this.role(rule, rule.attributes.role)
      if (ruleRole === null) return
      const expression = this.rule(rule)
      if (expression === undefined) return
      const score = this.score(rule, 0)
      if (score === undefined) return
      out.push({id: rules.length === 1 ? id : `${id}-${i + 1}`, type: 'location', resource: rsc, score, rule: expression, ...ruleRole})
    })
    return out
  }

  /** A role attribute: {} for none or Started, {role} for Promoted/Unpromoted (Master/Slave read as them), null (listed) when unknown. */
  role(element: XmlElement, text: string | undefined): {role?: 'Promoted' | 'Unpromoted'} | null {
    if (text === undefined) return {}
    const role = normalRole(text)
    if (role === undefined) {
      this.skip(element, `role ${text} is not supported`)
      return null
    }
    return role === 'Started' ? {} : {role}
  }

  /** A <rule> (and/or of expressions, date expressions and rules), or undefined when hactl cannot express it. */
  rule(rule: XmlElement): RuleExpression | undefined {
    const parts: RuleExpression[] = []
    for (const child of rule.children) {
      let part: RuleExpression | undefined
      if (child.name === 'rule') part = this.rule(child)
      else if (child.name === 'expression') part = this.attributeExpression(child)
      else if (child.name === 'date_expression') part = this.dateExpression(child)
      else this.skip(child, `${child.name} in a rule is not supported`)
      if (part === undefined) return undefined
      parts.push(part)
    }
    if (parts.length === 0) {
      this.skip(rule, 'empty rule')
      return undefined
    }
    if (parts.length === 1) return parts[0]
    const op = rule.attributes['boolean-op'] ?? 'and'
    if (op !== 'and' && op !== 'or') {
      this.skip(rule, `boolean-op ${op} is not supported`)
      return undefined
    }
    return {booleanOp: op, rules: parts}
  }

  attributeExpression(element: XmlElement): RuleExpression | undefined {
    const e = element.attributes
    if (e.attribute === undefined || e.operation === undefined || !RULE_OPERATIONS.has(e.operation)) {
      this.skip(element, 'expression without a supported attribute and operation')
      return undefined
    }
    if (e.type !== undefined && !['string', 'number', 'integer'].includes(e.type)) {
      this.skip(element, `expression type ${e.type} is not supported`)
      return undefined
    }
    if (e['value-source'] !== undefined && e['value-source'] !== 'literal') {
      this.skip(element, 'value-source is not supported')
      return undefined
    }
    return {attribute: e.attribute, operation: e.operation as LocationRuleOperation, ...(e.value === undefined ? {} : {value: e.value})}
  }

  dateExpression(element: XmlElement): RuleExpression | undefined {
    const {operation, start, end} = element.attributes
    if (operation !== 'in_range' && operation !== 'gt' && operation !== 'lt' && operation !== 'date_spec') {
      this.skip(element, `date operation ${operation} is not supported`)
      return undefined
    }
    if (firstChild(element, 'duration')) {
      this.skip(element, 'durations in date expressions are not supported')
      return undefined
    }
    const out: DateRule = {date: operation}
    if (start !== undefined) out.start = start
    if (end !== undefined) out.end = end
    if (operation === 'date_spec') {
      const spec = firstChild(element, 'date_spec')
      const fields: DateSpec = {}
      for (const [key, value] of Object.entries(spec?.attributes ?? {})) {
        if (key === 'id') continue
        if (!['years', 'months', 'monthdays', 'weekdays', 'yeardays', 'hours', 'minutes'].includes(key) || !/^\d{1,4}(-\d{1,4})?$/.test(value)) {
          this.skip(spec!, `date_spec ${key}=${value} is not supported`)
          return undefined
        }
        fields[key as keyof DateSpec] = value
      }
      out.spec = fields
    }
    return out
  }

  /** The resource sets of a constraint, or undefined (listed) when one uses what hactl cannot express. */
  sets(element: XmlElement): Array<{resources: string[], sequential: boolean}> | undefined {
    const out: Array<{resources: string[], sequential: boolean}> = []
    for (const set of childElements(element, 'resource_set')) {
      for (const what of ['require-all', 'role', 'action', 'ordering', 'kind', 'score']) {
        if (set.attributes[what] !== undefined && !(what === 'require-all' && /^(true|on|yes|y|1)$/i.test(set.attributes[what]))) {
          this.skip(set, `${what} on a resource set is not supported`)
          return undefined
        }
      }
      const resources = childElements(set, 'resource_ref').map((r) => r.attributes.id).filter((x): x is string => x !== undefined)
      if (resources.length === 0) {
        this.skip(set, 'empty resource set')
        return undefined
      }
      out.push({resources, sequential: set.attributes.sequential === undefined || /^(true|on|yes|y|1)$/i.test(set.attributes.sequential)})
    }
    return out
  }

  /** An order over resource sets, as the pairs it means: in a sequential set each member after the one before; each set after the one before. */
  orderSets(element: XmlElement, kind: 'mandatory' | 'optional', symmetrical: boolean): Constraint[] {
    const sets = this.sets(element)
    if (sets === undefined) return []
    const pairs: Array<[string, string]> = []
    sets.forEach((set, k) => {
      if (set.sequential) for (let i = 1; i < set.resources.length; i++) pairs.push([set.resources[i - 1], set.resources[i]])
      const next = sets[k + 1]
      if (!next) return
      const befores = set.sequential ? [set.resources[set.resources.length - 1]] : set.resources
      const afters = next.sequential ? [next.resources[0]] : next.resources
      for (const a of befores) for (const b of afters) pairs.push([a, b])
    })
    const id = element.attributes.id
    return pairs.map(([first, then], i) => ({id: `${id}-${i + 1}`, type: 'order', first, firstAction: 'start', then, thenAction: 'start', kind, symmetrical}))
  }

  colocation(element: XmlElement): Constraint[] {
    const {id, rsc} = element.attributes
    const withRsc = element.attributes['with-rsc']
    if (rsc === undefined && withRsc === undefined && firstChild(element, 'resource_set')) {
      const sets = this.sets(element)
      if (sets === undefined) return []
      if (sets.length !== 1 || !sets[0].sequential) {
        this.skip(element, 'colocations of several resource sets, or of a non-sequential set, are not supported')
        return []
      }
      const score = this.score(element)
      if (score === undefined) return []
      // In a colocated set each member is placed with the one before it.
      const members = sets[0].resources
      return members.slice(1).map((m, i) => ({id: `${id}-${i + 1}`, type: 'colocation', resource: m, withResource: members[i], score}))
    }
    for (const what of ['rsc-instance', 'with-rsc-instance']) {
      if (element.attributes[what] !== undefined) {
        this.skip(element, `${what} is not supported`)
        return []
      }
    }
    const rscRole = this.role(element, element.attributes['rsc-role'])
    const withRole = this.role(element, element.attributes['with-rsc-role'])
    if (rscRole === null || withRole === null) return []
    if (rsc === undefined || withRsc === undefined) {
      this.skip(element, 'resource sets are not supported')
      return []
    }
    const score = this.score(element)
    if (score === undefined) {
      if (element.attributes.score === undefined) this.skip(element, 'colocation without score')
      return []
    }
    const nodeAttribute = element.attributes['node-attribute']
    return [{
      id, type: 'colocation', resource: rsc, withResource: withRsc, score, ...(nodeAttribute === undefined ? {} : {nodeAttribute}),
      ...(rscRole.role === undefined ? {} : {rscRole: rscRole.role}), ...(withRole.role === undefined ? {} : {withRole: withRole.role}),
    }]
  }

  order(element: XmlElement): Constraint[] {
    const {id, first, then} = element.attributes
    if ((first === undefined || then === undefined) && !firstChild(element, 'resource_set')) {
      this.skip(element, 'order without first and then')
      return []
    }
    const firstAction = element.attributes['first-action'] ?? 'start'
    const thenAction = element.attributes['then-action'] ?? firstAction
    if (!ORDER_ACTIONS.has(firstAction) || !ORDER_ACTIONS.has(thenAction)) {
      this.skip(element, `actions ${firstAction}/${thenAction} are not supported`)
      return []
    }
    let kind: 'mandatory' | 'optional'
    const k = element.attributes.kind
    if (k === undefined) {
      // The deprecated score: 0 is optional, anything else mandatory.
      kind = element.attributes.score !== undefined && Number(element.attributes.score) === 0 ? 'optional' : 'mandatory'
    } else if (k === 'Mandatory' || k === 'Optional') kind = k === 'Mandatory' ? 'mandatory' : 'optional'
    else {
      this.skip(element, `kind ${k} is not supported`)
      return []
    }
    if (element.attributes['first-instance'] !== undefined || element.attributes['then-instance'] !== undefined) {
      this.skip(element, 'clone instance orders are not supported')
      return []
    }
    const symmetrical = element.attributes.symmetrical === undefined ? true : /^(true|on|yes|y|1)$/i.test(element.attributes.symmetrical)
    if (first === undefined || then === undefined) return this.orderSets(element, kind, symmetrical)
    return [{id, type: 'order', first, firstAction: firstAction as OrderAction, then, thenAction: thenAction as OrderAction, kind, symmetrical}]
  }
}

/** Reads a CIB; throws CibError when it is not one. */
export function cibToConfig(text: string): CibImport {
  let root: XmlElement
  try {
    root = parseXml(text)
  } catch (error) {
    if (error instanceof XmlError) throw new CibError(`not a CIB: ${error.message}`)
    throw error
  }
  if (root.name !== 'cib') throw new CibError(`not a CIB: the root element is <${root.name}>, expected <cib>`)
  const configuration = firstChild(root, 'configuration')
  if (!configuration) throw new CibError('not a CIB: no <configuration> element')
  const r = new Reader()
  const config: ResourceConfig = {epoch: Number.parseInt(root.attributes.epoch ?? '0', 10) || 0, properties: {}, nodes: [], resources: [], groups: [], clones: [], constraints: []}

  for (const set of childElements(firstChild(configuration, 'crm_config') ?? {name: '', attributes: {}, children: [], text: ''}, 'cluster_property_set')) {
    if (firstChild(set, 'rule')) {
      r.skip(set, 'property sets with rules are not supported')
      continue
    }
    for (const pair of childElements(set, 'nvpair')) {
      const {name, value} = pair.attributes
      if (name === undefined || value === undefined || INFORMATIONAL.has(name)) continue
      if (PROPERTIES[name] === undefined) r.skip(pair, `cluster property ${name} is not supported`)
      else config.properties[name] = value
    }
  }
  for (const node of childElements(firstChild(configuration, 'nodes') ?? {name: '', attributes: {}, children: [], text: ''}, 'node')) {
    const entry = r.node(node)
    if (entry) config.nodes.push(entry)
  }
  for (const element of firstChild(configuration, 'resources')?.children ?? []) {
    if (element.name === 'primitive') {
      const p = r.primitive(element)
      if (p) config.resources.push(p)
    } else if (element.name === 'group') {
      const g = r.group(element, config.resources)
      if (g) config.groups.push(g)
    } else if (element.name === 'clone' || element.name === 'master') {
      const c = r.clone(element, config.resources, config.groups)
      if (c) config.clones.push(c)
    } else r.skip(element, `${element.name} resources are not supported`)
  }
  for (const element of firstChild(configuration, 'constraints')?.children ?? []) {
    if (element.name === 'rsc_location') config.constraints.push(...r.location(element))
    else if (element.name === 'rsc_colocation') config.constraints.push(...r.colocation(element))
    else if (element.name === 'rsc_order') config.constraints.push(...r.order(element))
    else r.skip(element, `${element.name} constraints are not supported`)
  }
  // A role (or a promote/demote action) only means something for a promotable clone: list the others (Pacemaker ignores them).
  config.constraints = config.constraints.filter((c) => {
    const roles: Array<[string, string | undefined, string]> = c.type === 'location' ? [['role', c.role, c.resource]]
      : c.type === 'colocation' ? [['rsc-role', c.rscRole, c.resource], ['with-rsc-role', c.withRole, c.withResource]]
      : [['first-action', c.firstAction === 'promote' || c.firstAction === 'demote' ? c.firstAction : undefined, c.first], ['then-action', c.thenAction === 'promote' || c.thenAction === 'demote' ? c.thenAction : undefined, c.then]]
    const bad = roles.find(([, role, id]) => role !== undefined && !config.clones.some((k) => isTrue(k.meta.promotable) && (k.id === id || k.child === id)))
    if (bad === undefined) return true
    const element = c.type === 'location' ? 'rsc_location' : c.type === 'colocation' ? 'rsc_colocation' : 'rsc_order'
    r.unsupported.push(`<${element} id=${c.id}>: ${bad[0]} ${bad[1]} needs a promotable clone, and ${bad[2]} is not one`)
    return false
  })
  const defaults = firstChild(configuration, 'rsc_defaults')
  if (defaults) {
    const values = r.nvpairs(defaults, 'meta_attributes')
    if (Object.keys(values).length > 0) config.rscDefaults = values
  }
  const opDefaults = firstChild(configuration, 'op_defaults')
  if (opDefaults) {
    const values: NameValues = {}
    for (const [name, value] of Object.entries(r.nvpairs(opDefaults, 'meta_attributes'))) {
      if (OP_DEFAULTS[name] === undefined) r.unsupported.push(`<op_defaults nvpair name=${name}>: only ${Object.keys(OP_DEFAULTS).join(', ')} are supported as operation defaults`)
      else values[name] = value
    }
    if (Object.keys(values).length > 0) config.opDefaults = values
  }
  for (const element of configuration.children) {
    if (!['crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults'].includes(element.name)) r.skip(element, 'not supported')
  }
  return {config, unsupported: r.unsupported}
}
