// Promotable clones, phase 8b: the promote and demote actions that take each
// instance from its role now to the role chosen for it (promotion.ts), the
// monitors of its new role, its summary line, and (phase 9b) their order:
// demote before stop, start before promote, a clone's promotes after all its
// starts and demotes, its stops after all its demotes, and order constraints
// that name promote or demote.
import {formatScore} from '../config/scores.js'
import type {OrderAction} from '../config/types.js'
import {act, interleaved, monitorsOf, unitInstances, type Action, type Change, type ChangeRole, type InstancePlan, type Planner} from './actions.js'
import type {Assignment} from './assign.js'
import {isFrozen, type Instance, type Model} from './model.js'

function promotableInstance(model: Model, inst: Instance): boolean {
  const clone = model.units[inst.unit].clone
  return clone >= 0 && model.clones[clone].promotable
}

/** Why this instance is (or is no longer) the Promoted one: the role decision in words. */
function roleReason(model: Model, assignment: Assignment, inst: Instance, promoted: boolean): string {
  const clone = model.units[inst.unit].clone
  const decision = assignment.roles.get(clone)
  const own = decision?.why.get(inst.unit) ?? ''
  if (promoted || decision === undefined) return own
  if (/^promoted-(node-)?max/.test(own)) {
    const winner = model.clones[clone].units.find((u) => assignment.promoted[u])
    const theirs = decision.candidates.find((c) => c.unit === winner)
    const mine = decision.candidates.find((c) => c.unit === inst.unit)
    if (winner !== undefined && theirs?.score !== undefined) {
      const node = model.nodes[theirs.node].name
      return `higher promotion score of ${model.units[winner].id} on ${node} (${formatScore(theirs.score)}${mine?.score === undefined ? '' : ` > ${formatScore(mine.score)}`})`
    }
  }
  return own
}

function lastChange(planner: Planner, id: string): Change | undefined {
  for (let k = planner.changes.length - 1; k >= 0; k--) if (planner.changes[k].resource === id) return planner.changes[k]
  return undefined
}

/** Adds promote/demote actions, role monitors and role-aware summary lines to the plans of promotable clones' instances. */
export function planRoles(model: Model, assignment: Assignment, planner: Planner, plans: InstancePlan[]): void {
  for (const inst of model.instances) {
    if (!promotableInstance(model, inst) || !inst.managed || inst.heldOn >= 0 || isFrozen(model, inst)) continue
    const plan = plans[inst.index]
    const target = plan.target
    const was = inst.promotedOn
    const next = target >= 0 && assignment.promoted[inst.unit] === 1
    const nextRole = next ? 'Promoted' : 'Unpromoted'
    const name = (n: number) => model.nodes[n].name
    const stopsThere = was >= 0 ? plan.stops.filter((s) => s.node === name(was)) : []
    const change = lastChange(planner, inst.id)
    // Demote: it leaves the Promoted role, or stops (or restarts) where it is Promoted.
    if (was >= 0 && (stopsThere.length > 0 || !next || target !== was || inst.demoteWhy !== '')) {
      const reason = stopsThere.length > 0 ? stopsThere[0].reason : inst.demoteWhy !== '' ? inst.demoteWhy : roleReason(model, assignment, inst, false)
      plan.demote = act('demote', inst.id, name(was), reason)
      for (const stop of stopsThere) stop.dependsOn.push(plan.demote.id)
    }
    // Promote: it enters the Promoted role (after its start, when it starts).
    const staysPromoted = was >= 0 && was === target && plan.demote === undefined
    if (next && !staysPromoted) {
      plan.promote = act('promote', inst.id, name(target), roleReason(model, assignment, inst, true) || plan.startDone?.reason || '')
      if (plan.startDone) plan.promote.dependsOn.push(plan.startDone.id)
      if (plan.demote) plan.promote.dependsOn.push(plan.demote.id)
    }
    // The monitors of the role it has after the transition (Pacemaker replaces the other role's).
    if (target >= 0 && (plan.startDone !== undefined || plan.promote !== undefined || plan.demote !== undefined)) {
      const reason = plan.promote?.reason ?? plan.startDone?.reason ?? plan.demote?.reason ?? ''
      plan.monitors = monitorsOf(inst, name(target), reason, nextRole)
      const last = plan.promote ?? (plan.startDone === undefined && plan.demote?.node === name(target) ? plan.demote : undefined)
      if (last) for (const m of plan.monitors) m.dependsOn.push(last.id)
    }
    describe(planner, inst, plan, change, was >= 0, next, name)
  }
}

/** The summary line with roles, as crm_simulate prints them. */
function describe(planner: Planner, inst: Instance, plan: InstancePlan, change: Change | undefined, wasPromoted: boolean, next: boolean, name: (n: number) => string): void {
  const toRole: ChangeRole = plan.target < 0 ? 'Stopped' : next ? 'Promoted' : 'Unpromoted'
  if (change === undefined) {
    // Demoted and promoted again in place (on-fail=demote, still the best): crm_simulate's Re-promote.
    if (plan.promote && plan.demote) planner.changes.push({kind: 'Promote', resource: inst.id, to: plan.promote.node, fromRole: 'Promoted', toRole: 'Promoted', reason: plan.demote.reason})
    else if (plan.promote) planner.changes.push({kind: 'Promote', resource: inst.id, to: plan.promote.node, fromRole: 'Unpromoted', toRole: 'Promoted', reason: plan.promote.reason})
    else if (plan.demote) planner.changes.push({kind: 'Demote', resource: inst.id, from: plan.demote.node, fromRole: 'Promoted', toRole: 'Unpromoted', reason: plan.demote.reason})
    return
  }
  if (change.kind === 'Start') {
    if (next) {
      change.kind = 'Promote'
      change.fromRole = 'Stopped'
      change.toRole = 'Promoted'
    }
    return
  }
  // Stops, moves, restarts and recoveries show the role on both sides, as crm_simulate does.
  change.fromRole = wasPromoted ? 'Promoted' : 'Unpromoted'
  if (change.kind !== 'Stop') change.toRole = toRole
  void name
}

/** The actions an order constraint's action means on one instance's plan. */
function doneOf(p: InstancePlan, action: OrderAction): Action[] {
  switch (action) {
    case 'start': return p.startDone ? [p.startDone] : []
    case 'stop': return p.stops
    case 'promote': return p.promote ? [p.promote] : []
    case 'demote': return p.demote ? [p.demote] : []
  }
}

function entryOf(p: InstancePlan, action: OrderAction): Action[] {
  if (action === 'start') return p.startEntry ? [p.startEntry] : []
  if (action === 'stop') return p.startEntry?.op === 'migrate_to' ? [p.startEntry] : p.stops
  return doneOf(p, action)
}

const INVERSE: Record<OrderAction, OrderAction> = {start: 'stop', stop: 'start', promote: 'demote', demote: 'promote'}

function after(later: Action, earlier: Action): void {
  if (later !== earlier) later.dependsOn.push(earlier.id)
}

/** Phase 9b: the order of promotes and demotes. */
export function orderRoles(model: Model, plans: InstancePlan[]): void {
  for (const clone of model.clones) {
    if (!clone.promotable) continue
    const members = clone.units.flatMap((u) => model.units[u].instances).map((i) => plans[i])
    const demotes = members.flatMap((p) => (p.demote ? [p.demote] : []))
    const promotes = members.flatMap((p) => (p.promote ? [p.promote] : []))
    if (demotes.length === 0 && promotes.length === 0) continue
    // Demotes before any stop of the clone; promotes after every start and every demote of the clone.
    for (const p of members) for (const stop of p.stops) for (const d of demotes) after(stop, d)
    for (const promote of promotes) {
      for (const p of members) if (p.startDone) after(promote, p.startDone)
      for (const d of demotes) after(promote, d)
    }
  }
  for (const c of model.config.constraints) {
    if (c.type !== 'order') continue
    const roles = ['promote', 'demote']
    if (!roles.includes(c.firstAction) && !roles.includes(c.thenAction)) continue
    const first = unitInstances(model, c.first)
    const then = unitInstances(model, c.then)
    const interleave = interleaved(model, first, then)
    const link = (laterSet: number[], laterAction: OrderAction, earlierSet: number[], earlierAction: OrderAction) => {
      for (const l of laterSet) {
        for (const la of entryOf(plans[l], laterAction)) {
          for (const e of earlierSet) for (const ea of doneOf(plans[e], earlierAction)) if (!interleave || la.node === ea.node) after(la, ea)
        }
      }
    }
    link(then, c.thenAction, first, c.firstAction)
    if (c.symmetrical) link(first, INVERSE[c.firstAction], then, INVERSE[c.thenAction])
  }
}

/** The role actions of a plan in the order they run, for the transition's action list. */
export function roleActionsBefore(p: InstancePlan): Action[] {
  return p.demote ? [p.demote] : []
}

export function roleActionsAfter(p: InstancePlan): Action[] {
  return p.promote ? [p.promote] : []
}
