// The policy engine: (configuration, state) -> placement + transition, as a
// pipeline of named phases. Pure and deterministic: no clock, no randomness,
// iteration in configuration and node order only.
import {propertyValue} from '../config/defaults.js'
import type {ResourceConfig} from '../config/types.js'
import {instanceWhy, planActions, type Action, type Change} from './actions.js'
import type {Assignment} from './assign.js'
import {indexColocations} from './colocation.js'
import {collectFailures} from './failures.js'
import {buildGraph} from './graph.js'
import {instanceStatus} from './instances.js'
import {locationScores, type BaseScores} from './location.js'
import {isFrozen, type Model} from './model.js'
import {nextState} from './next-state.js'
import {nodeEligibility} from './nodes.js'
import {orderActions} from './orderings.js'
import {addPromotionScores, withRoles} from './promotion.js'
import {assignRunnable, propagateStops} from './runnable.js'
import type {ClusterState} from './state.js'
import {unpack} from './unpack.js'

export type PlacementStatus = 'started' | 'stopped' | 'unmanaged' | 'held' | 'frozen'

export interface PlacementEntry {
  /** Instance id: the primitive id, or `primitive:N` in a clone. */
  resource: string
  node: string | null
  status: PlacementStatus
  /** A promotable clone's instance that runs: its role after the transition. */
  role?: 'Promoted' | 'Unpromoted'
  reason?: string
}

export interface ScheduleResult {
  placement: PlacementEntry[]
  transition: {actions: Action[]}
  /** One entry per Transition Summary line. */
  changes: Change[]
  /** When a time-based input changes (failure-timeout, safety delay): run the engine again then. */
  recheckAtMs: number | null
  warnings: string[]
  /** The state after the transition has completed. */
  nextState: ClusterState
}

/** Everything the phases computed, for explain(). */
export interface Internals {
  model: Model
  base: BaseScores
  assignment: Assignment
  result: ScheduleResult
}

function minPositive(...values: number[]): number | null {
  const ok = values.filter((v) => v >= 0 && v < Number.MAX_SAFE_INTEGER)
  return ok.length === 0 ? null : Math.min(...ok)
}

function placementOf(model: Model, assignment: Assignment, targets: Int32Array): PlacementEntry[] {
  return model.instances.map((inst): PlacementEntry => {
    const unit = model.units[inst.unit]
    if (inst.heldOn >= 0) return {resource: inst.id, node: model.nodes[inst.heldOn].name, status: 'held', reason: unit.pinnedWhy}
    if (!inst.managed) {
      return {resource: inst.id, node: inst.active.length > 0 ? model.nodes[inst.active[0]].name : null, status: 'unmanaged', reason: inst.unmanagedWhy}
    }
    const target = targets[inst.index]
    if (target >= 0) {
      const entry: PlacementEntry = {resource: inst.id, node: model.nodes[target].name, status: isFrozen(model, inst) ? 'frozen' : 'started'}
      if (unit.clone >= 0 && model.clones[unit.clone].promotable) {
        const frozenPromoted = entry.status === 'frozen' && inst.promotedOn === target
        entry.role = assignment.promoted[unit.index] === 1 || frozenPromoted ? 'Promoted' : 'Unpromoted'
      }
      if (entry.status === 'frozen') entry.reason = unit.pinnedWhy
      return entry
    }
    const why = instanceWhy(model, assignment, inst, -1) || inst.stopWhy || (model.canStart ? '' : model.quorumWhy) || 'cannot run'
    return {resource: inst.id, node: null, status: 'stopped', reason: why}
  })
}

export function scheduleInternals(config: ResourceConfig, state: ClusterState, traceIds: number[] = []): Internals {
  let model = unpack(config, state)
  const policy = propertyValue(config, 'no-quorum-policy')
  model.canStart = state.quorate || policy === 'ignore'
  model.quorumWhy = model.canStart ? '' : 'no quorum'
  if (traceIds.length > 0) model.trace = {units: new Set(traceIds), terms: []}
  const {failures, recheckAtMs: failureRecheck} = collectFailures(model)
  const {nodes, recheckAtMs: holdRecheck} = nodeEligibility(model, failures)
  model = {...model, nodes}
  const {instances, units} = instanceStatus(model, failures)
  model = {...model, instances, units}
  const colocations = withRoles(model, indexColocations(model))
  model = {...model, units: propagateStops(model, colocations)}
  const base = locationScores(model)
  addPromotionScores(model, base)
  const runnable = assignRunnable(model, base, colocations)
  model = runnable.model
  const assignment = runnable.assignment
  const plan = planActions(model, assignment)
  const actions = buildGraph(orderActions(model, plan, colocations), model.warnings)
  const changes = plan.changes
    .map((c, i) => ({c, i, key: c.kind === 'Fence' ? -1 : model.instanceIndex.get(c.resource) ?? 0}))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.c)
  const targets = new Int32Array(plan.plans.length)
  plan.plans.forEach((p, i) => (targets[i] = p.target))
  const result: ScheduleResult = {
    placement: placementOf(model, assignment, targets),
    transition: {actions},
    changes,
    recheckAtMs: minPositive(failureRecheck, holdRecheck, base.recheckAtMs),
    warnings: model.warnings,
    nextState: nextState(model, plan.plans, assignment.promoted),
  }
  return {model, base, assignment, result}
}

/** Where every resource should run, and the ordered actions that get it there. */
export function schedule(config: ResourceConfig, state: ClusterState): ScheduleResult {
  return scheduleInternals(config, state).result
}
