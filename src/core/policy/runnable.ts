// Phase 7: a mandatory order "A then B" means B cannot start when A cannot run,
// and a mandatory colocation means the dependent cannot run without its primary.
// Repeated until nothing changes, since one stop can make another.
import {INFINITY} from '../config/scores.js'
import {assign, type Assignment} from './assign.js'
import type {ColocationIndex} from './colocation.js'
import type {BaseScores} from './location.js'
import type {Model} from './model.js'

/** How many leading members of the unit must run for `name` to run: all for a group or clone, up to the member for a member. */
function membersNeeded(model: Model, u: number, name: string): number {
  const unit = model.units[u]
  const k = unit.instances.findIndex((i) => model.instances[i].primitive.id === name)
  return k < 0 ? unit.instances.length : k + 1
}

/** Does a constraint's first run somewhere? A group only when all its members run (its last member has started). */
function runsAnywhere(assignment: Assignment, units: number[], model?: Model, name?: string): boolean {
  return units.some((u) => assignment.node[u] >= 0 && assignment.running[u] > 0
    && (model === undefined || name === undefined || assignment.running[u] >= membersNeeded(model, u, name)))
}

function nodesOf(assignment: Assignment, units: number[], role?: 'Promoted' | 'Unpromoted'): Set<number> {
  const out = new Set<number>()
  for (const u of units) {
    if ((role === 'Promoted' && !assignment.promoted[u]) || (role === 'Unpromoted' && assignment.promoted[u])) continue
    if (assignment.node[u] >= 0 && assignment.running[u] > 0) out.add(assignment.node[u])
  }
  return out
}

/** Mandatory orders "promote A then …": what follows cannot run while A has no Promoted instance. */
function promoteOrders(model: Model): Array<{id: string, first: string, firstUnits: number[], then: number[]}> {
  return model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'promote' && (c.thenAction === 'start' || c.thenAction === 'promote')
    ? [{id: c.id, first: c.first, firstUnits: model.unitsByName.get(c.first) ?? [], then: model.unitsByName.get(c.then) ?? []}] : []))
}

function stop(model: Model, assignment: Assignment, u: number, why: string): boolean {
  if (assignment.node[u] < 0 || model.units[u].pinnedTo >= 0) return false
  if (assignment.promoted[u]) assignment.promoted[u] = 0
  assignment.node[u] = -1
  assignment.running[u] = 0
  assignment.why[u] = why
  return true
}

export function enforceRunnable(model: Model, assigned: Assignment, colocations: ColocationIndex): Assignment {
  const assignment: Assignment = {...assigned, node: assigned.node.slice(), running: assigned.running.slice(), why: [...assigned.why], promoted: assigned.promoted.slice()}
  const promotes = promoteOrders(model)
  const orders = model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'start' && c.thenAction === 'start'
    ? [{c, first: model.unitsByName.get(c.first) ?? [], then: model.unitsByName.get(c.then) ?? []}] : []))
  const mandatory = colocations.all.filter((c) => c.score >= INFINITY || c.score <= -INFINITY)
  for (let round = 0; round <= orders.length + mandatory.length; round++) {
    let changed = false
    for (const {c, first, then} of orders) {
      if (first.length === 0 || runsAnywhere(assignment, first, model, c.first)) continue
      for (const u of then) changed = stop(model, assignment, u, `${c.first} cannot start (mandatory order ${c.id})`) || changed
    }
    for (const o of promotes) {
      if (o.firstUnits.length === 0 || nodesOf(assignment, o.firstUnits, 'Promoted').size > 0) continue
      for (const u of o.then) changed = stop(model, assignment, u, `${o.first} has no Promoted instance (mandatory order ${o.id})`) || changed
    }
    // Colocation loops can place a dependent before its primary: check every mandatory colocation once all are placed.
    for (const c of mandatory) {
      const where = nodesOf(assignment, c.primaries, c.withRole)
      // With a node attribute, every node with the same value counts as where the primary runs.
      if (c.byAttribute) c.nodeKey.forEach((key, n) => {
        if (key !== undefined && [...where].some((w) => c.nodeKey[w] === key)) where.add(n)
      })
      for (const u of c.dependents) {
        const node = assignment.node[u]
        if (node < 0 || assignment.running[u] === 0) continue
        if (c.score >= INFINITY && !where.has(node)) {
          const primary = c.withRole === undefined ? c.primaryName : `${c.withRole} ${c.primaryName}`
          const why = where.size === 0 ? `colocated with ${primary}, which ${c.withRole === undefined ? 'cannot run' : 'has no such instance'} (${c.id})` : `colocated with ${primary}, which runs elsewhere (${c.id})`
          changed = stop(model, assignment, u, why) || changed
        } else if (c.score <= -INFINITY && where.has(node)) {
          changed = stop(model, assignment, u, `anti-colocation with ${c.primaryName} (${c.id})`) || changed
        }
      }
    }
    if (!changed) break
  }
  // A Promoted instance that cannot run after all is not promoted (its clone does not choose another in this transition).
  for (let u = 0; u < assignment.promoted.length; u++) if (assignment.promoted[u] && assignment.node[u] < 0) assignment.promoted[u] = 0
  return assignment
}

/**
 * Before assignment: a unit that must stay stopped (target-role, on-fail=stop, …) makes the units that
 * need it (mandatory order, mandatory colocation) stay stopped too, so they do not hold a node for nothing.
 */
export function propagateStops(model: Model, colocations: ColocationIndex): Model['units'] {
  // Copy on write: most clusters stop nothing this way, and 10,000 copies would be garbage.
  const units = [...model.units]
  const stopped = (names: number[]) => names.length > 0 && names.every((u) => units[u].stopWhy !== '' && units[u].pinnedTo < 0)
  const orders = model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'start' && c.thenAction === 'start'
    ? [{c, first: model.unitsByName.get(c.first) ?? [], then: model.unitsByName.get(c.then) ?? []}] : []))
  const mandatory = colocations.all.filter((c) => c.score >= INFINITY)
  for (let round = 0; round <= orders.length + mandatory.length; round++) {
    let changed = false
    const mark = (u: number, why: string) => {
      if (units[u].stopWhy !== '') return
      units[u] = {...units[u], stopWhy: why}
      changed = true
    }
    for (const {c, first, then} of orders) if (stopped(first)) for (const u of then) mark(u, `${c.first} cannot start (mandatory order ${c.id})`)
    for (const c of mandatory) if (stopped(c.primaries)) for (const u of c.dependents) mark(u, `colocated with ${c.primaryName}, which cannot run (${c.id})`)
    if (!changed) break
  }
  return units
}

function mandatoryOrders(model: Model): Array<{c: {id: string, first: string}, first: number[], then: number[]}> {
  return model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'start' && c.thenAction === 'start'
    ? [{c, first: model.unitsByName.get(c.first) ?? [], then: model.unitsByName.get(c.then) ?? []}] : []))
}

/** Is the unit still kept from running by what it needs (a mandatory order's first, a mandatory colocation's primary)? */
function stillBlocked(model: Model, orders: ReturnType<typeof mandatoryOrders>, assignment: Assignment, colocations: ColocationIndex, u: number): boolean {
  for (const {c, first, then} of orders) if (then.includes(u) && first.length > 0 && !runsAnywhere(assignment, first, model, c.first)) return true
  return colocations.asDependent[u].some((c) => c.score <= -INFINITY || (c.score >= INFINITY && !runsAnywhere(assignment, c.primaries)))
}

/**
 * Assigns, then stops what cannot run, and assigns again without the stopped units until nothing more
 * stops. A unit stopped only after assignment (its mandatory order's first cannot run) would otherwise
 * have held a node for nothing: its anti-colocations, capacity and tie-breaks acted on a placement that
 * never happens, and the next run, which no longer sees it there, would place the others differently.
 * When leaving such a unit out lets what it needs run after all (a loop of orders and colocations), it
 * is assigned again like any other and never left out again: it then keeps the node it cannot start on,
 * as in Pacemaker. Each unit is left out at most once and taken back at most once, so this ends.
 */
export function assignRunnable(model: Model, base: BaseScores, colocations: ColocationIndex): {model: Model, assignment: Assignment} {
  const orders = mandatoryOrders(model)
  const marks = new Map<number, string>()
  const released = new Set<number>()
  let current = model
  for (;;) {
    const assigned = assign(current, base, colocations)
    const assignment = enforceRunnable(current, assigned, colocations)
    const invalid = [...marks.keys()].filter((u) => !stillBlocked(current, orders, assignment, colocations, u))
    const stopped: number[] = []
    if (invalid.length === 0) {
      for (let u = 0; u < assignment.node.length; u++) {
        if (assigned.running[u] > 0 && assignment.running[u] === 0 && current.units[u].stopWhy === '' && !released.has(u)) stopped.push(u)
      }
      if (stopped.length === 0) return {model: current, assignment}
    }
    for (const u of invalid) {
      marks.delete(u)
      released.add(u)
    }
    for (const u of stopped) marks.set(u, assignment.why[u])
    const units = [...model.units]
    for (const [u, why] of marks) units[u] = {...units[u], stopWhy: why}
    current = {...model, units}
    current = {...current, units: propagateStops(current, colocations)}
  }
}
