// Phase 7: a mandatory order "A then B" means B cannot start when A cannot run,
// and a mandatory colocation means the dependent cannot run without its primary.
// Repeated until nothing changes, since one stop can make another.
import {INFINITY} from '../config/scores.js'
import type {Assignment} from './assign.js'
import type {ColocationIndex} from './colocation.js'
import type {Model} from './model.js'

function runsAnywhere(assignment: Assignment, units: number[]): boolean {
  return units.some((u) => assignment.node[u] >= 0 && assignment.running[u] > 0)
}

function stop(model: Model, assignment: Assignment, u: number, why: string): boolean {
  if (assignment.node[u] < 0 || model.units[u].pinnedTo >= 0) return false
  assignment.node[u] = -1
  assignment.running[u] = 0
  assignment.why[u] = why
  return true
}

export function enforceRunnable(model: Model, assignment: Assignment, colocations: ColocationIndex): Assignment {
  const orders = model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'start' && c.thenAction === 'start'
    ? [{c, first: model.unitsByName.get(c.first) ?? [], then: model.unitsByName.get(c.then) ?? []}] : []))
  const mandatory = colocations.all.filter((c) => c.score >= INFINITY)
  for (let round = 0; round <= orders.length + mandatory.length; round++) {
    let changed = false
    for (const {c, first, then} of orders) {
      if (first.length === 0 || runsAnywhere(assignment, first)) continue
      for (const u of then) changed = stop(model, assignment, u, `${c.first} cannot start (mandatory order ${c.id})`) || changed
    }
    for (const c of mandatory) {
      if (runsAnywhere(assignment, c.primaries)) continue
      for (const u of c.dependents) changed = stop(model, assignment, u, `colocated with ${c.primaryName}, which cannot run (${c.id})`) || changed
    }
    if (!changed) break
  }
  return assignment
}
