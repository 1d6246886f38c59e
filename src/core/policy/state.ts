// The cluster's state as the policy engine sees it: Pacemaker's CIB status
// section. The daemon builds it from membership, quorum and agent results;
// `hactl simulate` reads and writes it in the configuration's `status` field.
import {checkSchema} from '../config/schema-check.js'
import type {ResourceConfig} from '../config/types.js'

/**
 * started: running (for a promotable clone's instance: in the Unpromoted role); promoted: running in
 * the Promoted role; failed: active and failed, to be recovered.
 */
export type InstanceRole = 'started' | 'promoted' | 'stopped' | 'failed' | 'unknown'

/** One resource instance on one node. */
export interface InstanceOnNode {
  role: InstanceRole
  /** Failures on this node (INFINITY = 1,000,000 after a fatal start failure). */
  failCount?: number
  /** When the last failure happened, in the injected clock's milliseconds. */
  lastFailureMs?: number
  /** The operation that failed last (monitor, start, stop, …): selects on-fail. */
  failedOp?: string
  /**
   * The role the instance had when it failed (a promotable clone's instance): Promoted selects the
   * Promoted monitor's on-fail (demote) and demotes before the stop. A failed promote or demote counts as Promoted.
   */
  failedRole?: 'Promoted' | 'Unpromoted'
  /** Digest of the instance parameters it was started with (Pacemaker's op-digest; src/core/policy/digest.ts). */
  digest?: string
  /** The agent can reload-agent: digest of the parameters that need a restart (op-restart-digest). */
  restartDigest?: string
  /** With restartDigest: the parameters the agent reloads without a restart. */
  reloadable?: string[]
}

export interface InstanceState {
  /** false when the agent cannot migrate (no migrate_to/migrate_from); unset means it can. */
  migratable?: boolean
  /** Per node name. Nodes not listed: stopped, no failures. */
  nodes: Record<string, InstanceOnNode>
}

export interface NodeState {
  online: boolean
  /** Left the membership without a clean stop: its resources may still be active. */
  unclean?: boolean
  /** When the node was lost (ms), for the safety delay when fencing is disabled. */
  lostAtMs?: number
  /** A fence of this node completed since it was lost: its resources are stopped. */
  fenced?: boolean
  /** Transient standby (on-fail=standby or a what-if), on top of the configuration's. */
  standby?: boolean
  /**
   * Transient node attributes (crm_attribute -l reboot, crm_master, attrd_updater): gone when the node
   * leaves. `master-P` is the promotion score of primitive P's instance on this node. They also feed
   * location rules, over the configured node attributes.
   */
  attributes?: Record<string, string>
}

export interface ClusterState {
  /** The injected clock, ms. */
  nowMs: number
  quorate: boolean
  /** The membership token timeout (ms): part of the computed safety delay. */
  tokenTimeoutMs?: number
  /** Per node name; a configured node missing here is online. */
  nodes: Record<string, NodeState>
  /** Per resource instance id: a primitive id, or `child:N` for clone instances. */
  resources: Record<string, InstanceState>
}

const NAME = {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,80}$'}
const MS = {type: 'integer', minimum: 0}
const DIGEST = {type: 'string', pattern: '^[0-9a-f]{8,64}$'}

export const clusterStateSchema = {
  $id: 'https://hactl.dev/schemas/cluster-state.json',
  title: 'hactl cluster state',
  type: 'object',
  required: ['nowMs', 'quorate', 'nodes', 'resources'],
  additionalProperties: false,
  properties: {
    nowMs: MS,
    quorate: {type: 'boolean'},
    tokenTimeoutMs: MS,
    nodes: {
      type: 'object',
      propertyNames: NAME,
      additionalProperties: {
        type: 'object',
        required: ['online'],
        additionalProperties: false,
        properties: {
          online: {type: 'boolean'}, unclean: {type: 'boolean'}, lostAtMs: MS, fenced: {type: 'boolean'}, standby: {type: 'boolean'},
          attributes: {
            type: 'object',
            propertyNames: {type: 'string', pattern: '^[A-Za-z0-9_#][A-Za-z0-9_.:#-]{0,127}$'},
            additionalProperties: {type: 'string', maxLength: 4096},
          },
        },
      },
    },
    resources: {
      type: 'object',
      propertyNames: NAME,
      additionalProperties: {
        type: 'object',
        required: ['nodes'],
        additionalProperties: false,
        properties: {
          migratable: {type: 'boolean'},
          nodes: {
            type: 'object',
            propertyNames: NAME,
            additionalProperties: {
              type: 'object',
              required: ['role'],
              additionalProperties: false,
              properties: {
                role: {enum: ['started', 'promoted', 'stopped', 'failed', 'unknown']},
                failCount: {type: 'integer', minimum: 0, maximum: 1_000_000},
                lastFailureMs: MS,
                failedOp: {type: 'string', pattern: '^[a-z_-]{1,32}$'},
                failedRole: {enum: ['Promoted', 'Unpromoted']},
                digest: DIGEST,
                restartDigest: DIGEST,
                reloadable: {type: 'array', maxItems: 200, items: {type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$'}},
              },
            },
          },
        },
      },
    },
  },
} as const

/** Checks a state document; throws a one-line ConfigError naming the bad path and value. */
export function validateClusterState(document: unknown): ClusterState {
  checkSchema(clusterStateSchema, document, 'invalid cluster state')
  return document as ClusterState
}

/** The state of a cluster nobody has seen yet: every declared node online, quorate, nothing running. */
export function defaultState(config: ResourceConfig): ClusterState {
  const nodes: Record<string, NodeState> = {}
  for (const node of config.nodes) nodes[node.name] = {online: true}
  return {nowMs: 0, quorate: true, nodes, resources: {}}
}

/** The state saved in `config.status`, or the default state when there is none. */
export function stateOf(config: ResourceConfig): ClusterState {
  if (config.status === undefined || Object.keys(config.status).length === 0) return defaultState(config)
  return validateClusterState(config.status)
}
