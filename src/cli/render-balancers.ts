import type {ClusterStatus} from '../client/status.js'

/** The "Balancers:" section of `hactl status` (nothing when there is none). */
export function renderBalancers(s: ClusterStatus): string[] {
  const balancers = s.balancers ?? []
  if (balancers.length === 0) return []
  const lines = ['', 'Balancers:']
  for (const b of balancers) {
    const target = b.targetPort === b.port ? '' : `:${b.targetPort}`
    lines.push(`  * ${b.id}\t${b.vip}:${b.port} -> ${b.clone}${target} (${b.method})\t${b.node ? `on ${b.node}` : 'Stopped'}${b.reloading ? '  (reloading)' : ''}`)
    if (b.backends.length === 0) lines.push('    * no backend: connections are refused')
    for (const backend of b.backends) {
      const extra = [backend.health === undefined ? '' : `health ${backend.health}`, backend.connections === undefined ? '' : `${backend.connections} connection${backend.connections === 1 ? '' : 's'}`].filter(Boolean)
      lines.push(`    * ${backend.node}\t${backend.address}:${b.targetPort}\t${backend.state}${extra.length > 0 ? `\t${extra.join(', ')}` : ''}`)
    }
  }
  return lines
}
