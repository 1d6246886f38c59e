import {inputError} from './errors.js'
import type {ClusterStatus, FenceEvent, StatusResource} from '../client/status.js'
import {propertyValue} from '../core/config/defaults.js'
import type {ResourceConfig} from '../core/config/types.js'
import {humanizeTimes} from './human-time.js'
import {renderBalancers} from './render-balancers.js'

const TRUE = /^(true|yes|on|1|y)$/i

function isFenceAgent(agent: string): boolean {
  return agent.startsWith('fence:') || agent.startsWith('stonith:')
}

/** The fence devices of a configuration: primitives run by the DC's fencer, never placed on a node. */
export function fenceDevices(config: ResourceConfig): ResourceConfig['resources'] {
  return config.resources.filter((r) => isFenceAgent(r.agent))
}

/**
 * What the cluster as a whole is doing that a list of resources does not show:
 * management disabled, fencing on without a device, fencing off. From the
 * configuration the status was built from (config.get).
 */
export function clusterNotices(config: ResourceConfig): {banner: string[], warnings: string[]} {
  const banner: string[] = []
  const warnings: string[] = []
  if (TRUE.test(propertyValue(config, 'maintenance-mode'))) {
    banner.push('              *** Resource management is DISABLED ***', '  The cluster will not attempt to start, stop or recover services (maintenance-mode=true)')
  }
  if (TRUE.test(propertyValue(config, 'stop-all-resources'))) banner.push('  *** All resources are being stopped (stop-all-resources=true) ***')
  const devices = fenceDevices(config)
  if (TRUE.test(propertyValue(config, 'stonith-enabled'))) {
    if (devices.length === 0) warnings.push('fencing is enabled (stonith-enabled=true) but no fence device is configured: a node lost uncleanly cannot be fenced and its resources will not be recovered; add one with \'hactl stonith create\'')
  } else {
    warnings.push('fencing is disabled (stonith-enabled=false): recovery relies on the safety delay, which is only safe while a lost node\'s host keeps running its resource guard; a whole-host freeze (hung kernel, paused VM) is only safe with fencing')
  }
  return {banner, warnings}
}

/** Why a resource is not managed now, from the configuration: maintenance-mode, is-managed=false, or its node in maintenance. */
function unmanagedWhy(r: StatusResource, config: ResourceConfig | undefined, maintenanceNodes: Set<string>): string | undefined {
  if (r.role === 'unmanaged') return 'unmanaged'
  if (!config) return undefined
  if (TRUE.test(propertyValue(config, 'maintenance-mode'))) return 'unmanaged'
  if (r.nodes.some((n) => maintenanceNodes.has(n))) return 'unmanaged'
  return undefined
}

export interface RenderOptions {
  /** The configuration the status was built from: adds the cluster-wide states. */
  config?: ResourceConfig
  /** crm_mon -A -f: node attributes, fail counts per node, fence devices, inactive resources. */
  full?: boolean
}

/** crm_mon-like text of a status. */
export function renderStatus(s: ClusterStatus, options: RenderOptions = {}): string {
  const {config} = options
  const notices = config ? clusterNotices(config) : {banner: [], warnings: []}
  const lines: string[] = []
  lines.push(`Cluster: ${s.clusterName}`)
  lines.push(`  DC: ${s.dc ?? 'none'}  quorum: ${s.quorate ? 'yes' : 'NO'}  view: ${s.viewId}  epoch: ${s.epoch}${s.source === 'local' ? `  (as seen by ${s.localNode} alone: no DC in this partition)` : ''}`)
  lines.push(`  Last updated: ${new Date(s.generatedAt).toISOString()} on ${s.localNode}`)
  if (notices.banner.length) lines.push('', ...notices.banner)
  const online = s.nodes.filter((n) => n.online && !n.standby && !n.maintenance).map((n) => n.name)
  const standby = s.nodes.filter((n) => n.online && n.standby).map((n) => n.name)
  const maintenance = s.nodes.filter((n) => n.online && n.maintenance).map((n) => n.name)
  const offline = s.nodes.filter((n) => !n.online).map((n) => `${n.name}${n.unclean ? ' (UNCLEAN)' : ''}${n.maintenance ? ' (maintenance)' : ''}`)
  const maintenanceNodes = new Set(s.nodes.filter((n) => n.maintenance).map((n) => n.name))
  lines.push('', 'Nodes:')
  if (online.length) lines.push(`  * Online: [ ${online.join(' ')} ]`)
  if (standby.length) lines.push(`  * Standby: [ ${standby.join(' ')} ]`)
  if (maintenance.length) lines.push(`  * Maintenance: [ ${maintenance.join(' ')} ]`)
  if (offline.length) lines.push(`  * OFFLINE: [ ${offline.join(' ')} ]`)
  lines.push('', 'Resources:')
  // Fence devices are run by the DC when a node must be fenced: never a started resource.
  const resources = s.resources.filter((r) => !isFenceAgent(r.agent))
  if (resources.length === 0) lines.push('  * No resources')
  let group: string | null = null
  for (const r of resources) {
    if (r.group !== group && r.group !== null) lines.push(`  * Resource Group: ${r.group}:`)
    group = r.group
    const indent = r.group === null ? '  ' : '    '
    const unmanaged = unmanagedWhy(r, config, maintenanceNodes)
    const where = r.nodes.join(' ')
    const running = r.promotedOn === undefined ? 'Started' : r.nodes.every((n) => r.promotedOn!.includes(n)) ? 'Promoted' : 'Unpromoted'
    const state = r.role === 'failed' ? `FAILED ${r.promotedOn?.length ? 'Promoted ' : ''}${where}` : r.role === 'started' || (r.role === 'unmanaged' && r.nodes.length > 0) ? `${running} ${where}`
      : `Stopped${r.targetRole === 'Stopped' ? ' (disabled)' : ''}`
    lines.push(`${indent}* ${r.id}\t(${r.agent}):\t ${state.trim()}${unmanaged ? ` (${unmanaged})` : ''}`)
  }
  lines.push(...renderBalancers(s))
  if (config) {
    const devices = fenceDevices(config)
    if (devices.length > 0) {
      lines.push('', 'Fence devices:')
      for (const d of devices) lines.push(`  * ${d.id}\t(${d.agent}):\t fences ${d.params.pcmk_host_list ? d.params.pcmk_host_list.split(/[\s,]+/).filter(Boolean).join(' ') : 'any node'}${d.meta['target-role'] === 'Stopped' ? ' (disabled)' : ''}`)
    }
  }
  if (options.full) lines.push(...renderFull(s, config))
  const fencing = s.fencing ?? []
  if (options.full && fencing.length > 0) lines.push('', 'Fencing History:', ...fencing.map((e) => `  * ${fenceEventLine(e)}`))
  else if (fencing.some((e) => !e.ok)) lines.push('', 'Failed Fencing Actions:', ...fencing.filter((e) => !e.ok).map((e) => `  * ${fenceEventLine(e)}`))
  if (s.failures.length) {
    lines.push('', 'Failed Resource Actions:')
    for (const f of s.failures) {
      lines.push(`  * ${f.resource} ${f.op} on ${f.node}: ${f.failCount >= 1_000_000 ? 'INFINITY' : f.failCount} failure${f.failCount === 1 ? '' : 's'}${f.lastFailureMs ? ` (last ${new Date(f.lastFailureMs).toISOString()})` : ''}`)
    }
  }
  if (s.transition) lines.push('', `Transition ${s.transition.id} in progress: ${s.transition.done}/${s.transition.total} actions done`, ...s.transition.summary.map((l) => `  ${humanizeTimes(l.trim(), s.generatedAt)}`))
  const warnings = [...notices.warnings, ...s.warnings]
  if (warnings.length) lines.push('', 'Warnings:', ...warnings.map((w) => `  * ${w}`))
  return lines.join('\n')
}

/** stonith_admin --history's line: "reboot of n3 successful: device=fn, delegate=n1, origin=n2, completed='…'". */
export function fenceEventLine(e: FenceEvent): string {
  const how = e.manual ? 'hactl node fence' : 'the cluster'
  return `${e.action} of ${e.target} ${e.ok ? 'successful' : 'failed'}: device=${e.device ?? 'none'}, delegate=${e.delegate}, origin=${e.origin} (${how}), completed='${new Date(e.completedAt).toISOString()}'`
}

function count(n: number): string {
  return n >= 1_000_000 ? 'INFINITY' : String(n)
}

/** The sections of `status --full`. */
function renderFull(s: ClusterStatus, config: ResourceConfig | undefined): string[] {
  const lines: string[] = []
  lines.push('', 'Node Attributes:')
  for (const n of s.nodes) {
    const declared = config?.nodes.find((d) => d.name === n.name)
    const attributes = Object.entries(declared?.attributes ?? {})
    const utilization = Object.entries(declared?.utilization ?? {})
    lines.push(`  * Node: ${n.name} (${n.id}):${attributes.length === 0 && utilization.length === 0 ? ' none' : ''}`)
    for (const [k, v] of attributes) lines.push(`    * ${k}\t: ${v}`)
    for (const [k, v] of utilization) lines.push(`    * utilization ${k}\t: ${v}`)
  }
  lines.push('', 'Migration Summary:')
  for (const n of s.nodes) {
    const failures = s.failures.filter((f) => f.node === n.name)
    lines.push(`  * Node: ${n.name}:${failures.length === 0 ? ' no failures' : ''}`)
    for (const f of failures) lines.push(`    * ${f.resource}: fail-count=${count(f.failCount)} (${f.op})${f.lastFailureMs ? ` last-failure=${new Date(f.lastFailureMs).toISOString()}` : ''}`)
  }
  // crm_mon -o: the last result of each operation per node, as the DC heard it.
  const last = new Map<string, NonNullable<ClusterStatus['operations']>[number]>()
  for (const o of s.operations ?? []) last.set(`${o.node}\0${o.resource}\0${o.op}\0${o.intervalMs}`, o)
  lines.push('', 'Operations:')
  if (last.size === 0) lines.push(s.source === 'dc' ? '  * none heard by this DC yet' : '  * unknown (no DC)')
  for (const n of s.nodes) {
    const ops = [...last.values()].filter((o) => o.node === n.name)
    if (ops.length === 0) continue
    lines.push(`  * Node: ${n.name}:`)
    for (const o of ops) {
      const interval = o.intervalMs > 0 ? ` interval=${o.intervalMs % 1000 === 0 ? `${o.intervalMs / 1000}s` : `${o.intervalMs}ms`}` : ''
      const exec = o.execMs === null ? '' : ` exec-time=${o.execMs}ms`
      lines.push(`    * ${o.resource}: ${o.op}${interval}: rc=${o.rc ?? 'none'} (${o.rcText})${exec} last-rc-change=${new Date(o.atMs).toISOString()}`)
    }
  }
  const inactive = s.resources.filter((r) => !isFenceAgent(r.agent) && r.nodes.length === 0)
  lines.push('', 'Inactive Resources:')
  if (inactive.length === 0) lines.push('  * none')
  for (const r of inactive) lines.push(`  * ${r.id}\t(${r.agent}):\t Stopped${r.targetRole === 'Stopped' ? ' (disabled)' : ''}${r.group ? ` (group ${r.group})` : ''}`)
  return lines
}

/**
 * pcs status resources|nodes, pcs resource status R: one block of the text (blocks are
 * separated by blank lines and start with their title), or the lines of one resource
 * (a group: its header and members; a clone: every copy).
 */
export function statusPart(text: string, what: string, status: ClusterStatus): string {
  const blocks = text.split('\n\n')
  const block = (title: string) => blocks.find((b) => b.startsWith(title)) ?? ''
  if (what === 'resources') return [block('Resources:'), block('Fence devices:')].filter(Boolean).join('\n\n')
  if (what === 'nodes') return block('Nodes:')
  const lines = block('Resources:').split('\n').slice(1)
  const own = (line: string) => new RegExp(`^\\s*\\* ${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?\t`).test(line)
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === `  * Resource Group: ${what}:`) {
      out.push(lines[i])
      while (i + 1 < lines.length && lines[i + 1].startsWith('    ')) out.push(lines[++i])
    } else if (own(lines[i])) out.push(lines[i].replace(/^ {4}/, '  '))
  }
  if (out.length === 0) {
    const known = [...new Set(status.resources.flatMap((r) => [r.id.replace(/:\d+$/, ''), ...(r.group ? [r.group] : [])]))]
    throw inputError(`${JSON.stringify(what)} is not resources, nodes or a resource in the status (${known.join(', ') || 'no resources'})`)
  }
  return out.join('\n')
}
