// Which node of cluster.json this host is: the daemon's answer, which `hactl cluster
// start` must give too (it decides whether a node named on its command line is this one).
import {hostname, networkInterfaces} from 'node:os'
import {HactlError} from '../cli/errors.js'
import type {BootstrapConfig, BootstrapNode} from '../core/config/bootstrap-types.js'

/** Corosync finds its node by the local addresses; so does hactl, then by host name. */
export function findLocalNode(config: BootstrapConfig, name?: string): BootstrapNode {
  if (name !== undefined) {
    const node = config.nodes.find((n) => n.name === name)
    if (!node) throw new HactlError('not-a-node', `node ${JSON.stringify(name)} is not in cluster.json (nodes: ${config.nodes.map((n) => n.name).join(', ')})`, 2)
    return node
  }
  const local = new Set(Object.values(networkInterfaces()).flat().map((i) => i?.address))
  const byAddress = config.nodes.find((n) => n.addrs.some((a) => local.has(a)))
  if (byAddress) return byAddress
  const byName = config.nodes.find((n) => n.name === hostname())
  if (byName) return byName
  throw new HactlError('not-a-node', `this host is none of the nodes in cluster.json (no local address and no host name matches); use --node NAME`, 2)
}
