// Phase 2: fail counts. failure-timeout forgets old failures; on-fail decides
// what a failed operation does (Pacemaker's defaults: a failed stop fences when
// fencing is enabled and blocks otherwise; every other failure restarts).
import {parseDurationMs} from '../config/durations.js'
import {propertyValue} from '../config/defaults.js'
import type {Instance, Model, OnFail} from './model.js'
import type {InstanceOnNode} from './state.js'

export interface Failure {
  instance: number
  node: number
  record: InstanceOnNode
  /** Unexpired fail count. */
  count: number
  onFail: OnFail
  op: string
}

const ON_FAIL: readonly string[] = ['restart', 'ignore', 'stop', 'block', 'standby', 'fence', 'demote']

/** Did the instance fail in the Promoted role (a Promoted monitor, or a promote or demote)? */
export function failedPromoted(record: InstanceOnNode): boolean {
  return record.failedRole === 'Promoted' || record.failedOp === 'promote' || record.failedOp === 'demote'
}

export function onFailOf(model: Model, inst: Instance, op: string, role?: 'Promoted' | 'Unpromoted'): OnFail {
  const ops = inst.primitive.operations.filter((o) => o.name === op)
  // The operation of the role it failed in, else one without a role, else the first of that name.
  const configured = (ops.find((o) => role !== undefined && o.role === role) ?? ops.find((o) => o.role === undefined) ?? ops[0])?.onFail
  if (configured !== undefined && ON_FAIL.includes(configured)) return configured as OnFail
  const byDefault = model.config.opDefaults?.['on-fail']
  if (byDefault !== undefined && ON_FAIL.includes(byDefault)) return byDefault as OnFail
  if (op === 'stop') return model.stonith ? 'fence' : 'block'
  return 'restart'
}

function failureTimeoutMs(model: Model, inst: Instance): number {
  const text = inst.meta('failure-timeout') ?? propertyValue(model.config, 'failure-timeout')
  return parseDurationMs(text) ?? 0
}

/** The failures that still count, and the earliest time one of them expires. */
export function collectFailures(model: Model): {failures: Failure[], recheckAtMs: number} {
  const failures: Failure[] = []
  let recheckAtMs = -1
  const now = model.state.nowMs
  for (const inst of model.instances) {
    const entry = model.state.resources[inst.id]
    if (!entry) continue
    const timeout = failureTimeoutMs(model, inst)
    for (const [nodeName, record] of Object.entries(entry.nodes)) {
      const node = model.nodeIndex.get(nodeName)
      if (node === undefined) continue
      let count = record.failCount ?? 0
      if (count > 0 && timeout > 0 && record.lastFailureMs !== undefined) {
        const expiresAt = record.lastFailureMs + timeout
        if (now >= expiresAt) count = 0
        else if (recheckAtMs < 0 || expiresAt < recheckAtMs) recheckAtMs = expiresAt
      }
      if (count === 0 && record.role !== 'failed') continue
      const op = record.failedOp ?? 'monitor'
      // on-fail=demote only demotes what failed in the Promoted role; anything else restarts (Pacemaker).
      let onFail = onFailOf(model, inst, op, record.failedRole ?? (failedPromoted(record) ? 'Promoted' : undefined))
      if (onFail === 'demote' && !failedPromoted(record)) onFail = 'restart'
      failures.push({instance: inst.index, node, record, count, onFail, op})
    }
  }
  return {failures, recheckAtMs}
}
