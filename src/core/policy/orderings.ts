// Phase 9: the dependencies between actions. Within an instance: stops, then
// the start, then monitors. Groups: members start in order and stop in reverse.
// Order constraints: "A then B" makes B's start wait for A's; symmetrical ones
// make A's stop wait for B's. Anti-colocation and utilization: a start waits for
// the stops on its node that make room for it. Fences come before the starts
// of what they stop.
import {MINUS_INFINITY} from '../config/scores.js'
import type {Action, ActionPlan, InstancePlan} from './actions.js'
import {interleaved, unitInstances} from './actions.js'
import type {ColocationIndex} from './colocation.js'
import type {Model} from './model.js'
import {notifications} from './notify.js'
import {orderRoles, roleActionsAfter, roleActionsBefore} from './roles.js'

function after(later: Action | undefined, earlier: Action | undefined): void {
  if (later && earlier && later !== earlier) later.dependsOn.push(earlier.id)
}

function stopDone(plan: InstancePlan): Action[] {
  return plan.stops
}

function stopEntries(plan: InstancePlan): Action[] {
  // A migration leaves its node with migrate_to, which is also its start entry.
  return plan.startEntry?.op === 'migrate_to' ? [plan.startEntry] : plan.stops
}

function withinInstance(plan: InstancePlan, fences: Map<number, Action>, fencedOn: number[]): void {
  if (plan.startEntry?.op === 'start') for (const stop of plan.stops) after(plan.startEntry, stop)
  for (const n of fencedOn) after(plan.startEntry, fences.get(n))
  for (const monitor of plan.monitors) after(monitor, plan.startDone)
}

function groups(model: Model, plans: InstancePlan[]): void {
  for (const unit of model.units) {
    for (let k = 1; k < unit.instances.length; k++) {
      const previous = plans[unit.instances[k - 1]]
      const current = plans[unit.instances[k]]
      after(current.startEntry, previous.startDone)
      for (const stop of stopEntries(previous)) for (const later of stopDone(current)) after(stop, later)
    }
  }
}

function sameNode(a: Action, b: Action): boolean {
  return a.node === b.node
}

function orderConstraints(model: Model, plans: InstancePlan[]): void {
  for (const c of model.config.constraints) {
    if (c.type !== 'order') continue
    if (![c.firstAction, c.thenAction].every((a) => a === 'start' || a === 'stop')) continue
    const first = unitInstances(model, c.first)
    const then = unitInstances(model, c.then)
    const interleave = interleaved(model, first, then)
    const done = (p: InstancePlan, action: string) => (action === 'start' ? (p.startDone ? [p.startDone] : []) : stopDone(p))
    const entry = (p: InstancePlan, action: string) => (action === 'start' ? (p.startEntry ? [p.startEntry] : []) : stopEntries(p))
    const link = (laterSet: number[], laterAction: string, earlierSet: number[], earlierAction: string) => {
      for (const l of laterSet) {
        for (const la of entry(plans[l], laterAction)) {
          for (const e of earlierSet) for (const ea of done(plans[e], earlierAction)) if (!interleave || sameNode(la, ea)) after(la, ea)
        }
      }
    }
    link(then, c.thenAction, first, c.firstAction)
    if (c.symmetrical) link(first, c.firstAction === 'start' ? 'stop' : 'start', then, c.thenAction === 'start' ? 'stop' : 'start')
  }
}

/** Stops per node, for starts that need the room they free. */
function stopsByNode(plans: InstancePlan[], only?: Set<number>): Map<string, Action[]> {
  const byNode = new Map<string, Action[]>()
  plans.forEach((p, i) => {
    if (only && !only.has(i)) return
    for (const s of p.stops) {
      const list = byNode.get(s.node)
      if (list) list.push(s)
      else byNode.set(s.node, [s])
    }
  })
  return byNode
}

function antiColocations(model: Model, plans: InstancePlan[], colocations: ColocationIndex): void {
  for (const c of colocations.all) {
    if (c.score > MINUS_INFINITY) continue
    const dependents = c.dependents.flatMap((u) => model.units[u].instances)
    const primaries = c.primaries.flatMap((u) => model.units[u].instances)
    for (const [starting, stopping] of [[dependents, primaries], [primaries, dependents]]) {
      const stops = stopsByNode(plans, new Set(stopping))
      for (const i of starting) {
        const start = plans[i].startEntry
        if (start) for (const s of stops.get(plans[i].startDone!.node) ?? []) after(start, s)
      }
    }
  }
}

function utilization(model: Model, plans: InstancePlan[]): void {
  if (model.strategy === 'default') return
  const stops = stopsByNode(plans)
  for (const p of plans) {
    if (p.startEntry && p.startDone) for (const s of stops.get(p.startDone.node) ?? []) after(p.startEntry, s)
  }
}

export function orderActions(model: Model, plan: ActionPlan, colocations: ColocationIndex): Action[] {
  const {plans, fences} = plan
  plans.forEach((p, i) => withinInstance(p, fences, model.instances[i].fencedOn))
  groups(model, plans)
  orderConstraints(model, plans)
  antiColocations(model, plans, colocations)
  utilization(model, plans)
  orderRoles(model, plans)
  const actions: Action[] = [...fences.values()]
  for (const p of plans) {
    if (p.startEntry && p.startEntry !== p.startDone) actions.push(p.startEntry)
    actions.push(...roleActionsBefore(p))
    actions.push(...p.stops)
    if (p.startDone) actions.push(p.startDone)
    if (p.reload) actions.push(p.reload)
    actions.push(...roleActionsAfter(p))
    actions.push(...p.monitors)
  }
  actions.push(...notifications(model, plans))
  return actions
}
