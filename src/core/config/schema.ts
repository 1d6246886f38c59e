// JSON Schema of the resource configuration. Structure only: the cross-references
// (unknown resource, duplicate ids, …) are semantic checks in validate.ts.
import {alertsSchema} from './alerts.js'

const ID = {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$'}
const NAME_VALUES = {
  type: 'object',
  propertyNames: {pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$'},
  additionalProperties: {type: 'string', maxLength: 4096},
}
// A pattern applies to strings only, so integers pass and other strings are named in the error.
const SCORE = {type: ['integer', 'string'], pattern: '^([+-]?INFINITY|[+-]?[0-9]+)$'}
const ORDER_ACTION = {enum: ['start', 'stop', 'promote', 'demote']}
const ROLE = {enum: ['Started', 'Promoted', 'Unpromoted']}
const SPEC_FIELD = {type: 'string', pattern: '^[0-9]{1,4}(-[0-9]{1,4})?$'}
const ATTRIBUTE_RULE = {
  type: 'object', required: ['attribute', 'operation'], additionalProperties: false,
  properties: {
    attribute: {type: 'string', minLength: 1, maxLength: 64},
    operation: {enum: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'defined', 'not_defined']},
    value: {type: 'string', maxLength: 256},
  },
}
/** Rules nest at most this deep (and/or inside and/or): the schema is inlined, so it also embeds in result schemas. */
export const MAX_RULE_DEPTH = 4

/** A location rule: an attribute expression, a date expression, or and/or of rules. */
function ruleSchema(depth: number): object {
  const alternatives: object[] = [ATTRIBUTE_RULE, DATE_RULE]
  if (depth > 0) {
    alternatives.push({
      type: 'object', required: ['booleanOp', 'rules'], additionalProperties: false,
      properties: {booleanOp: {enum: ['and', 'or']}, rules: {type: 'array', minItems: 1, maxItems: 64, items: ruleSchema(depth - 1)}},
    })
  }
  return {oneOf: alternatives}
}

const DATE_RULE = {
  type: 'object', required: ['date'], additionalProperties: false,
  properties: {
    date: {enum: ['in_range', 'gt', 'lt', 'date_spec']},
    start: {type: 'string', maxLength: 64},
    end: {type: 'string', maxLength: 64},
    spec: {
      type: 'object', additionalProperties: false,
      properties: {years: SPEC_FIELD, months: SPEC_FIELD, monthdays: SPEC_FIELD, weekdays: SPEC_FIELD, yeardays: SPEC_FIELD, hours: SPEC_FIELD, minutes: SPEC_FIELD},
    },
  },
}
const RULE = ruleSchema(MAX_RULE_DEPTH)

export const resourceConfigSchema = {
  $id: 'https://hactl.dev/schemas/resource-config.json',
  title: 'hactl resource configuration',
  type: 'object',
  required: ['epoch', 'properties', 'nodes', 'resources', 'groups', 'clones', 'constraints'],
  additionalProperties: false,
  properties: {
    epoch: {type: 'integer', minimum: 0},
    properties: NAME_VALUES,
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'attributes', 'utilization', 'standby', 'maintenance'],
        additionalProperties: false,
        properties: {
          name: ID,
          attributes: NAME_VALUES,
          utilization: NAME_VALUES,
          standby: {type: 'boolean'},
          maintenance: {type: 'boolean'},
        },
      },
    },
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'agent', 'params', 'meta', 'operations', 'utilization'],
        additionalProperties: false,
        properties: {
          id: ID,
          agent: {type: 'string', pattern: '^(ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+|lsb:[A-Za-z0-9_.@-]+|systemd:[A-Za-z0-9_.@:\\\\-]+|service:[A-Za-z0-9_.@-]+|fence:[A-Za-z0-9_.-]+|stonith:[A-Za-z0-9_.-]+)$'},
          params: NAME_VALUES,
          meta: NAME_VALUES,
          utilization: NAME_VALUES,
          operations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'interval'],
              additionalProperties: false,
              properties: {
                name: {type: 'string', pattern: '^[a-z_-]{1,32}$'},
                interval: {type: 'string', maxLength: 32},
                timeout: {type: 'string', maxLength: 32},
                onFail: {enum: ['restart', 'ignore', 'stop', 'block', 'standby', 'fence', 'demote']},
                role: {enum: ['Promoted', 'Unpromoted']},
                extra: NAME_VALUES,
              },
            },
          },
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'members', 'meta'],
        additionalProperties: false,
        properties: {id: ID, members: {type: 'array', items: ID, minItems: 1}, meta: NAME_VALUES},
      },
    },
    clones: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'child', 'meta'],
        additionalProperties: false,
        properties: {id: ID, child: ID, meta: NAME_VALUES},
      },
    },
    constraints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: {id: ID, type: {enum: ['location', 'colocation', 'order']}},
        discriminator: {propertyName: 'type'},
        oneOf: [
          {
            properties: {
              id: ID, type: {const: 'location'}, resource: ID, score: SCORE, node: ID,
              rule: RULE, role: ROLE,
            },
            required: ['resource', 'score'],
            additionalProperties: false,
          },
          {
            properties: {id: ID, type: {const: 'colocation'}, resource: ID, withResource: ID, score: SCORE, nodeAttribute: {type: 'string', minLength: 1, maxLength: 64}, rscRole: ROLE, withRole: ROLE},
            required: ['resource', 'withResource', 'score'],
            additionalProperties: false,
          },
          {
            properties: {
              id: ID, type: {const: 'order'}, first: ID, firstAction: ORDER_ACTION, then: ID, thenAction: ORDER_ACTION,
              kind: {enum: ['mandatory', 'optional']}, symmetrical: {type: 'boolean'},
            },
            required: ['first', 'firstAction', 'then', 'thenAction', 'kind', 'symmetrical'],
            additionalProperties: false,
          },
        ],
      },
    },
    rscDefaults: NAME_VALUES,
    opDefaults: NAME_VALUES,
    status: {type: 'object'},
    alerts: alertsSchema,
  },
} as const
