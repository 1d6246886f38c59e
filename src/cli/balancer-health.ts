// On the node that holds a balancer, `hactl status` adds what only that node
// knows: each backend's health-check verdict and its established connections
// (conntrack), from the checker's health.json in the daemon's HA_RSCTMP.
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {ClusterStatus} from '../client/status.js'

interface HealthEntry {addr: string, up: boolean, checked?: boolean, established?: number}

export async function withLocalBalancerHealth(status: ClusterStatus, runDir: string): Promise<ClusterStatus> {
  if (!status.balancers?.some((b) => b.node === status.localNode)) return status
  const balancers = await Promise.all(status.balancers.map(async (b) => {
    if (b.node !== status.localNode) return b
    // The agent's state directory: the instance name with other characters than [A-Za-z0-9_] as _.
    const file = join(runDir, 'rsctmp', `hactl-balancer-${b.id.replace(/[^A-Za-z0-9_]/g, '_')}`, 'health.json')
    let health: Record<string, HealthEntry>
    try {
      health = JSON.parse(await readFile(file, 'utf8')) as Record<string, HealthEntry>
    } catch {
      return b
    }
    return {...b, backends: b.backends.map((backend) => {
      const h = health[backend.node]
      if (!h || h.addr !== backend.address) return backend
      return {...backend, ...(h.checked ? {health: h.up ? 'up' as const : 'down' as const} : {}), ...(typeof h.established === 'number' ? {connections: h.established} : {})}
    })}
  }))
  return {...status, balancers}
}
