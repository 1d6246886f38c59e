// JSON Schemas of the --json results of the observability commands (issue 13):
// alert add/remove/list/history, history, and simulate --replay (added to simulate's).
import {alertsSchema} from '../core/config/alerts.js'
import {POLICY_RESULT_SCHEMAS} from './policy-schemas.js'

const str = {type: 'string'}
const integer = {type: 'integer'}
const strings = {type: 'array', items: str}

const editResult = {
  type: 'object',
  required: ['epoch', 'change'],
  additionalProperties: false,
  properties: {epoch: {type: 'integer', minimum: 0}, change: str, simulation: str, settled: {type: 'boolean'}, note: str},
}

const action = {
  type: 'object', required: ['id', 'op', 'node', 'reason', 'dependsOn'],
  properties: {id: str, op: str, resource: str, node: str, intervalMs: integer, reason: str, dependsOn: strings},
}

const transitionRecord = {
  type: 'object', additionalProperties: false,
  required: ['n', 'transitionId', 'dc', 'atMs', 'epoch', 'trigger', 'summary', 'actions', 'outcome', 'failedActions'],
  properties: {
    n: integer, key: str, transitionId: integer, dc: str, atMs: integer, epoch: integer, trigger: strings, summary: strings,
    actions: {type: 'array', items: action}, outcome: {enum: ['running', 'complete', 'superseded', 'actions-failed']},
    failedActions: strings, completedAtMs: integer,
    input: {type: 'object', required: ['config', 'nodes', 'state'], properties: {config: {type: 'object'}, nodes: strings, state: {type: 'object'}}},
  },
}

const replayResult = {
  type: 'object', additionalProperties: false,
  required: ['n', 'identical', 'recorded', 'replayed', 'onlyRecorded', 'onlyReplayed', 'transitionId', 'dc', 'trigger', 'summary'],
  properties: {
    n: integer, identical: {type: 'boolean'}, recorded: {type: 'array', items: action}, replayed: {type: 'array', items: action},
    onlyRecorded: strings, onlyReplayed: strings, transitionId: integer, dc: str, trigger: strings, summary: strings,
  },
}

const delivery = {
  type: 'object', additionalProperties: false,
  required: ['sequence', 'alert', 'recipient', 'kind', 'node', 'summary', 'atMs', 'attempts', 'outcome', 'lastExit'],
  properties: {
    sequence: integer, alert: str, recipient: str, kind: {enum: ['node', 'fencing', 'resource', 'attribute']}, node: str, summary: str, atMs: integer,
    attempts: integer, outcome: {enum: ['delivered', 'failed', 'dropped', 'pending']}, lastExit: {type: ['integer', 'null']}, lastError: str, doneAtMs: integer,
  },
}

export const OBSERVE_RESULT_SCHEMAS: Record<string, object> = {
  'alert add': editResult,
  'alert remove': editResult,
  'alert list': alertsSchema,
  'alert history': {type: 'array', items: delivery},
  'history': {type: 'array', items: transitionRecord},
  'simulate': {anyOf: [POLICY_RESULT_SCHEMAS.simulate, replayResult]},
}

/**
 * Streams that are not one --json envelope: `hactl status --watch --json` writes one
 * event per line (src/client/watch-events.ts). Each schema checks one line;
 * `status`: the schema of hactl status's result, for the snapshot.
 */
export function streamSchemas(status: object): Record<string, object> {
  const node = {type: 'string', minLength: 1}
  const event = (type: string, required: string[], properties: Record<string, object>) => ({
    type: 'object', additionalProperties: false, required: ['seq', 'at', 'type', ...required],
    properties: {seq: {type: 'integer', minimum: 1}, at: integer, type: {const: type}, ...properties},
  })
  return {
    'status-watch': {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://hactl.dev/schemas/status-watch.json',
      title: 'hactl status --watch --json: one line (NDJSON)',
      oneOf: [
        event('status', ['status'], {status}),
        event('node-joined', ['node'], {node}),
        event('node-lost', ['node', 'unclean'], {node, unclean: {type: 'boolean'}}),
        event('node-left', ['node'], {node}),
        event('fence', ['node'], {node}),
        event('node-cleared', ['node'], {node}),
        event('resource-started', ['resource', 'node'], {resource: str, node}),
        event('resource-stopped', ['resource', 'node'], {resource: str, node}),
        event('resource-failed', ['resource', 'node', 'op', 'failCount'], {resource: str, node, op: str, failCount: integer}),
        event('transition', ['id', 'summary', 'total'], {id: integer, summary: strings, total: integer}),
        event('transition-complete', ['id'], {id: integer}),
        event('dc', ['dc', 'previous'], {dc: {type: ['string', 'null']}, previous: {type: ['string', 'null']}}),
        event('quorum', ['quorate'], {quorate: {type: 'boolean'}}),
        event('config', ['epoch'], {epoch: integer}),
        event('error', ['error'], {error: {type: 'object', required: ['code', 'message'], additionalProperties: false, properties: {code: str, message: str}}}),
      ],
    },
  }
}
