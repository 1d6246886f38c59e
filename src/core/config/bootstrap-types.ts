// The bootstrap configuration, /etc/hactl/cluster.json: what a node needs before
// it can talk to the cluster. It is the counterpart of corosync.conf, and its
// option names are corosync's (snake_case) so that a Corosync user finds them.

export type Transport = 'udp' | 'udpu'
export type Crypto = 'aes256gcm' | 'hmac' | 'none'

export interface BootstrapNode {
  /** Corosync's nodeid: a positive integer unique in the cluster. */
  id: number
  name: string
  /** One address per link (ring); link 0 first. */
  addrs: string[]
  /** Votes this node contributes to quorum (votequorum's quorum_votes). */
  votes: number
}

export interface Totem {
  /** Interval between heartbeats, ms. */
  heartbeat: number
  /** A peer not heard from for this long is considered lost, ms (corosync's token). */
  token: number
  /** How long a membership change waits for every reachable node to agree, ms. */
  consensus: number
}

export interface QuorumOptions {
  /** Defaults to the sum of all configured nodes' votes. */
  expected_votes?: number
  two_node: boolean
  wait_for_all: boolean
  last_man_standing: boolean
  /** ms */
  last_man_standing_window: number
  auto_tie_breaker: boolean
}

export interface BootstrapConfig {
  version: 1
  cluster_name: string
  /** 32-bit id carried in every packet so that foreign clusters' traffic is dropped. */
  cluster_id: number
  transport: Transport
  /** Multicast group (transport udp). */
  mcast_addr: string
  port: number
  crypto: Crypto
  authkey_file: string
  nodes: BootstrapNode[]
  /** Live node add/remove: counts changes of the node list; a daemon adopts a list only with a higher version. Absent = 0. */
  nodes_version?: number
  totem: Totem
  quorum: QuorumOptions
  /** Monitoring: `address` of /metrics, HOST:PORT or "off" (default 127.0.0.1:9664). */
  metrics?: {address?: string}
}
