// Phase 3: which nodes may host resources, which are fenced, which hold their
// resources until fenced or until the safety delay has passed.
import {parseDurationMs} from '../config/durations.js'
import {isTrue} from '../config/booleans.js'
import {propertyValue} from '../config/defaults.js'
import type {Primitive} from '../config/types.js'
import {ADDRESS_DROP_BUDGET_MS, isGuardedAddress} from '../guard/budget.js'
import type {Failure} from './failures.js'
import type {Model, NodeInfo} from './model.js'

/** Corosync's default token timeout, when the state does not say. */
const DEFAULT_TOKEN_TIMEOUT_MS = 3_000
/**
 * How long a node that lost quorum has to stop its resources (no-quorum-policy=stop).
 * Its daemon stops everything the moment it cannot reach a majority, in parallel,
 * and logs a critical error when that takes longer than this budget; hactl's own
 * vip and dummy agents stop in milliseconds. Resources that need longer to stop
 * need fencing or a larger safety-delay.
 */
export const NO_QUORUM_STOP_BUDGET_MS = 150

/**
 * The stop budget of one resource: a VIP is removed by the resource guard, not by
 * its agent (src/core/guard/budget.ts says what the guard proves); anything else
 * gets the agents' budget. A group member gets its group's longest, so a group
 * is held, and recovered, as one.
 */
export function stopBudgetMs(model: Pick<Model, 'config'>, primitive: Primitive): number {
  const group = model.config.groups.find((g) => g.members.includes(primitive.id))
  const members = group ? group.members.map((id) => model.config.resources.find((r) => r.id === id) ?? primitive) : [primitive]
  return members.every(isGuardedAddress) ? ADDRESS_DROP_BUDGET_MS : NO_QUORUM_STOP_BUDGET_MS
}

/**
 * With fencing disabled, a lost node's resources are recovered once it has
 * surely stopped them. It was last heard at lostAtMs, noticed the loss of
 * quorum within one token timeout of that, and stopped everything within the
 * stop budget: the longest one without `primitive`, that resource's with it. A
 * configured safety-delay replaces the computed one.
 */
export function safetyDelayMs(model: Pick<Model, 'config' | 'state'>, primitive?: Primitive): number {
  const configured = parseDurationMs(propertyValue(model.config, 'safety-delay')) ?? 0
  if (configured > 0) return configured
  const budget = primitive ? stopBudgetMs(model, primitive) : Math.max(NO_QUORUM_STOP_BUDGET_MS, ADDRESS_DROP_BUDGET_MS)
  return (model.state.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS) + budget
}

export function mayFence(model: Model): boolean {
  return model.stonith && (model.state.quorate || propertyValue(model.config, 'no-quorum-policy') === 'ignore')
}

export function nodeEligibility(model: Model, failures: Failure[]): {nodes: NodeInfo[], recheckAtMs: number} {
  const standbyBy = new Map<number, string>()
  const fenceBy = new Map<number, string>()
  for (const f of failures) {
    // Only a failure on a live node acts on the node; an unmanaged resource's failure acts on nothing.
    if (f.record.role !== 'failed' || model.state.nodes[model.nodes[f.node].name]?.online === false) continue
    const managed = model.instances[f.instance].meta('is-managed')
    if (!isTrue(managed, true)) continue
    const what = `${model.instances[f.instance].id} ${f.op} failed`
    if (f.onFail === 'standby' && !standbyBy.has(f.node)) standbyBy.set(f.node, `${what} (on-fail=standby)`)
    if (f.onFail === 'fence' && mayFence(model) && !fenceBy.has(f.node)) fenceBy.set(f.node, `${what} (on-fail=fence)`)
  }
  const delay = safetyDelayMs(model)
  let recheckAtMs = -1
  const nodes = model.nodes.map((node): NodeInfo => {
    const s = model.state.nodes[node.name] ?? {online: true}
    const configStandby = model.config.nodes[node.index].standby
    const lost = !s.online && s.unclean === true && s.fenced !== true
    let fenceWhy = fenceBy.get(node.index) ?? ''
    let holdUntilMs = -1
    let lostAtMs = -1
    if (lost && mayFence(model)) fenceWhy = 'node left the membership uncleanly'
    else if (lost && !model.stonith) {
      const until = (s.lostAtMs ?? model.state.nowMs) + delay
      if (model.state.nowMs < until) {
        holdUntilMs = until
        lostAtMs = s.lostAtMs ?? model.state.nowMs
        if (recheckAtMs < 0 || until < recheckAtMs) recheckAtMs = until
      }
    } else if (lost) holdUntilMs = Number.MAX_SAFE_INTEGER // Fencing is required but not allowed without quorum.
    let cannotHost = ''
    let standbyOnFail = false
    if (fenceWhy !== '') cannotHost = 'node fencing'
    else if (lost) cannotHost = 'node lost uncleanly'
    else if (!s.online) cannotHost = 'node offline'
    else if (configStandby || s.standby === true) cannotHost = 'node standby'
    else if (standbyBy.has(node.index)) {
      cannotHost = `node standby (${standbyBy.get(node.index)})`
      standbyOnFail = true
    } else if (node.maintenance) cannotHost = 'node maintenance'
    return {...node, online: s.online && fenceWhy === '', cannotHost, standbyOnFail, fenceWhy, holdUntilMs, lostAtMs}
  })
  return {nodes, recheckAtMs}
}
