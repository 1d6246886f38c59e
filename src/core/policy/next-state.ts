// The state once the transition has completed, as `simulate --save-state`
// writes it: running it again with nothing changed gives an empty transition.
import type {InstancePlan} from './actions.js'
import {paramRecord} from './digest.js'
import {isFrozen, type Instance, type Model} from './model.js'
import type {ClusterState, InstanceOnNode, InstanceRole, InstanceState, NodeState} from './state.js'

function sortedRecord<T>(entries: Array<[string, T]>): Record<string, T> {
  if (entries.length > 1) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(entries)
}

function nextNodes(model: Model): Record<string, NodeState> {
  const out: Array<[string, NodeState]> = []
  const names = new Set([...model.nodes.map((n) => n.name), ...Object.keys(model.state.nodes)])
  for (const name of names) {
    const before = model.state.nodes[name] ?? {online: true}
    const node = model.nodes[model.nodeIndex.get(name) ?? -1]
    let after: NodeState = {...before}
    if (node?.fenceWhy) after = {...after, online: false, fenced: true, lostAtMs: before.lostAtMs ?? model.state.nowMs}
    if (node?.standbyOnFail) after.standby = true
    out.push([name, after])
  }
  return sortedRecord(out)
}

/** Nothing happens to it and its records already say so: the same object serves (most instances, most of the time). */
function unchanged(model: Model, inst: Instance, plan: InstancePlan, before: InstanceState): boolean {
  if (plan.promote !== undefined || plan.demote !== undefined) return false
  if (plan.stops.length > 0 || plan.startEntry !== undefined || plan.target < 0 || inst.active.length !== 1 || inst.active[0] !== plan.target) return false
  for (const name in before.nodes) {
    const role = before.nodes[name].role
    if (role === 'failed' || (role === 'started' && name !== model.nodes[plan.target].name)) return false
  }
  return true
}

function nextInstance(model: Model, index: number, plan: InstancePlan, promoted: Uint8Array): InstanceState | undefined {
  const inst = model.instances[index]
  const before = model.state.resources[inst.id]
  if (!inst.managed || inst.heldOn >= 0 || isFrozen(model, inst)) return before
  // A promotable clone's instance runs Promoted where it was chosen to (promoted is per unit).
  const clone = model.units[inst.unit].clone
  const running: InstanceRole = clone >= 0 && model.clones[clone].promotable && promoted[inst.unit] === 1 ? 'promoted' : 'started'
  if (before === undefined) return plan.target < 0 ? undefined : {nodes: {[model.nodes[plan.target].name]: {role: running}}}
  if (unchanged(model, inst, plan, before)) return before
  const nodes: Array<[string, InstanceOnNode]> = []
  const target = plan.target >= 0 ? model.nodes[plan.target].name : undefined
  const seen = new Set<string>()
  for (const [name, record] of Object.entries(before?.nodes ?? {})) {
    seen.add(name)
    const role: InstanceRole = name === target ? running : record.role === 'unknown' ? 'unknown' : 'stopped'
    const next: InstanceOnNode = {...record, role}
    if (role === 'stopped' && next.failCount === undefined && next.failedOp === undefined) continue
    nodes.push([name, next])
  }
  if (target !== undefined && !seen.has(target)) nodes.push([target, {role: running}])
  if (nodes.length === 0 && before?.migratable === undefined) return undefined
  const out: InstanceState = {nodes: sortedRecord(nodes)}
  if (before?.migratable !== undefined) out.migratable = before.migratable
  return out
}

/** Restarted or reloaded where a parameter digest was recorded: it now runs with the configured parameters. */
function withDigest(model: Model, inst: Instance, plan: InstancePlan, entry: InstanceState | undefined): InstanceState | undefined {
  if (entry === undefined || plan.target < 0 || (plan.reload === undefined && plan.startDone === undefined)) return entry
  const name = model.nodes[plan.target].name
  const record = entry.nodes[name]
  if (record?.digest === undefined) return entry
  const now = paramRecord(inst.primitive.params, record.restartDigest === undefined ? undefined : record.reloadable ?? [])
  if (now.digest === record.digest) return entry
  return {...entry, nodes: {...entry.nodes, [name]: {...record, ...now}}}
}

export function nextState(model: Model, plans: InstancePlan[], promoted: Uint8Array): ClusterState {
  const resources: Array<[string, InstanceState]> = []
  const known = new Set<string>()
  model.instances.forEach((inst, i) => {
    known.add(inst.id)
    const entry = withDigest(model, inst, plans[i], nextInstance(model, i, plans[i], promoted))
    if (entry) resources.push([inst.id, entry])
  })
  // Instances the configuration no longer has are kept as they are (see warnings).
  for (const [id, entry] of Object.entries(model.state.resources)) if (!known.has(id)) resources.push([id, entry])
  // Instances in configuration order, then the unknown ones: deterministic without sorting 10,000 ids.
  const out: ClusterState = {nowMs: model.state.nowMs, quorate: model.state.quorate, nodes: nextNodes(model), resources: Object.fromEntries(resources)}
  if (model.state.tokenTimeoutMs !== undefined) out.tokenTimeoutMs = model.state.tokenTimeoutMs
  return out
}
