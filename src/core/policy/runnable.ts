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
      // (Not for an INFINITY colocation with a clone: its instances' own nodes, as in assignment.)
      if (c.byAttribute && !(c.score >= INFINITY && model.units[c.primaries[0]].clone >= 0)) c.nodeKey.forEach((key, n) => {
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
 * need it through a mandatory colocation stay stopped too (they have nowhere to go). Orders do not: as in
 * Pacemaker, a unit whose mandatory order's first must stay stopped is still assigned, and only its start
 * is blocked (enforceRunnable).
 */
export function propagateStops(model: Model, colocations: ColocationIndex): Model['units'] {
  // Copy on write: most clusters stop nothing this way, and 10,000 copies would be garbage.
  const units = [...model.units]
  const stopped = (names: number[]) => names.length > 0 && names.every((u) => units[u].stopWhy !== '' && units[u].pinnedTo < 0)
  const mandatory = colocations.all.filter((c) => c.score >= INFINITY)
  for (let round = 0; round <= mandatory.length; round++) {
    let changed = false
    const mark = (u: number, why: string) => {
      if (units[u].stopWhy !== '') return
      units[u] = {...units[u], stopWhy: why}
      changed = true
    }
    for (const c of mandatory) if (stopped(c.primaries)) for (const u of c.dependents) mark(u, `colocated with ${c.primaryName}, which cannot run (${c.id})`)
    if (!changed) break
  }
  return units
}

/**
 * Assigns every unit, then stops what cannot run (a mandatory order's first that cannot run, a mandatory
 * colocation's primary that does not run). As in Pacemaker, orders play no part in assignment: a unit
 * that cannot start because of one still takes its node, its capacity and its place in anti-colocations.
 */
export function assignRunnable(model: Model, base: BaseScores, colocations: ColocationIndex): {model: Model, assignment: Assignment} {
  const assigned = assign(model, base, colocations)
  return {model, assignment: enforceRunnable(model, assigned, colocations)}
}
