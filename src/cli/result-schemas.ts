// JSON Schemas of every command's --json result: the machine contract. scripts
// write them to schemas/ (npm run schemas); a test checks real outputs against them.
import {bootstrapSchema} from '../core/config/bootstrap.js'
import {resourceConfigSchema} from '../core/config/schema.js'

const {$id: _configId, ...configSchema} = resourceConfigSchema
const {$id: _bootstrapId, ...clusterSchema} = bootstrapSchema

const editResult = {
  type: 'object',
  required: ['epoch', 'change'],
  additionalProperties: false,
  properties: {epoch: {type: 'integer', minimum: 0}, change: {type: 'string'}, simulation: {type: 'string'}},
}

const stringMap = {type: 'object', additionalProperties: {type: 'string'}}

const EDIT_COMMANDS = [
  'resource add vip', 'resource add service', 'resource add mount', 'resource add agent', 'resource remove', 'resource update',
  'resource meta', 'resource utilization', 'resource enable', 'resource disable', 'resource move', 'resource ban', 'resource clear',
  'resource clone', 'resource group add', 'resource group remove', 'constraint location', 'constraint colocation add',
  'constraint order', 'constraint remove', 'node add', 'node remove', 'node standby', 'node unstandby', 'node maintenance',
  'node unmaintenance', 'node attribute', 'node utilization', 'property set', 'property unset', 'config import',
]

/** Result schemas by command id (space-separated). Commands that report something but are not listed fail the contract test. */
export const RESULT_SCHEMAS: Record<string, object> = {
  ...Object.fromEntries(EDIT_COMMANDS.map((id) => [id, editResult])),
  'config show': configSchema,
  'config export': {type: 'object', required: ['file', 'epoch'], additionalProperties: false, properties: {file: {type: ['string', 'null']}, epoch: {type: 'integer'}}},
  'config validate': {
    type: 'object', required: ['valid', 'epoch', 'resources', 'constraints'], additionalProperties: false,
    properties: {valid: {const: true}, epoch: {type: 'integer'}, resources: {type: 'integer'}, constraints: {type: 'integer'}},
  },
  'resource list': {
    type: 'array',
    items: {
      type: 'object', required: ['id', 'agent', 'group', 'clone', 'targetRole', 'managed'], additionalProperties: false,
      properties: {id: {type: 'string'}, agent: {type: 'string'}, group: {type: ['string', 'null']}, clone: {type: ['string', 'null']}, targetRole: {type: 'string'}, managed: {type: 'boolean'}},
    },
  },
  'resource show': {type: 'object', required: ['kind', 'constraints'], properties: {kind: {enum: ['primitive', 'group', 'clone']}, constraints: {type: 'array'}}},
  'constraint list': {type: 'array', items: {type: 'object', required: ['id', 'type'], properties: {id: {type: 'string'}, type: {enum: ['location', 'colocation', 'order']}}}},
  'node list': {
    type: 'array',
    items: {
      type: 'object', required: ['name', 'attributes', 'utilization', 'standby', 'maintenance'], additionalProperties: false,
      properties: {name: {type: 'string'}, attributes: stringMap, utilization: stringMap, standby: {type: 'boolean'}, maintenance: {type: 'boolean'}},
    },
  },
  'property list': {
    type: 'array',
    items: {
      type: 'object', required: ['name', 'value', 'default', 'set'], additionalProperties: false,
      properties: {name: {type: 'string'}, value: {type: 'string'}, default: {type: 'string'}, set: {type: 'boolean'}},
    },
  },
  'cluster setup': {
    type: 'object', required: ['clusterJson', 'authkey', 'authkeyCreated', 'cluster'], additionalProperties: false,
    properties: {clusterJson: {type: 'string'}, authkey: {type: 'string'}, authkeyCreated: {type: 'boolean'}, cluster: clusterSchema},
  },
  'cluster join': {
    type: 'object', required: ['clusterName', 'clusterJson', 'authkey'], additionalProperties: false,
    properties: {clusterName: {type: 'string'}, clusterJson: {type: 'string'}, authkey: {type: 'string'}},
  },
  'cluster keygen': {type: 'object', required: ['authkey'], additionalProperties: false, properties: {authkey: {type: 'string'}}},
}

/** The envelope around a result: {"status":"ok","result":…} or {"status":"error","error":{code,message}}. */
export function envelopeSchema(id: string, result: object): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://hactl.dev/schemas/${id.replaceAll(' ', '-')}.json`,
    title: `hactl ${id} --json`,
    oneOf: [
      {type: 'object', required: ['status', 'result'], additionalProperties: false, properties: {status: {const: 'ok'}, result}},
      {
        type: 'object', required: ['status', 'error'], additionalProperties: false,
        properties: {
          status: {const: 'error'},
          error: {type: 'object', required: ['code', 'message'], additionalProperties: false, properties: {code: {type: 'string'}, message: {type: 'string'}}},
        },
      },
    ],
  }
}
