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
    sequence: integer, alert: str, recipient: str, kind: {enum: ['node', 'fencing', 'resource']}, node: str, summary: str, atMs: integer,
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
