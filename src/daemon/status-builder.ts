// Builds what `hactl status` shows from the DC's books (or, without a DC, from
// this node's own knowledge). Pure: the clocks come with the input; times shown are wall-clock.
import {isPromotable} from '../core/config/roles.js'
import type {ClusterStatus, FenceEvent, OperationRecord, StatusFailure, StatusResource} from '../client/status.js'
import type {BootstrapConfig} from '../core/config/bootstrap-types.js'
import type {ResourceConfig} from '../core/config/types.js'
import {isFenceDevice} from '../core/orchestration/index.js'
import {balancerStatus, isBalancer} from '../core/balancer/index.js'
import type {NodeReport, OrchestratorState} from '../core/orchestration/types.js'
import type {ViewEvent} from './membership-service.js'

export interface StatusInput {
  bootstrap: BootstrapConfig
  config: ResourceConfig
  orchestrator: OrchestratorState
  view: ViewEvent | undefined
  localNode: string
  localReport: NodeReport
  source: 'dc' | 'local'
  /** Now on the wall clock, and a monotonic time of this process as a wall-clock time: what a person reads. */
  wallNowMs: number
  toWallMs(monoMs: number): number
  /** The fencing history this node knows (the DC's own, or the last one a DC published). */
  fencing?: FenceEvent[]
  /** The operations this DC heard of (empty elsewhere). */
  operations?: OperationRecord[]
}

/** Instance ids in configuration order, group members in their start order; clone instances after their primitive's place. */
function instancesOf(config: ResourceConfig, reports: Record<string, NodeReport>): string[] {
  const order: string[] = []
  const placed = new Set<string>()
  for (const r of config.resources) {
    if (isFenceDevice(r.agent) || placed.has(r.id)) continue
    const group = config.groups.find((g) => g.members.includes(r.id))
    for (const id of group ? group.members : [r.id]) {
      if (placed.has(id)) continue
      placed.add(id)
      order.push(id)
    }
  }
  const reported = new Set<string>()
  const active = new Set<string>()
  for (const report of Object.values(reports)) {
    for (const [id, r] of Object.entries(report)) {
      reported.add(id)
      if (r.role !== 'stopped') active.add(id)
    }
  }
  const cloned = new Set(config.clones.flatMap((c) => [c.child, ...(config.groups.find((g) => g.id === c.child)?.members ?? [])]))
  const out: string[] = []
  for (const id of order) {
    if (!cloned.has(id)) out.push(id)
    // A clone's copies, stopped ones too; copies of a resource no longer cloned only while active (orphans).
    out.push(...[...reported].filter((r) => r.startsWith(`${id}:`) && (cloned.has(id) || active.has(r))).sort())
  }
  // Orphans: reported active but no longer configured.
  out.push(...[...active].filter((r) => !placed.has(r) && !out.includes(r)).sort())
  return out
}

export function buildStatus(input: StatusInput): ClusterStatus {
  const {bootstrap, config, orchestrator, view, source} = input
  const members = new Set(view?.members.map((m) => m.name) ?? [input.localNode])
  // Only online nodes say where something runs: a lost node's last report is history.
  const reports: Record<string, NodeReport> = source === 'dc'
    ? Object.fromEntries(Object.entries(orchestrator.nodes).filter(([, book]) => book.online).map(([name, book]) => [name, book.resources]))
    : {[input.localNode]: input.localReport}
  const nodes = bootstrap.nodes.map((n) => {
    const declared = config.nodes.find((d) => d.name === n.name)
    const book = orchestrator.nodes[n.name]
    return {
      name: n.name, id: n.id, online: members.has(n.name),
      standby: declared?.standby === true || (source === 'dc' && book?.leaving === true),
      maintenance: declared?.maintenance === true,
      unclean: source === 'dc' && book?.unclean === true && !book.fenced,
    }
  })
  const resources: StatusResource[] = instancesOf(config, reports).map((id) => {
    const base = id.includes(':') && !config.resources.some((r) => r.id === id) ? id.slice(0, id.lastIndexOf(':')) : id
    const primitive = config.resources.find((r) => r.id === base)
    const group = config.groups.find((g) => g.members.includes(base))?.id ?? null
    const where = Object.entries(reports).filter(([, r]) => r[id]?.role === 'started' || r[id]?.role === 'promoted' || r[id]?.role === 'failed')
    const failed = where.some(([, r]) => r[id].role === 'failed')
    const meta = {...config.groups.find((g) => g.id === group)?.meta, ...primitive?.meta}
    const out: StatusResource = {
      id, agent: primitive?.agent ?? 'orphan', group, nodes: where.map(([name]) => name).sort(),
      role: meta['is-managed'] === 'false' ? 'unmanaged' : failed ? 'failed' : where.length > 0 ? 'started' : 'stopped',
      targetRole: meta['target-role'] ?? 'Started',
    }
    // Instances of promotable clones (issue 12): where they run Promoted; elsewhere they run Unpromoted.
    if (id !== base && config.clones.some((c) => isPromotable(c) && (c.child === base || c.child === group))) out.promotedOn = where.filter(([, r]) => r[id].role === 'promoted').map(([name]) => name).sort()
    return out
  })
  const failures: StatusFailure[] = []
  for (const [node, report] of Object.entries(reports)) {
    for (const [resource, r] of Object.entries(report)) {
      if (r.failCount > 0) failures.push({resource, node, op: r.failedOp ?? 'unknown', failCount: r.failCount, lastFailureMs: r.lastFailureMs === undefined ? null : Math.round(input.toWallMs(r.lastFailureMs))})
    }
  }
  const warnings = config.constraints.filter((c) => c.id.startsWith('cli-'))
    .map((c) => `constraint ${c.id} left by 'hactl resource ${c.id.startsWith('cli-ban') ? 'ban' : 'move'}' still applies: remove it with 'hactl resource clear ${c.type === 'location' ? c.resource : ''}'`)
  if (bootstrap.crypto === 'none') warnings.push('crypto is none: cluster traffic is neither authenticated nor encrypted')
  const t = orchestrator.transition
  const dcId = view?.quorate ? view.dc : null
  return {
    clusterName: bootstrap.cluster_name,
    dc: dcId === null || dcId === undefined ? null : bootstrap.nodes.find((n) => n.id === dcId)?.name ?? null,
    quorate: view?.quorate === true,
    viewId: view?.viewId ?? 0,
    epoch: config.epoch,
    source,
    localNode: input.localNode,
    nodes,
    resources,
    failures: failures.sort((a, b) => a.resource.localeCompare(b.resource) || a.node.localeCompare(b.node)),
    transition: source === 'dc' && t ? {id: t.id, summary: t.summary, done: Object.values(t.status).filter((s) => s === 'done').length, total: t.actions.length} : null,
    settled: source === 'dc' && t === undefined && !orchestrator.dirty && Object.values(orchestrator.nodes).every((b) => !b.online || b.reported),
    warnings,
    generatedAt: input.wallNowMs,
    ...(source === 'dc' && config.resources.some(isBalancer) ? {balancers: balancerStatus(orchestrator)} : {}),
    ...(input.fencing && input.fencing.length > 0 ? {fencing: input.fencing} : {}),
    ...(source === 'dc' && input.operations && input.operations.length > 0 ? {operations: input.operations} : {}),
  }
}
