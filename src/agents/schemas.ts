// JSON Schemas of the --json results of `hactl agent list` and `hactl agent describe`,
// for the command contract (src/cli/result-schemas.ts spreads them in).

const parameter = {
  type: 'object',
  required: ['name', 'required', 'unique', 'type', 'shortdesc', 'longdesc', 'deprecated'],
  additionalProperties: false,
  properties: {
    name: {type: 'string'}, required: {type: 'boolean'}, unique: {type: 'boolean'}, type: {type: 'string'},
    default: {type: 'string'}, shortdesc: {type: 'string'}, longdesc: {type: 'string'}, deprecated: {type: 'boolean'},
    values: {type: 'array', items: {type: 'string'}},
  },
}

const action = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: {type: 'string'}, timeout: {type: 'string'}, interval: {type: 'string'}, depth: {type: 'string'},
    role: {type: 'string'}, startDelay: {type: 'string'},
  },
}

export const AGENT_RESULT_SCHEMAS: Record<string, object> = {
  'agent list': {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'class', 'provider', 'type', 'path'],
      additionalProperties: false,
      properties: {
        id: {type: 'string'}, class: {enum: ['ocf', 'lsb', 'systemd']}, provider: {type: ['string', 'null']},
        type: {type: 'string'}, path: {type: 'string'},
      },
    },
  },
  'agent describe': {
    type: 'object',
    required: ['id', 'name', 'shortdesc', 'longdesc', 'parameters', 'actions'],
    additionalProperties: false,
    properties: {
      id: {type: 'string'}, name: {type: 'string'}, version: {type: 'string'}, ocfVersion: {type: 'string'},
      shortdesc: {type: 'string'}, longdesc: {type: 'string'},
      parameters: {type: 'array', items: parameter}, actions: {type: 'array', items: action},
    },
  },
}
