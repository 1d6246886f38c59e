// Phase 8: the actions that take each instance from where it is to where it was
// assigned, each with its reason, and the summary line it shows as.
import {parseDurationMs} from '../config/durations.js'
import type {Assignment} from './assign.js'
import {isFrozen, isTrue, type Instance, type Model} from './model.js'
import {cascadeRestarts} from './restarts.js'
import {definitionChange} from './digest.js'
import {planRoles} from './roles.js'

export type ActionOp = 'start' | 'stop' | 'monitor' | 'migrate_to' | 'migrate_from' | 'fence' | 'reload-agent' | 'promote' | 'demote' | 'notify'

/** What a clone notification tells its instances (Pacemaker's notify action, clone meta notify=true). */
export interface NotifyInfo {
  type: 'pre' | 'post'
  operation: 'start' | 'stop' | 'promote' | 'demote'
  /** OCF_RESKEY_CRM_meta_notify_* variables, space-separated lists as Pacemaker passes them. */
  env: Record<string, string>
}

export interface Action {
  id: string
  op: ActionOp
  /** Instance id (absent for fence). */
  resource?: string
  node: string
  /** Recurring monitors only. */
  intervalMs?: number
  /** Recurring monitors of a promotable clone's instance: the role they check (the role after the transition). */
  role?: 'Promoted' | 'Unpromoted'
  /** Notify actions only. */
  notify?: NotifyInfo
  reason: string
  dependsOn: string[]
}

export type ChangeKind = 'Fence' | 'Start' | 'Stop' | 'Move' | 'Migrate' | 'Recover' | 'Restart' | 'Reload' | 'Hold' | 'Promote' | 'Demote'

/** A role in a summary line: Stopped, or running as Unpromoted or Promoted. */
export type ChangeRole = 'Stopped' | 'Unpromoted' | 'Promoted'

export interface Change {
  kind: ChangeKind
  /** Instance id, or node name for Fence. */
  resource: string
  from?: string
  to?: string
  reason: string
  /** For Hold: when the engine should run again. */
  untilMs?: number
  /** A promotable clone's instance: its role before and after (Promote: Unpromoted or Stopped -> Promoted). */
  fromRole?: ChangeRole
  toRole?: ChangeRole
}

/** The actions of one instance, by role in the orderings. */
export interface InstancePlan {
  target: number
  stops: Action[]
  /** The first action of bringing it up (start or migrate_to) and the one that completes it (start or migrate_from). */
  startEntry?: Action
  startDone?: Action
  monitors: Action[]
  /** reload-agent where it runs: only reloadable parameters changed (src/core/policy/digest.ts). */
  reload?: Action
  restart: boolean
  restartWhy: string
  /** A promotable clone's instance: the demote before its stops (or alone), the promote after its start (or alone). */
  demote?: Action
  promote?: Action
}

export interface ActionPlan {
  plans: InstancePlan[]
  fences: Map<number, Action>
  changes: Change[]
}

/** Pacemaker's reason for a restart or reload after `resource update`. */
export const DEFINITION_CHANGE = 'resource definition change'

/** What an action is for when nothing more specific applies: every action states a reason. */
const DEFAULT_REASON: Record<ActionOp, string> = {
  start: 'assigned to this node', stop: 'no longer wanted here', monitor: 'recurring monitor', migrate_to: 'moving', migrate_from: 'moving', fence: 'node must be fenced',
  promote: 'chosen to be promoted', demote: 'no longer promoted', notify: 'clone notification',
  'reload-agent': DEFINITION_CHANGE,
}

export function act(op: ActionOp, resource: string | undefined, node: string, why: string, intervalMs?: number): Action {
  const reason = why === '' ? DEFAULT_REASON[op] : why
  const id = op === 'fence' ? `fence_${node}` : intervalMs === undefined ? `${resource}_${op}_${node}` : `${resource}_${op}_${intervalMs}_${node}`
  // Key order is the JSON output's: id, op, resource, node, interval, reason, dependencies (literal shapes: no spreads in a hot path).
  if (resource === undefined) return {id, op, node, reason, dependsOn: []}
  if (intervalMs === undefined) return {id, op, resource, node, reason, dependsOn: []}
  return {id, op, resource, node, intervalMs, reason, dependsOn: []}
}

const intervalCache = new Map<string, number>()

function intervalMs(text: string): number {
  let ms = intervalCache.get(text)
  if (ms === undefined) {
    ms = parseDurationMs(text) ?? 0
    if (intervalCache.size < 1000) intervalCache.set(text, ms)
  }
  return ms
}

/**
 * The recurring monitors of an instance on a node. A promotable clone's instance runs the monitors
 * of its role (ops without a role serve every role, as in Pacemaker); `role` is the role it will have.
 */
export function monitorsOf(inst: Instance, node: string, reason: string, role?: 'Promoted' | 'Unpromoted'): Action[] {
  const out: Action[] = []
  for (const op of inst.primitive.operations) {
    if (op.name !== 'monitor') continue
    const ms = intervalMs(op.interval)
    if (ms <= 0) continue
    if (role === undefined) {
      if (op.role !== 'Promoted') out.push(act('monitor', inst.id, node, reason, ms))
      continue
    }
    if (op.role !== undefined && op.role !== role) continue
    const monitor = act('monitor', inst.id, node, reason, ms)
    monitor.role = role
    out.push(monitor)
  }
  return out
}

/** Where each instance should run: its unit's node, if its member runs there and may start. */
export function targets(model: Model, assignment: Assignment): Int32Array {
  const target = new Int32Array(model.instances.length).fill(-1)
  for (const inst of model.instances) {
    if (isFrozen(model, inst)) {
      target[inst.index] = inst.active[0]
      continue
    }
    const node = assignment.node[inst.unit]
    if (node < 0 || inst.member >= assignment.running[inst.unit]) continue
    const here = inst.active.includes(node)
    // Nothing starts without quorum, and nothing starts on a node that cannot host (a pinned unit's lost node).
    if (!here && (!model.canStart || model.nodes[node].cannotHost !== '')) continue
    target[inst.index] = node
  }
  return target
}

/** Why the instance's unit is placed as it is ('' when it stays): the reason of its actions. */
interface Why {
  unit: string
}

function plainPlan(target: number): InstancePlan {
  return {target, stops: [], monitors: [], restart: false, restartWhy: ''}
}

export class Planner {
  readonly changes: Change[] = []
  constructor(private readonly model: Model) {}

  name(n: number): string {
    return this.model.nodes[n].name
  }

  plan(inst: Instance, target: number, why: Why): InstancePlan {
    const plan = plainPlan(target)
    if (inst.heldOn >= 0) {
      const node = this.model.nodes[inst.heldOn]
      this.changes.push({kind: 'Hold', resource: inst.id, from: node.name, reason: this.model.units[inst.unit].pinnedWhy, untilMs: inst.heldUntilMs})
      return plan
    }
    if (!inst.managed || isFrozen(this.model, inst)) return plan
    const active = inst.active
    if (active.length > 1) return this.multipleActive(inst, plan)
    const from = active.length === 1 ? active[0] : -1
    const failed = from >= 0 && inst.failed.includes(from)
    if (from < 0) {
      if (target < 0) return plan
      const gone = inst.fencedOn[0] ?? inst.expiredOn[0] ?? -1
      const reason = gone < 0 ? why.unit : this.goneWhy(inst, gone)
      this.up(inst, plan, target, reason)
      const wasFailed = gone >= 0 && this.model.state.resources[inst.id]?.nodes[this.name(gone)]?.role === 'failed'
      this.changes.push(gone < 0
        ? {kind: 'Start', resource: inst.id, to: this.name(target), reason: ''}
        : {kind: wasFailed ? 'Recover' : 'Move', resource: inst.id, from: this.name(gone), to: this.name(target), reason})
      return plan
    }
    if (target < 0) {
      plan.stops.push(act('stop', inst.id, this.name(from), why.unit))
      this.changes.push({kind: 'Stop', resource: inst.id, from: this.name(from), reason: why.unit})
      return plan
    }
    if (target === from && !failed) return this.redefined(inst, plan, from)
    if (failed) {
      const reason = `${inst.id} failed on ${this.name(from)}`
      plan.stops.push(act('stop', inst.id, this.name(from), reason))
      this.up(inst, plan, target, target === from ? reason : why.unit || reason)
      this.changes.push({kind: 'Recover', resource: inst.id, from: this.name(from), to: target === from ? undefined : this.name(target), reason: target === from ? '' : why.unit})
      return plan
    }
    if (this.canMigrate(inst)) {
      const to = act('migrate_to', inst.id, this.name(from), why.unit)
      const done = act('migrate_from', inst.id, this.name(target), why.unit)
      done.dependsOn.push(to.id)
      const stop = act('stop', inst.id, this.name(from), why.unit)
      stop.dependsOn.push(done.id)
      plan.startEntry = to
      plan.startDone = done
      plan.stops.push(stop)
      plan.monitors = monitorsOf(inst, this.name(target), why.unit)
      this.changes.push({kind: 'Migrate', resource: inst.id, from: this.name(from), to: this.name(target), reason: why.unit})
      return plan
    }
    plan.stops.push(act('stop', inst.id, this.name(from), why.unit))
    this.up(inst, plan, target, why.unit)
    this.changes.push({kind: 'Move', resource: inst.id, from: this.name(from), to: this.name(target), reason: why.unit})
    return plan
  }

  /** Running where it stays: restarted (or reloaded) when its parameters differ from those it was started with. */
  private redefined(inst: Instance, plan: InstancePlan, node: number): InstancePlan {
    const change = definitionChange(inst.primitive.params, this.model.state.resources[inst.id]?.nodes[this.name(node)])
    if (change === 'restart') this.restart(inst, plan, DEFINITION_CHANGE)
    if (change === 'reload') {
      plan.reload = act('reload-agent', inst.id, this.name(node), DEFINITION_CHANGE)
      this.changes.push({kind: 'Reload', resource: inst.id, from: this.name(node), reason: DEFINITION_CHANGE})
    }
    return plan
  }

  private goneWhy(inst: Instance, gone: number): string {
    if (inst.fencedOn.includes(gone)) return 'node fenced'
    const s = this.model.state.nodes[this.name(gone)]
    if (s?.fenced) return 'node fenced'
    return s?.unclean ? 'node lost and safety delay passed' : 'node offline'
  }

  /**
   * Only a plain primitive migrates: not a group member or clone instance, and not a resource in an order
   * constraint, whose ordering a migration (up before down) could not keep. Pacemaker has similar limits.
   */
  private canMigrate(inst: Instance): boolean {
    const unit = this.model.units[inst.unit]
    this.ordered ??= new Set(this.model.config.constraints.flatMap((c) => (c.type === 'order' ? [c.first, c.then] : [])))
    return isTrue(inst.meta('allow-migrate')) && inst.migratable && unit.instances.length === 1 && unit.clone < 0 && !unit.names.some((n) => this.ordered!.has(n))
  }

  private ordered?: Set<string>

  private up(inst: Instance, plan: InstancePlan, target: number, reason: string): void {
    const start = act('start', inst.id, this.name(target), reason)
    plan.startEntry = start
    plan.startDone = start
    plan.monitors = monitorsOf(inst, this.name(target), reason)
  }

  /** multiple-active: stop_start stops every copy and starts one; stop_only stops all; stop_unexpected keeps the assigned one. */
  private multipleActive(inst: Instance, plan: InstancePlan): InstancePlan {
    const reason = `${inst.id} is active on ${inst.active.map((n) => this.name(n)).join(', ')}`
    const keep = inst.meta('multiple-active') === 'stop_unexpected' && inst.active.includes(plan.target) && !inst.failed.includes(plan.target) ? plan.target : -1
    for (const n of inst.active) {
      if (n === keep) continue
      plan.stops.push(act('stop', inst.id, this.name(n), reason))
      if (n !== plan.target) this.changes.push({kind: 'Stop', resource: inst.id, from: this.name(n), reason: inst.stopKind === 'multiple-active' ? inst.stopWhy : 'multiple active'})
    }
    if (plan.target >= 0 && keep < 0) {
      this.up(inst, plan, plan.target, reason)
      const kind = inst.active.includes(plan.target) ? 'Restart' : 'Start'
      this.changes.push({kind, resource: inst.id, to: this.name(plan.target), from: kind === 'Restart' ? this.name(plan.target) : undefined, reason: 'multiple active'})
    }
    return plan
  }

  /** A restart supersedes a reload of the same instance. */
  private dropReload(inst: Instance, plan: InstancePlan): void {
    plan.reload = undefined
    const at = this.changes.findIndex((c) => c.kind === 'Reload' && c.resource === inst.id)
    if (at >= 0) this.changes.splice(at, 1)
  }

  restart(inst: Instance, plan: InstancePlan, why: string): void {
    const node = this.name(plan.target)
    plan.restart = true
    plan.restartWhy = why
    if (plan.reload) this.dropReload(inst, plan)
    plan.stops.push(act('stop', inst.id, node, why))
    this.up(inst, plan, plan.target, why)
    this.changes.push({kind: 'Restart', resource: inst.id, from: node, reason: why})
  }
}

export function instanceWhy(model: Model, assignment: Assignment, inst: Instance, target: number): string {
  const unitWhy = assignment.why[inst.unit]
  if (unitWhy !== '' || target >= 0) return unitWhy
  const node = assignment.node[inst.unit]
  if (node < 0) return unitWhy
  if (inst.stopWhy !== '') return inst.stopWhy
  if (!model.canStart) return model.quorumWhy
  const first = model.instances[model.units[inst.unit].instances[assignment.running[inst.unit]]]
  return first === inst ? `${inst.id} cannot run on ${model.nodes[node].name}` : `required ${first.id} cannot run on ${model.nodes[node].name}`
}

/** Both sides clones, and the dependent one interleaved: orderings hold per node. */
export function interleaved(model: Model, first: number[], then: number[]): boolean {
  if (first.length === 0 || then.length === 0) return false
  const firstClone = model.units[model.instances[first[0]].unit].clone
  const thenClone = model.units[model.instances[then[0]].unit].clone
  return firstClone >= 0 && thenClone >= 0 && model.clones[thenClone].interleave
}

export function unitInstances(model: Model, name: string): number[] {
  return (model.unitsByName.get(name) ?? []).flatMap((u) => model.units[u].instances)
}

export function planActions(model: Model, assignment: Assignment): ActionPlan {
  const target = targets(model, assignment)
  const planner = new Planner(model)
  const fences = new Map<number, Action>()
  for (const node of model.nodes) {
    if (node.fenceWhy === '') continue
    fences.set(node.index, act('fence', undefined, node.name, node.fenceWhy))
    planner.changes.push({kind: 'Fence', resource: node.name, reason: node.fenceWhy})
  }
  const plans = model.instances.map((inst) => planner.plan(inst, target[inst.index], {unit: instanceWhy(model, assignment, inst, target[inst.index])}))
  cascadeRestarts(model, planner, plans)
  planRoles(model, assignment, planner, plans)
  return {plans, fences, changes: planner.changes}
}
