// hactl's configuration (and optionally its state) written as a Pacemaker CIB,
// for `hactl config export --cib` and for the differential test against
// crm_simulate. Pure: a string out, nothing read or written.
import {isTrue} from '../config/booleans.js'
import {formatScore, parseScore} from '../config/scores.js'
import type {Constraint, NameValues, Operation, Primitive, ResourceConfig, RuleExpression} from '../config/types.js'
import type {ClusterState} from '../policy/state.js'

/** The feature set crm_simulate 2.1.5 accepts (a higher one makes it discard updates). */
export const CIB_FEATURE_SET = '3.16.1'
const VALIDATE_WITH = 'pacemaker-3.9'
const TRANSITION_UUID = '6a3c3e1e-0000-4000-8000-000000000000'
/**
 * The parameter digest Pacemaker 2.1 records for a resource without instance
 * attributes. A history entry without the right digest makes the scheduler
 * restart the resource ("resource definition change"), so a status section is
 * only faithful for resources without parameters; others get no digest.
 */
const EMPTY_PARAMS_DIGEST = 'f2317cad3d54cec5d7d7aa7d0bf35cf8'

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('')
}

function el(name: string, values: Record<string, string | number | undefined>, children: string[] = []): string {
  if (children.length === 0) return `<${name}${attrs(values)}/>`
  return `<${name}${attrs(values)}>${children.join('')}</${name}>`
}

function nvset(kind: string, id: string, values: NameValues): string[] {
  const entries = Object.entries(values)
  if (entries.length === 0) return []
  return [el(kind, {id}, entries.map(([name, value]) => el('nvpair', {id: `${id}-${name}`, name, value})))]
}

function agentAttrs(agent: string): Record<string, string | undefined> {
  const parts = agent.split(':')
  if (parts[0] === 'ocf') return {class: 'ocf', provider: parts[1], type: parts[2]}
  if (parts[0] === 'fence') return {class: 'stonith', type: parts.slice(1).join(':')}
  return {class: parts[0], type: parts.slice(1).join(':')}
}

function op(r: Primitive, o: Operation): string {
  const interval = o.interval
  return el('op', {id: `${r.id}-${o.name}-interval-${interval}`, name: o.name, interval, timeout: o.timeout, 'on-fail': o.onFail, role: o.role, ...(o.extra ?? {})})
}

function primitive(r: Primitive): string {
  const ops = r.operations.length === 0 ? [] : [el('operations', {}, r.operations.map((o) => op(r, o)))]
  return el('primitive', {id: r.id, ...agentAttrs(r.agent)}, [
    ...nvset('instance_attributes', `${r.id}-instance_attributes`, r.params),
    ...nvset('meta_attributes', `${r.id}-meta_attributes`, r.meta),
    ...nvset('utilization', `${r.id}-utilization`, r.utilization),
    ...ops,
  ])
}

function score(text: Constraint extends infer C ? C extends {score: infer S} ? S : never : never): string {
  return String(formatScore(parseScore(text) ?? 0))
}

function constraint(c: Constraint): string {
  switch (c.type) {
    case 'location':
      if (c.node !== undefined) return el('rsc_location', {id: c.id, rsc: c.resource, role: c.role, node: c.node, score: score(c.score)})
      return el('rsc_location', {id: c.id, rsc: c.resource}, [rule(c.rule!, `${c.id}-rule`, score(c.score), c.role)])
    case 'colocation':
      return el('rsc_colocation', {
        id: c.id, rsc: c.resource, 'with-rsc': c.withResource, score: score(c.score), 'node-attribute': c.nodeAttribute, 'rsc-role': c.rscRole, 'with-rsc-role': c.withRole,
      })
    case 'order':
      return el('rsc_order', {
        id: c.id, first: c.first, 'first-action': c.firstAction, then: c.then, 'then-action': c.thenAction,
        kind: c.kind === 'mandatory' ? 'Mandatory' : 'Optional', symmetrical: c.symmetrical ? undefined : 'false',
      })
  }
}

/** A rule as Pacemaker writes it: <rule> with expressions, date expressions and nested rules. */
function rule(r: RuleExpression, id: string, ruleScore?: string, role?: string): string {
  const expression = (e: RuleExpression, eid: string): string => {
    if ('booleanOp' in e) return rule(e, eid)
    if ('date' in e) {
      const spec = e.spec === undefined ? [] : [el('date_spec', {id: `${eid}-spec`, ...e.spec})]
      return el('date_expression', {id: eid, operation: e.date, start: e.start, end: e.end}, spec)
    }
    return el('expression', {id: eid, attribute: e.attribute, operation: e.operation, value: e.value})
  }
  if ('booleanOp' in r) return el('rule', {id, score: ruleScore, role, 'boolean-op': r.booleanOp}, r.rules.map((e, i) => expression(e, `${id}-${i + 1}`)))
  return el('rule', {id, score: ruleScore, role}, [expression(r, `${id}-expr`)])
}

function historyOp(rsc: string, node: string, operation: string, interval: number, rc: number, call: number, suffix: string, digest?: string): string {
  const key = `${rsc}_${operation}_${interval}`
  return el('lrm_rsc_op', {
    id: `${rsc}_${suffix}`, operation_key: key, operation, 'crm-debug-origin': 'hactl', crm_feature_set: CIB_FEATURE_SET,
    'transition-key': `${call}:1:0:${TRANSITION_UUID}`, 'transition-magic': `0:${rc};${call}:1:0:${TRANSITION_UUID}`,
    'exit-reason': '', on_node: node, 'call-id': call, 'rc-code': rc, 'op-status': 0, interval, 'last-rc-change': 1, 'exec-time': 0, 'queue-time': 0, 'op-digest': digest,
  })
}

/** The primitive id that Pacemaker records an instance under: anonymous clone instances have no `:N`. */
function historyId(config: ResourceConfig, instance: string): string {
  const colon = instance.lastIndexOf(':')
  if (colon < 0) return instance
  const base = instance.slice(0, colon)
  const clone = config.clones.find((c) => c.child === base || config.groups.find((g) => g.id === c.child)?.members.includes(base))
  const unique = clone !== undefined && isTrue(clone.meta['globally-unique'])
  return unique ? instance : base
}

function status(config: ResourceConfig, state: ClusterState): string {
  const primitives = new Map(config.resources.map((r) => [r.id, r]))
  const nowS = Math.floor(state.nowMs / 1000)
  const promotableChildren = new Set(config.clones.filter((c) => isTrue(c.meta.promotable)).flatMap((c) => config.groups.find((g) => g.id === c.child)?.members ?? [c.child]))
  const promotablePrimitives = config.resources.filter((r) => promotableChildren.has(r.id) && !config.clones.some((c) => (c.child === r.id || config.groups.find((g) => g.id === c.child)?.members.includes(r.id)) && isTrue(c.meta['globally-unique'])))
  return el('status', {}, config.nodes.map((node, i) => {
    const id = String(i + 1)
    const s = state.nodes[node.name] ?? {online: true}
    const online = s.online
    const lrm: string[] = []
    const failAttrs: NameValues = {}
    let call = 10
    const recorded = new Set<string>()
    for (const [instance, entry] of Object.entries(state.resources)) {
      const record = entry.nodes[node.name]
      if (record === undefined) continue
      const rsc = historyId(config, instance)
      const base = rsc.includes(':') ? rsc.slice(0, rsc.lastIndexOf(':')) : rsc
      const r = primitives.get(base)
      if (r === undefined) continue
      const ops: string[] = []
      const digest = Object.keys(r.params).length === 0 ? EMPTY_PARAMS_DIGEST : undefined
      // A failed promote or demote is recorded as that operation failing (rc 1); a failed Promoted monitor as rc 9.
      const failedRoleOp = record.role === 'failed' && (record.failedOp === 'promote' || record.failedOp === 'demote') ? record.failedOp : undefined
      const promoted = record.role === 'promoted' || (record.role === 'failed' && record.failedRole === 'Promoted' && failedRoleOp === undefined)
      if (promoted) ops.push(historyOp(rsc, node.name, 'promote', 0, 0, call++, 'last_0', digest))
      else if (record.role === 'started' || record.role === 'failed') ops.push(historyOp(rsc, node.name, 'start', 0, 0, call++, 'last_0', digest))
      else ops.push(historyOp(rsc, node.name, 'monitor', 0, 7, call++, 'last_0', digest))
      if (failedRoleOp !== undefined) ops.push(historyOp(rsc, node.name, failedRoleOp, 0, 1, call++, 'last_failure_0', digest))
      else if (record.role === 'failed') ops.push(historyOp(rsc, node.name, 'monitor', 10000, promoted ? 9 : 7, call++, 'last_failure_0'))
      if ((record.failCount ?? 0) > 0) {
        const opName = record.failedOp ?? 'monitor'
        const interval = opName === 'monitor' ? 10000 : 0
        const count = record.failCount ?? 0
        failAttrs[`fail-count-${rsc}#${opName}_${interval}`] = String(formatScore(count))
        failAttrs[`last-failure-${rsc}#${opName}_${interval}`] = String(record.lastFailureMs === undefined ? nowS : Math.floor(record.lastFailureMs / 1000))
      }
      lrm.push(el('lrm_resource', {id: rsc, ...agentAttrs(r.agent)}, ops))
      recorded.add(rsc)
    }
    // A promotable clone has been probed on every node (its promotion scores count only where it is known, in Pacemaker).
    for (const p of promotablePrimitives) {
      if (recorded.has(p.id)) continue
      const digest = Object.keys(p.params).length === 0 ? EMPTY_PARAMS_DIGEST : undefined
      lrm.push(el('lrm_resource', {id: p.id, ...agentAttrs(p.agent)}, [historyOp(p.id, node.name, 'monitor', 0, 7, call++, 'last_0', digest)]))
    }
    // Transient node attributes (promotion scores master-P, crm_attribute -l reboot) with the fail counts.
    const transientValues = {...(s.attributes ?? {}), ...failAttrs}
    const transient = Object.keys(transientValues).length === 0 ? [] : [el('transient_attributes', {id}, nvset('instance_attributes', `status-${id}`, transientValues))]
    const membership = online
      ? {in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}
      : {in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down'}
    return el('node_state', {id, uname: node.name, ...membership}, online ? [...transient, el('lrm', {id}, [el('lrm_resources', {}, lrm)])] : [])
  }))
}

/** The configuration (and, when given, the state as a status section) as a CIB document. */
export function configToCib(config: ResourceConfig, state?: ClusterState): string {
  // hactl's default for stonith-enabled is false, Pacemaker's true: say it, so Pacemaker reads the same cluster.
  const props: NameValues = {'stonith-enabled': 'false', ...config.properties}
  delete props['safety-delay']
  const defaults: NameValues = {}
  // hactl also takes these three as cluster properties; rscDefaults win over them, as they do in hactl.
  for (const name of ['resource-stickiness', 'migration-threshold', 'failure-timeout']) {
    if (props[name] !== undefined) defaults[name] = props[name]
    delete props[name]
  }
  const cloned = new Set(config.clones.map((c) => c.child))
  const inGroup = new Set(config.groups.flatMap((g) => g.members))
  const byId = new Map(config.resources.map((r) => [r.id, r]))
  const group = (g: ResourceConfig['groups'][number]) => el('group', {id: g.id}, [
    ...nvset('meta_attributes', `${g.id}-meta_attributes`, g.meta), ...g.members.map((m) => primitive(byId.get(m)!)),
  ])
  const groups = new Map(config.groups.map((g) => [g.id, g]))
  const resources = [
    ...config.resources.filter((r) => !inGroup.has(r.id) && !cloned.has(r.id)).map(primitive),
    ...config.groups.filter((g) => !cloned.has(g.id)).map(group),
    ...config.clones.map((c) => el('clone', {id: c.id}, [
      ...nvset('meta_attributes', `${c.id}-meta_attributes`, c.meta),
      groups.has(c.child) ? group(groups.get(c.child)!) : primitive(byId.get(c.child)!),
    ])),
  ]
  const nodes = config.nodes.map((n, i) => {
    const attributes: NameValues = {...n.attributes}
    if (n.standby) attributes.standby = 'on'
    if (n.maintenance) attributes.maintenance = 'on'
    return el('node', {id: String(i + 1), uname: n.name}, [
      ...nvset('instance_attributes', `nodes-${i + 1}`, attributes), ...nvset('utilization', `nodes-${i + 1}-utilization`, n.utilization),
    ])
  })
  const configuration = el('configuration', {}, [
    el('crm_config', {}, [el('cluster_property_set', {id: 'cib-bootstrap-options'}, Object.entries(props).map(([name, value]) => el('nvpair', {id: `cib-bootstrap-options-${name}`, name, value})))]),
    el('nodes', {}, nodes),
    el('resources', {}, resources),
    el('constraints', {}, config.constraints.map(constraint)),
    ...(Object.keys({...defaults, ...config.rscDefaults}).length === 0 ? [] : [el('rsc_defaults', {}, nvset('meta_attributes', 'rsc_defaults-options', {...defaults, ...config.rscDefaults}))]),
    ...(Object.keys(config.opDefaults ?? {}).length === 0 ? [] : [el('op_defaults', {}, nvset('meta_attributes', 'op_defaults-options', config.opDefaults ?? {}))]),
  ])
  return `${el('cib', {
    crm_feature_set: CIB_FEATURE_SET, 'validate-with': VALIDATE_WITH, epoch: config.epoch, num_updates: 0, admin_epoch: 0,
    'have-quorum': state === undefined || state.quorate ? 1 : 0, 'dc-uuid': 1,
  }, [configuration, ...(state === undefined ? [] : [status(config, state)])])}\n`
}
