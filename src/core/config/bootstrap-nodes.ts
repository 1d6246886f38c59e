// Live growth and shrinking of the cluster (hactl node add/remove on a running
// cluster, pcs cluster node add/remove): the new node list of cluster.json, as a
// pure function of the current one. The daemons distribute the result, each
// rewrites its cluster.json and reloads its node list (src/daemon/cluster-daemon.ts).
import {ipVersion as isIP} from './ip.js'
import type {BootstrapConfig, BootstrapNode} from './bootstrap-types.js'
import {ConfigError, show} from './errors.js'
import {validateBootstrap} from './bootstrap.js'

export type NodeListErrorCode = 'bad-node-name' | 'bad-node-address' | 'node-exists' | 'node-unknown' | 'bad-node-id' | 'last-node' | 'two-node'

export class NodeListError extends ConfigError {
  constructor(readonly reason: NodeListErrorCode, message: string) {
    super(reason, message)
  }
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/

export interface NewNode {name: string, addrs: string[], id?: number, votes?: number}

/** cluster.json with one more node; the first free id unless one is given. Throws NodeListError (nothing changed). */
export function withNodeAdded(config: BootstrapConfig, node: NewNode): BootstrapConfig {
  if (!NAME.test(node.name)) throw new NodeListError('bad-node-name', `node name ${show(node.name)} may contain only letters, digits, _ . : -`)
  if (config.nodes.some((n) => n.name === node.name)) throw new NodeListError('node-exists', `node ${show(node.name)} is already in the cluster`)
  const links = config.nodes[0]?.addrs.length ?? 1
  if (node.addrs.length !== links) throw new NodeListError('bad-node-address', `node ${node.name} needs ${links} address(es), one per link; got ${node.addrs.length}`)
  for (const addr of node.addrs) {
    if (isIP(addr) === 0) throw new NodeListError('bad-node-address', `address ${show(addr)} is not an IP address`)
    const user = config.nodes.find((n) => n.addrs.includes(addr))
    if (user) throw new NodeListError('bad-node-address', `address ${addr} is already used by node ${user.name}`)
  }
  const used = new Set(config.nodes.map((n) => n.id))
  let id = node.id
  if (id !== undefined && used.has(id)) throw new NodeListError('bad-node-id', `node id ${id} is already used by ${config.nodes.find((n) => n.id === id)!.name}`)
  if (id === undefined) {
    id = 1
    while (used.has(id)) id++
  }
  if (config.quorum.two_node) throw new NodeListError('two-node', 'quorum.two_node is set: a two-node cluster cannot grow live; unset two_node in cluster.json on both nodes first (restart needed)')
  const added: BootstrapNode = {id, name: node.name, addrs: [...node.addrs], votes: node.votes ?? 1}
  return validateBootstrap({...config, nodes: [...config.nodes, added], nodes_version: nodesVersion(config) + 1})
}

/** cluster.json without node `name`. Throws NodeListError (nothing changed). */
export function withNodeRemoved(config: BootstrapConfig, name: string): BootstrapConfig {
  if (!config.nodes.some((n) => n.name === name)) throw new NodeListError('node-unknown', `node ${show(name)} is not in the cluster (nodes: ${config.nodes.map((n) => n.name).join(', ')})`)
  if (config.nodes.length <= 1) throw new NodeListError('last-node', `node ${name} is the last node of the cluster: use hactl cluster destroy`)
  if (config.quorum.two_node) throw new NodeListError('two-node', 'quorum.two_node is set: removing a node of a two-node cluster live is not supported')
  return validateBootstrap({...config, nodes: config.nodes.filter((n) => n.name !== name), nodes_version: nodesVersion(config) + 1})
}

export function nodesVersion(config: BootstrapConfig): number {
  return config.nodes_version ?? 0
}

/**
 * The node list another daemon sent: undefined when it is not newer than ours,
 * else our cluster.json with it, checked as cluster.json is. Throws ConfigError.
 */
export function adoptNodeList(config: BootstrapConfig, version: unknown, nodes: unknown): BootstrapConfig | undefined {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version <= nodesVersion(config)) return undefined
  return validateBootstrap({...config, nodes, nodes_version: version})
}

/** Same names, ids, addresses and votes, in any order. */
export function sameNodeList(a: readonly BootstrapNode[], b: readonly BootstrapNode[]): boolean {
  const key = (nodes: readonly BootstrapNode[]) => JSON.stringify([...nodes].sort((x, y) => x.id - y.id).map((n) => [n.id, n.name, n.addrs, n.votes]))
  return key(a) === key(b)
}
