// Clone notifications (clone meta notify=true), phase 9c. For each kind of action a
// clone's instances run in the transition — demote, stop, start, promote, in that
// order — every instance that is active just before gets a pre-notification before
// any of those actions, and every instance active just after gets a post-notification
// after all of them; the next kind waits for the previous one's post-notifications.
// Each notification carries Pacemaker's OCF_RESKEY_CRM_meta_notify_* variables:
// space-separated instance names and node names, index by index.
import {act, type Action, type InstancePlan, type NotifyInfo} from './actions.js'
import type {Model} from './model.js'

type Operation = NotifyInfo['operation']
const PHASES: Operation[] = ['demote', 'stop', 'start', 'promote']
const PREFIX = 'OCF_RESKEY_CRM_meta_notify_'

/** An instance on a node. */
interface Slot {
  inst: number
  node: string
}

function opsOf(p: InstancePlan, op: Operation): Action[] {
  switch (op) {
    case 'demote': return p.demote ? [p.demote] : []
    case 'stop': return p.stops
    case 'start': return p.startDone ? [p.startDone] : []
    case 'promote': return p.promote ? [p.promote] : []
  }
}

function key(s: Slot): string {
  return `${s.inst}@${s.node}`
}

/** The lists every notification of this clone carries: what runs now, and what the transition does. */
function environment(model: Model, members: number[], plans: InstancePlan[], active: Slot[]): Record<string, string> {
  const ids = (slots: Slot[]) => slots.map((s) => model.instances[s.inst].id).join(' ')
  const unames = (slots: Slot[]) => slots.map((s) => s.node).join(' ')
  const env: Record<string, string> = {}
  const put = (name: string, slots: Slot[]) => {
    env[`${PREFIX}${name}_resource`] = ids(slots)
    env[`${PREFIX}${name}_uname`] = unames(slots)
  }
  const slotsOf = (op: Operation) => members.flatMap((i) => opsOf(plans[i], op).map((a) => ({inst: i, node: a.node})))
  put('start', slotsOf('start'))
  put('stop', slotsOf('stop'))
  put('promote', slotsOf('promote'))
  put('demote', slotsOf('demote'))
  put('active', active)
  const promoted = active.filter((s) => model.nodes[model.instances[s.inst].promotedOn]?.name === s.node)
  const unpromoted = active.filter((s) => !promoted.includes(s))
  // Pacemaker 2.1 passes the old names (master, slave) and the new ones (promoted, unpromoted).
  put('master', promoted)
  put('promoted', promoted)
  put('slave', unpromoted)
  put('unpromoted', unpromoted)
  const activeIds = new Set(active.map((s) => s.inst))
  env[`${PREFIX}inactive_resource`] = members.filter((i) => !activeIds.has(i)).map((i) => model.instances[i].id).join(' ')
  env[`${PREFIX}all_uname`] = model.nodes.map((n) => n.name).join(' ')
  env[`${PREFIX}available_uname`] = model.nodes.filter((n) => n.cannotHost === '').map((n) => n.name).join(' ')
  return env
}

/** The notifications of every clone with notify=true, with their dependencies (and those of the actions they surround). */
export function notifications(model: Model, plans: InstancePlan[]): Action[] {
  const out: Action[] = []
  for (const clone of model.clones) {
    if (!clone.notify) continue
    // Per primitive: a cloned group's members are notified about their own instances.
    const byPrimitive = new Map<string, number[]>()
    for (const u of clone.units) {
      for (const i of model.units[u].instances) {
        const id = model.instances[i].primitive.id
        byPrimitive.set(id, [...(byPrimitive.get(id) ?? []), i])
      }
    }
    for (const members of byPrimitive.values()) out.push(...notifyMembers(model, members, plans))
  }
  return out
}

function notifyMembers(model: Model, members: number[], plans: InstancePlan[]): Action[] {
  const out: Action[] = []
  if (!PHASES.some((op) => members.some((i) => opsOf(plans[i], op).length > 0))) return out
  // Who runs now: instances active on live nodes, except those that failed there (they are not asked).
  const active: Slot[] = members.flatMap((i) => model.instances[i].active.map((n) => ({inst: i, node: model.nodes[n].name})))
  const base = environment(model, members, plans, active)
  const asked = (s: Slot) => {
    const inst = model.instances[s.inst]
    return inst.managed && !inst.failed.some((n) => model.nodes[n].name === s.node)
  }
  let running = new Map(active.map((s) => [key(s), s]))
  let previous: Action[] = []
  for (const op of PHASES) {
    const ops = members.flatMap((i) => opsOf(plans[i], op).map((a) => ({a, slot: {inst: i, node: a.node}})))
    if (ops.length === 0) continue
    const before = [...running.values()]
    const afterwards = new Map(running)
    for (const {slot} of ops) {
      if (op === 'stop') afterwards.delete(key(slot))
      if (op === 'start') afterwards.set(key(slot), slot)
    }
    const make = (type: 'pre' | 'post', s: Slot): Action => {
      const inst = model.instances[s.inst]
      const a = act('notify', inst.id, s.node, `${type}-${op} notification`)
      a.id = `${inst.id}_${type}_notify_${op}_${s.node}`
      a.notify = {type, operation: op, env: {[`${PREFIX}type`]: type, [`${PREFIX}operation`]: op, ...base}}
      return a
    }
    const pre = before.filter(asked).map((s) => make('pre', s))
    for (const n of pre) for (const p of previous) n.dependsOn.push(p.id)
    for (const {a} of ops) {
      for (const n of pre) a.dependsOn.push(n.id)
      for (const p of previous) a.dependsOn.push(p.id)
    }
    const started = new Set(op === 'start' ? ops.map(({slot}) => key(slot)) : [])
    // Post-notifications go to what runs afterwards; an instance that just failed to be stopped is not asked.
    const post = [...afterwards.values()].filter((s) => started.has(key(s)) || asked(s)).map((s) => make('post', s))
    for (const n of post) for (const {a} of ops) n.dependsOn.push(a.id)
    out.push(...pre, ...post)
    previous = post.length > 0 ? post : ops.map(({a}) => a)
    running = afterwards
  }
  return out
}
