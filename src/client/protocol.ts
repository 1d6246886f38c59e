// The control protocol between the CLI and the local daemon: one JSON object per
// line over the Unix socket. Requests carry an id; the reply repeats it.
import type {ConfigEdit} from '../core/config/edits.js'
import type {ResourceConfig} from '../core/config/types.js'
import type {ClusterState} from '../core/policy/state.js'
import type {ClusterStatus} from './status.js'

export const SOCKET_NAME = 'hactl.sock'
/** A request or reply larger than this is refused: the socket is not a bulk channel. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024

export interface RequestMap {
  'config.get': {params: Record<string, never>, result: ResourceConfig}
  'config.edit': {params: {edit: ConfigEdit, ifEpoch?: number}, result: ResourceConfig}
  'status': {params: Record<string, never>, result: ClusterStatus}
  /** The policy engine's input as the DC sees it (hactl simulate on the live cluster). */
  'cluster.state': {params: Record<string, never>, result: ClusterState}
  'membership': {params: Record<string, never>, result: unknown}
  'resource.cleanup': {params: {id: string, node?: string}, result: {resource: string, node: string | null}}
  'resource.restart': {params: {id: string, node?: string}, result: {resource: string}}
  /**
   * Fence a node now (hactl node fence), as the DC does for a node lost uncleanly:
   * the DC runs the devices that cover it and answers once one succeeded (fenced:
   * true) or all failed (false). Refused without a device or with fencing disabled.
   */
  'node.fence': {params: {node: string}, result: {node: string, fenced: boolean, device: string | null}}
  /** Live node add/remove (hactl node add NAME --addr ADDR, node remove NAME): the new node list, applied on every daemon. */
  'nodes.change': {params: NodesChangeParams, result: NodesChangeResult}
  /**
   * SIGTERM's clean shutdown, asked over the socket (hactl cluster stop [NODE...] [--all]):
   * this node (no nodes), the named members, or every member (all). Without force or
   * all, refused when the view would lose quorum (as pcs refuses). `nodes`: whom it asked.
   */
  'shutdown': {params: {nodes?: string[], all?: boolean, force?: boolean}, result: {stopping: true, nodes: string[]}}
  /**
   * Node attributes for agents (crm_attribute, crm_master): lifetime reboot = the
   * node's transient attributes (this node's only for writes; gone when it leaves or
   * restarts), forever = the configuration's node attributes (a replicated edit).
   */
  'attribute.update': {params: AttributeParams & {value: string}, result: AttributeResult}
  'attribute.query': {params: AttributeParams, result: AttributeResult}
  'attribute.delete': {params: AttributeParams, result: AttributeResult}
  /** One transient attribute on every node that has it (attrd_updater -Q -A). */
  'attribute.list': {params: {name: string}, result: {name: string, values: Record<string, string>}}
  /** What crm_node asks: this node, the members of its view, quorum. */
  'node.info': {params: Record<string, never>, result: NodeInfo}
}

export type NodesChangeParams = {op: 'add', name: string, addrs: string[], id?: number} | {op: 'remove', name: string, force?: boolean}
export interface NodesChangeResult {
  nodes: Array<{id: number, name: string, addrs: string[], votes: number}>
  nodesVersion: number
  /** The new cluster.json (for the join token of an added node). */
  bootstrap: import('../core/config/bootstrap-types.js').BootstrapConfig
}

export interface AttributeParams {
  /** Default: this node. */
  node?: string
  name: string
  lifetime: 'reboot' | 'forever'
}

export interface AttributeResult {
  node: string
  name: string
  lifetime: 'reboot' | 'forever'
  /** null: not set. */
  value: string | null
}

export interface NodeInfo {
  name: string
  id: number
  quorate: boolean
  nodes: Array<{id: number, name: string, member: boolean}>
}

export type Method = keyof RequestMap

/**
 * Methods the CLI already speaks that the daemon does not serve yet: each moves
 * into RequestMap with its handler in the daemon. Until then the daemon answers
 * unknown-method and the command says so.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PendingRequestMap {}

/** Everything the client may ask. */
export type ClientRequestMap = RequestMap & PendingRequestMap
export type ClientMethod = keyof ClientRequestMap

export interface Request<M extends Method = Method> {
  id: number
  method: M
  params: RequestMap[M]['params']
}

export type Reply =
  | {id: number, ok: true, result: unknown}
  | {id: number, ok: false, error: {code: string, message: string, exitCode: number}}
