// What an agent's answer means for this node's report (Pacemaker's LRM history):
// the role an instance is in, its fail count, when and in which operation it last
// failed. The local resource manager in the daemon runs the agents and keeps the
// report; every decision about what a result changes is taken here, pure.
import {booleanProperty} from '../config/booleans.js'
import {INFINITY} from '../config/scores.js'
import type {Primitive, ResourceConfig} from '../config/types.js'
import {isFenceDevice} from '../orchestration/index.js'
import type {InstanceReport} from '../orchestration/types.js'

/** An agent's answer as far as the bookkeeping cares: how it ran, and its OCF code when it answered. */
export interface AgentOutcome {
  status: 'done' | 'timeout' | 'not-installed' | 'cancelled' | 'error' | string
  ocfCode: number | null
}

/** OCF success, degraded (190, 191) included: the instance is running. */
export function isRunning(outcome: AgentOutcome): boolean {
  return outcome.status === 'done' && (outcome.ocfCode === 0 || outcome.ocfCode === 190 || outcome.ocfCode === 191)
}

/** OCF_RUNNING_PROMOTED: the instance runs in the Promoted role. */
export const OCF_RUNNING_PROMOTED = 8

/** Not running and never was: OCF_NOT_RUNNING, or the agent is not installed here. */
function isNotRunning(outcome: AgentOutcome): boolean {
  return outcome.status === 'not-installed' || outcome.ocfCode === 7 || outcome.ocfCode === 5
}

export type ProbeVerdict = 'running' | 'stopped' | 'failed'

/** A probe (one-off monitor): running, stopped, or failed (anything else: the instance may be half active). */
export function afterProbe(previous: InstanceReport | undefined, outcome: AgentOutcome): {report: InstanceReport, verdict: ProbeVerdict} {
  const failCount = previous?.failCount ?? 0
  if (isRunning(outcome)) return {report: {role: 'started', failCount}, verdict: 'running'}
  // A promotable clone's instance found Promoted (8); 9 (failed as promoted) is a failure below.
  if (outcome.status === 'done' && outcome.ocfCode === OCF_RUNNING_PROMOTED) return {report: {role: 'promoted', failCount}, verdict: 'running'}
  if (isNotRunning(outcome)) return {report: {...previous, role: 'stopped', failCount}, verdict: 'stopped'}
  return {report: {role: 'failed', failCount, failedOp: 'probe'}, verdict: 'failed'}
}

export type ActionOp = 'start' | 'stop' | 'migrate_to' | 'migrate_from' | 'promote' | 'demote' | 'notify' | 'reload' | 'reload-agent'

/** The role an instance has after a successful operation (promote: Promoted; demote, start: Unpromoted = started). */
function roleAfter(op: ActionOp, before: InstanceReport): InstanceReport['role'] {
  switch (op) {
  case 'stop': case 'migrate_to': return 'stopped'
  case 'promote': return 'promoted'
  case 'demote': case 'start': case 'migrate_from': return 'started'
  default: return before.role
  }
}

/**
 * A dispatched start, stop or migration finished. Success sets the role; failure
 * marks the instance failed and counts: a failed start counts INFINITY unless
 * start-failure-is-fatal=false (Pacemaker's rule), anything else one more; an
 * operation this node cancelled (quorum lost) leaves it failed without counting.
 */
export function afterAction(config: ResourceConfig, previous: InstanceReport | undefined, op: ActionOp, outcome: AgentOutcome, nowMs: number): {ok: boolean, report: InstanceReport} {
  const ok = outcome.status === 'done' && outcome.ocfCode === 0
  const before = previous ?? {role: 'stopped', failCount: 0}
  if (ok) return {ok, report: {...before, role: roleAfter(op, before)}}
  // A failed notification changes nothing (Pacemaker ignores notify results); the shell logs it.
  if (op === 'notify') return {ok: true, report: before}
  // Cancelled by this node (it lost quorum): maybe half done, so failed (to be stopped), but not the resource's fault.
  if (outcome.status === 'cancelled') return {ok, report: {...before, role: 'failed', failedOp: op}}
  const fatal = op === 'start' && booleanProperty(config, 'start-failure-is-fatal')
  return {ok, report: {role: 'failed', failCount: fatal ? INFINITY : Math.min(INFINITY, before.failCount + 1), lastFailureMs: nowMs, failedOp: op}}
}

/**
 * A recurring monitor answered. Null when nothing changes (it runs, or the
 * instance is not known as started here, or the monitor was cancelled); otherwise
 * the failed instance, one more failure counted.
 */
export function afterMonitor(current: InstanceReport | undefined, outcome: AgentOutcome, nowMs: number): InstanceReport | null {
  if (!current || (current.role !== 'started' && current.role !== 'promoted')) return null
  if (outcome.status === 'cancelled') return null
  // Each role has its success: 8 for a Promoted instance, 0 (or degraded) for a started or
  // Unpromoted one. The other is a role mismatch: a failure, as in Pacemaker.
  if (current.role === 'promoted' ? outcome.status === 'done' && outcome.ocfCode === OCF_RUNNING_PROMOTED : isRunning(outcome)) return null
  return {role: 'failed', failCount: Math.min(INFINITY, current.failCount + 1), lastFailureMs: nowMs, failedOp: 'monitor'}
}

/** Instances this node must stop to hold nothing: started or failed (a failed one may be half active). */
export function isActive(report: InstanceReport | undefined): boolean {
  return report !== undefined && (report.role === 'started' || report.role === 'promoted' || report.role === 'failed')
}

/** `web:2` -> the primitive `web` (clone instance); a plain id is its own primitive. */
export function primitiveOf(config: ResourceConfig, instance: string): Primitive | undefined {
  const direct = config.resources.find((r) => r.id === instance)
  if (direct) return direct
  const at = instance.lastIndexOf(':')
  return at < 0 ? undefined : config.resources.find((r) => r.id === instance.slice(0, at))
}


/** The instances this node may have to probe: primitives, and clone instances by their clone's primitive. */
export function probeTargets(config: ResourceConfig): string[] {
  const cloned = new Set<string>()
  for (const clone of config.clones) {
    const group = config.groups.find((g) => g.id === clone.child)
    for (const member of group ? group.members : [clone.child]) cloned.add(member)
  }
  // A clone's copy found running is reported as its instance 0 on this node; the
  // engine then keeps or stops it like any other instance.
  return config.resources.filter((r) => !isFenceDevice(r.agent)).map((r) => cloned.has(r.id) ? `${r.id}:0` : r.id)
}

