import type {ClusterStatus} from '../client/status.js'
import {renderBalancers} from './render-balancers.js'

/** crm_mon-like text of a status. */
export function renderStatus(s: ClusterStatus): string {
  const lines: string[] = []
  lines.push(`Cluster: ${s.clusterName}`)
  lines.push(`  DC: ${s.dc ?? 'none'}  quorum: ${s.quorate ? 'yes' : 'NO'}  view: ${s.viewId}  epoch: ${s.epoch}${s.source === 'local' ? `  (as seen by ${s.localNode} alone: no DC in this partition)` : ''}`)
  lines.push(`  Last updated: ${new Date(s.generatedAt).toISOString()} on ${s.localNode}`)
  const online = s.nodes.filter((n) => n.online && !n.standby && !n.maintenance).map((n) => n.name)
  const standby = s.nodes.filter((n) => n.online && n.standby).map((n) => n.name)
  const maintenance = s.nodes.filter((n) => n.online && n.maintenance).map((n) => n.name)
  const offline = s.nodes.filter((n) => !n.online).map((n) => n.unclean ? `${n.name} (UNCLEAN)` : n.name)
  lines.push('', 'Nodes:')
  if (online.length) lines.push(`  * Online: [ ${online.join(' ')} ]`)
  if (standby.length) lines.push(`  * Standby: [ ${standby.join(' ')} ]`)
  if (maintenance.length) lines.push(`  * Maintenance: [ ${maintenance.join(' ')} ]`)
  if (offline.length) lines.push(`  * OFFLINE: [ ${offline.join(' ')} ]`)
  lines.push('', 'Resources:')
  if (s.resources.length === 0) lines.push('  * No resources')
  let group: string | null = null
  for (const r of s.resources) {
    if (r.group !== group && r.group !== null) lines.push(`  * Resource Group: ${r.group}:`)
    group = r.group
    const indent = r.group === null ? '  ' : '    '
    const state = r.role === 'started' ? `Started ${r.nodes.join(' ')}` : r.role === 'failed' ? `FAILED ${r.nodes.join(' ')}`
      : r.role === 'unmanaged' ? `(unmanaged) ${r.nodes.join(' ')}` : `Stopped${r.targetRole === 'Stopped' ? ' (disabled)' : ''}`
    lines.push(`${indent}* ${r.id}\t(${r.agent}):\t ${state.trim()}`)
  }
  lines.push(...renderBalancers(s))
  if (s.failures.length) {
    lines.push('', 'Failed Resource Actions:')
    for (const f of s.failures) {
      lines.push(`  * ${f.resource} ${f.op} on ${f.node}: ${f.failCount >= 1_000_000 ? 'INFINITY' : f.failCount} failure${f.failCount === 1 ? '' : 's'}${f.lastFailureMs ? ` (last ${new Date(f.lastFailureMs).toISOString()})` : ''}`)
    }
  }
  if (s.transition) lines.push('', `Transition ${s.transition.id} in progress: ${s.transition.done}/${s.transition.total} actions done`, ...s.transition.summary.map((l) => `  ${l.trim()}`))
  if (s.warnings.length) lines.push('', 'Warnings:', ...s.warnings.map((w) => `  * ${w}`))
  return lines.join('\n')
}
