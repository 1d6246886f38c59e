import type {ResourceConfig} from './types.js'

/**
 * Cluster properties hactl knows, with their defaults and the values they accept.
 * The defaults are Pacemaker's unless the comment says otherwise.
 */
export interface PropertySpec {
  default: string
  kind: 'boolean' | 'score' | 'duration' | 'integer' | 'enum' | 'string'
  values?: readonly string[]
  description: string
}

export const PROPERTIES: Record<string, PropertySpec> = {
  'no-quorum-policy': {default: 'stop', kind: 'enum', values: ['stop', 'freeze', 'ignore'], description: 'What a partition without quorum does with its resources.'},
  'symmetric-cluster': {default: 'true', kind: 'boolean', description: 'Resources may run on any node unless a location constraint says otherwise (false: opt-in cluster).'},
  'stonith-enabled': {default: 'false', kind: 'boolean', description: 'Fence nodes that leave uncleanly before recovering their resources. Pacemaker defaults to true; hactl defaults to false because a fresh cluster has no fence device, and uses the safety delay instead.'},
  'stonith-timeout': {default: '60s', kind: 'duration', description: 'How long a fence action may take.'},
  'safety-delay': {default: '0', kind: 'duration', description: 'With fencing disabled, how long after a lost node was last heard its resources are recovered elsewhere. "0" computes it: the token timeout (the lost node notices it lost quorum) plus a 150 ms stop budget (it stops everything at once). Set it longer for resources that take longer to stop, or enable fencing.'},
  'resource-stickiness': {default: '0', kind: 'score', description: 'Default preference of a resource to stay where it runs (rsc_defaults resource-stickiness).'},
  'migration-threshold': {default: 'INFINITY', kind: 'score', description: 'Default number of failures after which a resource moves off a node (rsc_defaults migration-threshold).'},
  'failure-timeout': {default: '0', kind: 'duration', description: 'Default time after which failures are forgotten; 0 keeps them until cleanup.'},
  'placement-strategy': {default: 'default', kind: 'enum', values: ['default', 'utilization', 'balanced', 'minimal'], description: 'How utilization influences placement.'},
  'maintenance-mode': {default: 'false', kind: 'boolean', description: 'Manage nothing anywhere: monitor only.'},
  'stop-all-resources': {default: 'false', kind: 'boolean', description: 'Stop every resource.'},
  'batch-limit': {default: '0', kind: 'integer', description: 'Maximum number of actions the cluster runs in parallel (0: no limit).'},
  'node-action-limit': {default: '0', kind: 'integer', description: 'Maximum number of actions a node runs in parallel (0: twice its cores).'},
  'cluster-recheck-interval': {default: '15min', kind: 'duration', description: 'How often the DC re-runs the policy engine for time-based changes such as failure-timeout.'},
  'start-failure-is-fatal': {default: 'true', kind: 'boolean', description: 'A failed start sets the fail count to INFINITY on that node.'},
}

/** Meta attributes of resources that hactl knows. Others are kept and passed through. */
export const RESOURCE_META: Record<string, PropertySpec> = {
  'target-role': {default: 'Started', kind: 'enum', values: ['Started', 'Stopped', 'Promoted', 'Unpromoted', 'Master', 'Slave'], description: 'The state the cluster keeps the resource in (Unpromoted: a promotable clone is never promoted; Master/Slave are the old names).'},
  'is-managed': {default: 'true', kind: 'boolean', description: 'false: the cluster never starts or stops the resource.'},
  'resource-stickiness': {default: '', kind: 'score', description: 'Preference to stay where it runs; the cluster default when unset.'},
  'priority': {default: '0', kind: 'integer', description: 'Resources with higher priority are placed first when not all can run.'},
  'migration-threshold': {default: '', kind: 'score', description: 'Failures on a node after which the resource moves away; the cluster default when unset.'},
  'failure-timeout': {default: '', kind: 'duration', description: 'Time after which failures are forgotten.'},
  'multiple-active': {default: 'stop_start', kind: 'enum', values: ['stop_start', 'stop_only', 'block', 'stop_unexpected'], description: 'What to do when the resource is found active on more than one node.'},
  'allow-migrate': {default: 'false', kind: 'boolean', description: 'Move by migrate_to/migrate_from instead of stop and start, when the agent supports it.'},
  'clone-max': {default: '', kind: 'integer', description: 'Copies of a clone; the number of nodes when unset.'},
  'clone-node-max': {default: '1', kind: 'integer', description: 'Copies of a clone on one node.'},
  'interleave': {default: 'false', kind: 'boolean', description: 'Clone ordering is per node instead of for the whole clone.'},
  'globally-unique': {default: 'false', kind: 'boolean', description: 'Clone copies are distinct.'},
  'ordered': {default: 'true', kind: 'boolean', description: 'Group members start in order.'},
  'promotable': {default: 'false', kind: 'boolean', description: 'A clone whose instances run in two roles, Unpromoted and Promoted (hactl resource promotable).'},
  'promoted-max': {default: '1', kind: 'integer', description: 'Promoted instances of a promotable clone in the cluster.'},
  'promoted-node-max': {default: '1', kind: 'integer', description: 'Promoted instances of a promotable clone on one node.'},
  'master-max': {default: '1', kind: 'integer', description: 'Old name of promoted-max.'},
  'master-node-max': {default: '1', kind: 'integer', description: 'Old name of promoted-node-max.'},
  'notify': {default: 'false', kind: 'boolean', description: 'Clone instances are told before and after every start, stop, promote and demote of the clone (notify action).'},
  'critical': {default: 'true', kind: 'boolean', description: 'Colocation dependencies of this resource are mandatory.'},
}

export function emptyConfig(): ResourceConfig {
  return {epoch: 0, properties: {}, nodes: [], resources: [], groups: [], clones: [], constraints: []}
}

/** A property's effective value: the configured one, else the default. */
export function propertyValue(config: ResourceConfig, name: string): string {
  return config.properties[name] ?? PROPERTIES[name]?.default ?? ''
}
