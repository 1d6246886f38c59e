import type {BalancerStatus} from '../core/balancer/index.js'
// What `hactl status` shows: built by the DC from its books and sent to every
// member, so any node answers at once; a node without a DC (no quorum) answers
// with what it knows itself.

export interface StatusNode {
  name: string
  id: number
  online: boolean
  standby: boolean
  maintenance: boolean
  /** Lost without a clean shutdown, not yet fenced or past the safety delay. */
  unclean: boolean
}

export interface StatusResource {
  /** Instance id: the primitive, or `primitive:N` in a clone. */
  id: string
  agent: string
  group: string | null
  /** Nodes where it is active (more than one only for clones or a multiple-active problem). */
  nodes: string[]
  role: 'started' | 'stopped' | 'failed' | 'unmanaged'
  targetRole: string
  /** An instance of a promotable clone: the nodes where it runs Promoted (elsewhere in nodes it runs Unpromoted). */
  promotedOn?: string[]
}

export interface StatusFailure {
  resource: string
  node: string
  op: string
  failCount: number
  lastFailureMs: number | null
}

/** One fence operation (Pacemaker's fencing history, `stonith_admin --history`). */
export interface FenceEvent {
  target: string
  /** What the device was asked to do: reboot (the default) or off (pcmk_reboot_action). */
  action: string
  /** The device that succeeded, or the last one tried; null when no device covers the target. */
  device: string | null
  ok: boolean
  /** The DC that ran the fence agent. */
  delegate: string
  /** The node `hactl node fence` was asked on; the DC itself for a fence the cluster decided. */
  origin: string
  /** hactl node fence (true), or the cluster's own decision (a node lost uncleanly). */
  manual: boolean
  /** Milliseconds since the Unix epoch when it completed. */
  completedAt: number
}

/** One operation an agent ran, as the DC heard its result (status --full's Operations, crm_mon -o). */
export interface OperationRecord {
  node: string
  resource: string
  op: string
  intervalMs: number
  /** The agent's OCF code; null when it did not answer (timeout, cancelled). */
  rc: number | null
  /** Its name: ok, not-running, error, … or none. */
  rcText: string
  ok: boolean
  execMs: number | null
  /** Milliseconds since the Unix epoch when the DC heard the result. */
  atMs: number
}

export interface ClusterStatus {
  clusterName: string
  /** Node name of the DC, null without quorum. */
  dc: string | null
  quorate: boolean
  viewId: number
  epoch: number
  /** 'dc' when this comes from the DC's books, 'local' when only this node's knowledge (no quorum). */
  source: 'dc' | 'local'
  localNode: string
  nodes: StatusNode[]
  resources: StatusResource[]
  failures: StatusFailure[]
  /** The transition under way, if any. */
  transition: {id: number, summary: string[], done: number, total: number} | null
  /** No transition under way and nothing left to plan. */
  settled: boolean
  /** Leftover constraints from resource move/ban, a classic trap. */
  warnings: string[]
  /** Milliseconds since the Unix epoch when the DC built this. */
  generatedAt: number
  /** Load balancers (ocf:hactl:balancer) and their backends, as the DC sees them. */
  balancers?: BalancerStatus[]
  /** Fence operations, oldest first (the last 100), as the DC knows them. */
  fencing?: FenceEvent[]
  /** Operations the agents ran, oldest first (the last 200 this DC heard of). */
  operations?: OperationRecord[]
}
