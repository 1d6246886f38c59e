import {ipVersion as isIP} from './ip.js'
import type {BootstrapConfig, BootstrapNode, Crypto, QuorumOptions, Totem, Transport} from './bootstrap-types.js'
import {ConfigError, show} from './errors.js'
import {checkSchema} from './schema-check.js'
import {parseListenAddress} from '../metrics/address.js'

const LABEL = 'invalid cluster.json'

/**
 * Timing defaults. Corosync defaults to token 1000 ms (3000 ms in pcs-made
 * configs) and keepalived to advert_int 1 s with a 3-advert timeout; both give
 * failover in seconds. hactl aims at a quarter-second failover on a LAN: a
 * heartbeat every 40 ms, and a node that nobody heard for 180 ms (token) is
 * suspected; a node that lost its round trips with a quorum for a token leaves
 * its view on its own. A single lossy link is only cut after two tokens, and
 * others vouch for a node behind one (see src/core/membership/machine.ts), so
 * 10 % loss on every link evicts nobody: npm run sim:loss measured 0 evictions
 * and 10 agreed views in 30 simulated minutes on 3 nodes (heartbeat 50 with
 * token 180 gave 89, heartbeat 50 with token 150 gave 1809). A round trip is up
 * to two heartbeats old without any loss, so the token should be at least
 * 4.5 heartbeats (`hactl cluster timing` prints the margin).
 */
export const DEFAULT_TOTEM: Totem = {heartbeat: 40, token: 180, consensus: 100}

export const DEFAULT_QUORUM: QuorumOptions = {
  two_node: false, wait_for_all: false, last_man_standing: false, last_man_standing_window: 10_000, auto_tie_breaker: false,
}

export const DEFAULT_MCAST_ADDR = '239.255.76.67'
export const DEFAULT_PORT = 5405

export const bootstrapSchema = {
  $id: 'https://hactl.dev/schemas/cluster.json',
  title: 'hactl cluster.json',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'cluster_name', 'cluster_id', 'transport', 'mcast_addr', 'port', 'crypto', 'authkey_file', 'nodes', 'totem', 'quorum'],
  properties: {
    version: {const: 1},
    cluster_name: {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$'},
    cluster_id: {type: 'integer', minimum: 0, maximum: 4294967295},
    transport: {enum: ['udp', 'udpu']},
    mcast_addr: {type: 'string', maxLength: 64},
    port: {type: 'integer', minimum: 1, maximum: 65535},
    crypto: {enum: ['aes256gcm', 'hmac', 'none']},
    authkey_file: {type: 'string', minLength: 1, maxLength: 4096},
    // Live node add/remove: grows with each change of the node list, so a daemon adopts only a newer list.
    nodes_version: {type: 'integer', minimum: 0, maximum: 9007199254740991},
    nodes: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'addrs', 'votes'],
        properties: {
          id: {type: 'integer', minimum: 1, maximum: 65535},
          name: {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$'},
          addrs: {type: 'array', minItems: 1, maxItems: 8, items: {type: 'string', maxLength: 64}},
          votes: {type: 'integer', minimum: 0, maximum: 255},
        },
      },
    },
    totem: {
      type: 'object',
      additionalProperties: false,
      required: ['heartbeat', 'token', 'consensus'],
      properties: {
        heartbeat: {type: 'integer', minimum: 5, maximum: 60_000},
        token: {type: 'integer', minimum: 20, maximum: 600_000},
        consensus: {type: 'integer', minimum: 0, maximum: 600_000},
      },
    },
    quorum: {
      type: 'object',
      additionalProperties: false,
      required: ['two_node', 'wait_for_all', 'last_man_standing', 'last_man_standing_window', 'auto_tie_breaker'],
      properties: {
        expected_votes: {type: 'integer', minimum: 1, maximum: 16_320},
        two_node: {type: 'boolean'},
        wait_for_all: {type: 'boolean'},
        last_man_standing: {type: 'boolean'},
        last_man_standing_window: {type: 'integer', minimum: 0},
        auto_tie_breaker: {type: 'boolean'},
      },
    },
    // Monitoring (issue 13): where /metrics is served; see src/core/metrics/address.ts.
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: {address: {type: 'string', maxLength: 64}},
    },
  },
} as const

function fail(message: string): never {
  throw new ConfigError('invalid-config', `${LABEL}: ${message}`)
}

/** Schema and semantic checks of cluster.json. */
export function validateBootstrap(document: unknown): BootstrapConfig {
  checkSchema(bootstrapSchema, document, LABEL)
  const config = document as BootstrapConfig
  if (isIP(config.mcast_addr) === 0) fail(`mcast_addr is ${show(config.mcast_addr)}: expected an IP address`)
  if (config.transport === 'udp' && !isMulticast(config.mcast_addr)) fail(`mcast_addr is ${show(config.mcast_addr)}: not a multicast address`)
  const ids = new Set<number>()
  const names = new Set<string>()
  const addrs = new Set<string>()
  const links = config.nodes[0].addrs.length
  config.nodes.forEach((node, i) => {
    if (ids.has(node.id)) fail(`nodes[${i}].id ${node.id} is used twice`)
    if (names.has(node.name)) fail(`nodes[${i}].name ${show(node.name)} is used twice`)
    ids.add(node.id)
    names.add(node.name)
    if (node.addrs.length !== links) fail(`nodes[${i}] has ${node.addrs.length} addresses but nodes[0] has ${links}: every node needs one address per link`)
    node.addrs.forEach((addr, j) => {
      if (isIP(addr) === 0) fail(`nodes[${i}].addrs[${j}] is ${show(addr)}: expected an IP address`)
      if (addrs.has(addr)) fail(`nodes[${i}].addrs[${j}] ${show(addr)} is used by another node`)
      addrs.add(addr)
    })
  })
  const {heartbeat, token} = config.totem
  if (token < 2 * heartbeat) fail(`totem.token ${token} must be at least twice totem.heartbeat ${heartbeat}`)
  const q = config.quorum
  if (q.two_node && config.nodes.length !== 2) fail(`quorum.two_node is set but the cluster has ${config.nodes.length} nodes; it needs exactly 2`)
  if (q.two_node && q.auto_tie_breaker) fail('quorum.two_node and quorum.auto_tie_breaker cannot both be set')
  const metrics = config.metrics?.address === undefined ? undefined : parseListenAddress(config.metrics.address)
  if (metrics !== undefined && typeof metrics === 'object' && 'error' in metrics) fail(metrics.error)
  return config
}

export function isMulticast(addr: string): boolean {
  if (isIP(addr) === 4) {
    const first = Number(addr.split('.')[0])
    return first >= 224 && first <= 239
  }
  return addr.toLowerCase().startsWith('ff')
}

/** Corosync derives a cluster id from the name when none is given; so does hactl (FNV-1a, 32 bits). */
export function clusterIdFromName(name: string): number {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

export interface SetupOptions {
  name: string
  nodes: Array<{name: string, addrs: string[], id?: number}>
  transport?: Transport
  mcastAddr?: string
  port?: number
  crypto?: Crypto
  authkeyFile: string
  token?: number
  heartbeat?: number
  consensus?: number
  twoNode?: boolean
  waitForAll?: boolean
  lastManStanding?: boolean
  autoTieBreaker?: boolean
  expectedVotes?: number
}

/** Builds and validates a cluster.json from `hactl cluster setup` arguments. */
export function buildBootstrap(options: SetupOptions): BootstrapConfig {
  const used = new Set(options.nodes.flatMap((n) => n.id === undefined ? [] : [n.id]))
  let next = 1
  const nodes: BootstrapNode[] = options.nodes.map((n) => {
    if (n.id !== undefined) return {id: n.id, name: n.name, addrs: n.addrs, votes: 1}
    while (used.has(next)) next++
    used.add(next)
    return {id: next, name: n.name, addrs: n.addrs, votes: 1}
  })
  const twoNode = options.twoNode ?? nodes.length === 2
  const heartbeat = options.heartbeat ?? DEFAULT_TOTEM.heartbeat
  const quorum: QuorumOptions = {
    ...DEFAULT_QUORUM,
    two_node: twoNode,
    // votequorum: two_node implies wait_for_all unless told otherwise.
    wait_for_all: options.waitForAll ?? twoNode,
    last_man_standing: options.lastManStanding ?? false,
    auto_tie_breaker: options.autoTieBreaker ?? false,
    ...(options.expectedVotes === undefined ? {} : {expected_votes: options.expectedVotes}),
  }
  return validateBootstrap({
    version: 1,
    cluster_name: options.name,
    cluster_id: clusterIdFromName(options.name),
    transport: options.transport ?? 'udp',
    mcast_addr: options.mcastAddr ?? DEFAULT_MCAST_ADDR,
    port: options.port ?? DEFAULT_PORT,
    crypto: options.crypto ?? 'aes256gcm',
    authkey_file: options.authkeyFile,
    nodes,
    totem: {
      heartbeat,
      token: options.token ?? Math.max(DEFAULT_TOTEM.token, Math.ceil(4.5 * heartbeat)),
      consensus: options.consensus ?? DEFAULT_TOTEM.consensus,
    },
    quorum,
  })
}
