// JSON Schemas of the --json results of `hactl simulate` and `hactl resource
// why`, for src/cli/result-schemas.ts (RESULT_SCHEMAS) and schemas/.
import {clusterStateSchema} from '../core/policy/state.js'

const {$id: _stateId, title: _stateTitle, ...stateSchema} = clusterStateSchema
const str = {type: 'string'}
const strOrNull = {type: ['string', 'null']}
const integer = {type: 'integer'}

const action = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'op', 'node', 'reason', 'dependsOn'],
  properties: {
    id: str, op: {enum: ['start', 'stop', 'monitor', 'migrate_to', 'migrate_from', 'fence', 'promote', 'demote', 'notify']}, resource: str, node: str,
    intervalMs: integer, role: {enum: ['Promoted', 'Unpromoted']},
    notify: {
      type: 'object', additionalProperties: false, required: ['type', 'operation', 'env'],
      properties: {
        type: {enum: ['pre', 'post']}, operation: {enum: ['start', 'stop', 'promote', 'demote']},
        env: {type: 'object', propertyNames: {pattern: '^OCF_RESKEY_CRM_meta_notify_[a-z_]+$'}, additionalProperties: str},
      },
    },
    reason: str, dependsOn: {type: 'array', items: str},
  },
}

const change = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'resource', 'reason'],
  properties: {
    kind: {enum: ['Fence', 'Start', 'Stop', 'Move', 'Migrate', 'Recover', 'Restart', 'Reload', 'Hold', 'Promote', 'Demote']}, resource: str, from: str, to: str, reason: str, untilMs: integer,
    fromRole: {enum: ['Stopped', 'Unpromoted', 'Promoted']}, toRole: {enum: ['Stopped', 'Unpromoted', 'Promoted']},
  },
}

const simulateResult = {
  type: 'object',
  additionalProperties: false,
  required: ['placement', 'transition', 'changes', 'recheckAtMs', 'warnings', 'nextState'],
  properties: {
    placement: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['resource', 'node', 'status'],
      properties: {resource: str, node: strOrNull, status: {enum: ['started', 'stopped', 'unmanaged', 'held', 'frozen']}, role: {enum: ['Promoted', 'Unpromoted']}, reason: str},
    }},
    transition: {type: 'object', additionalProperties: false, required: ['actions'], properties: {actions: {type: 'array', items: action}}},
    changes: {type: 'array', items: change},
    recheckAtMs: {type: ['integer', 'null']},
    warnings: {type: 'array', items: str},
    nextState: stateSchema,
  },
}

const whyResult = {
  type: 'object',
  additionalProperties: false,
  required: ['resource', 'units'],
  properties: {
    resource: str,
    units: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['unit', 'node', 'reason', 'nodes'],
      properties: {
        unit: str, node: strOrNull, reason: str,
        nodes: {type: 'array', items: {
          type: 'object', additionalProperties: false, required: ['node', 'score', 'terms'],
          properties: {
            node: str, score: integer,
            terms: {type: 'array', items: {type: 'object', additionalProperties: false, required: ['score', 'source'], properties: {score: integer, source: str}}},
          },
        }},
      },
    }},
    roles: {
      type: 'object', additionalProperties: false, required: ['clone', 'promotedMax', 'promotedNodeMax', 'instances'],
      properties: {
        clone: str, promotedMax: integer, promotedNodeMax: integer,
        instances: {type: 'array', items: {
          type: 'object', additionalProperties: false, required: ['instance', 'node', 'role', 'score', 'reason', 'terms'],
          properties: {
            instance: str, node: strOrNull, role: {enum: ['Promoted', 'Unpromoted', 'Stopped']}, score: {type: ['integer', 'null']}, reason: str,
            terms: {type: 'array', items: {type: 'object', additionalProperties: false, required: ['score', 'source'], properties: {score: integer, source: str}}},
          },
        }},
      },
    },
  },
}

export const POLICY_RESULT_SCHEMAS: Record<string, object> = {
  'simulate': simulateResult,
  'resource why': whyResult,
}
