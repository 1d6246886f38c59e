// JSON Schemas of every command's --json result: the machine contract. scripts
// write them to schemas/ (npm run schemas); a test checks real outputs against them.
import {AGENT_RESULT_SCHEMAS} from '../agents/schemas.js'
import {POLICY_RESULT_SCHEMAS} from './policy-schemas.js'
import {OBSERVE_RESULT_SCHEMAS} from './observe-schemas.js'
import {bootstrapSchema} from '../core/config/bootstrap.js'
import {DROP_REASONS} from '../core/wire/format.js'
import {resourceConfigSchema} from '../core/config/schema.js'

const {$id: _configId, ...configSchema} = resourceConfigSchema
const {$id: _bootstrapId, ...clusterSchema} = bootstrapSchema

const editResult = {
  type: 'object',
  required: ['epoch', 'change'],
  additionalProperties: false,
  properties: {epoch: {type: 'integer', minimum: 0}, change: {type: 'string'}, simulation: {type: 'string'}, settled: {type: 'boolean'}, note: {type: 'string'}},
}

const stringMap = {type: 'object', additionalProperties: {type: 'string'}}

const EDIT_COMMANDS = [
  'resource add vip', 'resource add balancer', 'resource add service', 'resource add mount', 'resource add agent', 'resource remove', 'resource update',
  'resource meta', 'resource utilization', 'resource enable', 'resource disable', 'resource move', 'resource move-with-constraint', 'resource ban', 'resource clear',
  'resource clone', 'resource unclone', 'resource promotable', 'resource group add', 'resource group remove', 'constraint location', 'constraint colocation add',
  'constraint order', 'constraint remove', 'node add', 'node remove', 'node standby', 'node unstandby', 'node maintenance',
  'node unmaintenance', 'node attribute', 'node utilization', 'property set', 'property unset', 'config import',
  'resource op add', 'resource op remove', 'resource relocate run', 'config rollback', 'stonith create', 'stonith remove', 'stonith update',
  'alert create', 'alert recipient add', 'alert recipient remove', 'constraint colocation remove', 'resource manage', 'resource unmanage',
]

const str = {type: 'string'}
const strOrNull = {type: ['string', 'null']}
const strings = {type: 'array', items: str}

const fenceEvent = {
  type: 'object', additionalProperties: false, required: ['target', 'action', 'device', 'ok', 'delegate', 'origin', 'manual', 'completedAt'],
  properties: {
    target: {type: 'string'}, action: {type: 'string'}, device: {type: ['string', 'null']}, ok: {type: 'boolean'}, delegate: {type: 'string'},
    origin: {type: 'string'}, manual: {type: 'boolean'}, completedAt: {type: 'integer'},
  },
}

const clusterStatus = {
  type: 'object',
  additionalProperties: false,
  required: ['clusterName', 'dc', 'quorate', 'viewId', 'epoch', 'source', 'localNode', 'nodes', 'resources', 'failures', 'transition', 'settled', 'warnings', 'generatedAt'],
  properties: {
    clusterName: str, dc: strOrNull, quorate: {type: 'boolean'}, viewId: {type: 'integer'}, epoch: {type: 'integer'},
    source: {enum: ['dc', 'local']}, localNode: str, settled: {type: 'boolean'}, warnings: strings, generatedAt: {type: 'integer'},
    nodes: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['name', 'id', 'online', 'standby', 'maintenance', 'unclean'],
      properties: {name: str, id: {type: 'integer'}, online: {type: 'boolean'}, standby: {type: 'boolean'}, maintenance: {type: 'boolean'}, unclean: {type: 'boolean'}},
    }},
    resources: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['id', 'agent', 'group', 'nodes', 'role', 'targetRole'],
      properties: {id: str, agent: str, group: strOrNull, nodes: strings, role: {enum: ['started', 'stopped', 'failed', 'unmanaged']}, targetRole: str, promotedOn: strings},
    }},
    failures: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['resource', 'node', 'op', 'failCount', 'lastFailureMs'],
      properties: {resource: str, node: str, op: str, failCount: {type: 'integer'}, lastFailureMs: {type: ['integer', 'null']}},
    }},
    transition: {oneOf: [{type: 'null'}, {
      type: 'object', additionalProperties: false, required: ['id', 'summary', 'done', 'total'],
      properties: {id: {type: 'integer'}, summary: strings, done: {type: 'integer'}, total: {type: 'integer'}},
    }]},
    balancers: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['id', 'clone', 'vip', 'port', 'targetPort', 'method', 'node', 'backends', 'applied', 'reloading'],
      properties: {
        id: str, clone: str, vip: str, port: str, targetPort: str, method: str, node: strOrNull, applied: strOrNull, reloading: {type: 'boolean'},
        backends: {type: 'array', items: {
          type: 'object', additionalProperties: false, required: ['node', 'address', 'state'],
          properties: {node: str, address: str, state: {enum: ['active', 'adding', 'removing', 'failed']}, health: {enum: ['up', 'down']}, connections: {type: 'integer'}},
        }},
      },
    }},
    fencing: {type: 'array', items: fenceEvent},
    operations: {type: 'array', items: {
      type: 'object', additionalProperties: false, required: ['node', 'resource', 'op', 'intervalMs', 'rc', 'rcText', 'ok', 'execMs', 'atMs'],
      properties: {node: str, resource: str, op: str, intervalMs: {type: 'integer', minimum: 0}, rc: {type: ['integer', 'null']}, rcText: str, ok: {type: 'boolean'}, execMs: {type: ['integer', 'null']}, atMs: {type: 'integer'}},
    }},
  },
}

const integer = {type: 'integer'}
const integers = {type: 'array', items: integer}
const counts = (names: readonly string[]) => ({type: 'object', additionalProperties: false, required: [...names], properties: Object.fromEntries(names.map((n) => [n, integer]))})

const viewEvent = {
  type: 'object', additionalProperties: false,
  required: ['viewId', 'phase', 'members', 'quorate', 'dc', 'expectedVotes', 'totalVotes', 'joined', 'left', 'reason'],
  properties: {
    viewId: integer, phase: str, quorate: {type: 'boolean'}, dc: {type: ['integer', 'null']}, expectedVotes: integer, totalVotes: integer,
    joined: integers, left: integers, reason: str,
    members: {type: 'array', items: {type: 'object', additionalProperties: false, required: ['id', 'name', 'votes'], properties: {id: integer, name: str, votes: integer}}},
  },
}

const membershipSnapshot = {
  type: 'object', additionalProperties: false,
  required: ['nodeId', 'incarnation', 'transport', 'crypto', 'view', 'reachable', 'links', 'counters'],
  properties: {
    nodeId: integer, incarnation: integer, transport: {enum: ['udp', 'udpu']}, crypto: str, view: viewEvent, reachable: integers,
    /** Smoothed heartbeat round trip per peer id, in ms (echo delay less the peer's hold time). */
    rttMs: {type: 'object', propertyNames: {pattern: '^[0-9]+$'}, additionalProperties: {type: 'number', minimum: 0}},
    links: {type: 'array', items: {
      type: 'object', additionalProperties: false,
      required: ['link', 'localAddr', 'sentPackets', 'sentBytes', 'receivedPackets', 'receivedBytes', 'sendErrors', 'peersUp', 'up'],
      properties: {
        link: integer, localAddr: str, sentPackets: integer, sentBytes: integer, receivedPackets: integer, receivedBytes: integer,
        sendErrors: integer, peersUp: integers, up: {type: 'boolean'},
      },
    }},
    counters: {
      type: 'object', additionalProperties: false,
      required: ['sentPackets', 'sentBytes', 'receivedPackets', 'receivedBytes', 'accepted', 'dropped', 'appSent', 'appReceived'],
      properties: {
        sentPackets: integer, sentBytes: integer, receivedPackets: integer, receivedBytes: integer, accepted: integer,
        dropped: counts(DROP_REASONS), appSent: integer, appReceived: integer,
      },
    },
  },
}

const timingResult = {
  type: 'object', additionalProperties: false, required: ['totem', 'whatIf', 'figures', 'guard', 'safetyDelays', 'formulas', 'notes'],
  properties: {
    totem: {type: 'object', additionalProperties: false, required: ['heartbeat', 'token', 'consensus'], properties: {heartbeat: integer, token: integer, consensus: integer}},
    whatIf: {type: 'boolean'},
    figures: {type: 'object', additionalProperties: {type: 'number'}},
    guard: {type: 'object', additionalProperties: false, required: ['leaseMs', 'feedEveryMs'], properties: {leaseMs: integer, feedEveryMs: integer}},
    safetyDelays: {type: 'array', items: {type: 'object', additionalProperties: false, required: ['resources', 'agents', 'ms', 'formula'], properties: {resources: str, agents: strings, ms: integer, formula: str}}},
    formulas: {type: 'object', additionalProperties: str},
    notes: strings,
  },
}

const fenceDevice = {
  type: 'object', additionalProperties: false, required: ['id', 'agent', 'hosts', 'params', 'disabled'],
  properties: {id: str, agent: str, hosts: {type: ['array', 'null'], items: str}, params: stringMap, disabled: {type: 'boolean'}},
}

const failCount = {
  type: 'object', additionalProperties: false, required: ['resource', 'node', 'op', 'failCount', 'lastFailureMs'],
  properties: {resource: str, node: str, op: str, failCount: {type: 'integer'}, lastFailureMs: {type: ['integer', 'null']}},
}

const debugResult = {
  type: 'object', additionalProperties: false,
  required: ['resource', 'agent', 'action', 'status', 'ocfCode', 'ocfResult', 'exitCode', 'reason', 'stdout', 'stderr', 'durationMs'],
  properties: {
    resource: str, agent: str, action: {enum: ['start', 'stop', 'monitor']}, status: str, ocfCode: {type: ['integer', 'null']}, ocfResult: str,
    exitCode: {type: ['integer', 'null']}, reason: strOrNull, stdout: str, stderr: str, durationMs: {type: 'number'},
  },
}

const MORE_SCHEMAS: Record<string, object> = {
  'config history': {
    type: 'object', additionalProperties: false, required: ['stateDir', 'current', 'currentProblem', 'entries'],
    properties: {
      stateDir: str, current: {type: ['integer', 'null']}, currentProblem: strOrNull,
      entries: {type: 'array', items: {type: 'object', additionalProperties: false, required: ['epoch', 'storedAt', 'size', 'path'], properties: {epoch: {type: 'integer'}, storedAt: str, size: {type: 'integer'}, path: str}}},
    },
  },
  'completion': {type: 'object', additionalProperties: false, required: ['script'], properties: {script: str}},
  'stonith list': {type: 'array', items: fenceDevice},
  'stonith show': fenceDevice,
  'stonith history': {type: 'array', items: fenceEvent},
  'resource failcount show': {type: 'array', items: failCount},
  'resource failcount reset': {type: 'object', additionalProperties: false, required: ['resource', 'node'], properties: {resource: str, node: strOrNull}},
  'resource debug-start': debugResult,
  'resource debug-stop': debugResult,
  'resource debug-monitor': debugResult,
  'constraint ref': {type: 'object', additionalProperties: false, required: ['resource', 'constraints'], properties: {resource: str, constraints: strings}},
  'resource relocate show': {
    type: 'array',
    items: {
      type: 'object', additionalProperties: false, required: ['resource', 'instances', 'from', 'to', 'kind'],
      properties: {resource: str, instances: strings, from: str, to: str, kind: {enum: ['primitive', 'group', 'clone']}},
    },
  },
  'node fence': {type: 'object', additionalProperties: false, required: ['node', 'fenced', 'device'], properties: {node: str, fenced: {type: 'boolean'}, device: strOrNull}},
  'membership': membershipSnapshot,
  'cluster timing': timingResult,
  'status': clusterStatus,
  'cluster start': {type: 'object', additionalProperties: false, required: ['started', 'how', 'log'], properties: {started: {type: 'boolean'}, how: {enum: ['systemd', 'background', 'already-running']}, log: strOrNull}},
  'cluster stop': {type: 'object', additionalProperties: false, required: ['stopped', 'nodes'], properties: {stopped: {const: true}, nodes: {type: 'array', items: {type: 'string'}}}},
  'cluster destroy': {type: 'object', additionalProperties: false, required: ['removed'], properties: {removed: strings}},
  'install': {type: 'object', additionalProperties: false, required: ['root', 'files', 'enabled'], properties: {root: str, files: strings, enabled: {type: 'boolean'}}},
  'uninstall': {type: 'object', additionalProperties: false, required: ['root', 'removed'], properties: {root: str, removed: strings}},
  'resource cleanup': {oneOf: [
    {type: 'object', additionalProperties: false, required: ['resource', 'node'], properties: {resource: str, node: strOrNull}},
    {type: 'object', additionalProperties: false, required: ['resources'], properties: {resources: strings}},
  ]},
  'resource restart': {type: 'object', additionalProperties: false, required: ['resource'], properties: {resource: str}},
  'demo': {oneOf: [{
    type: 'object', additionalProperties: false, required: ['standbyMoveMs', 'crashFailoverMs', 'holders'],
    properties: {
      standbyMoveMs: {type: 'number'}, crashFailoverMs: {type: 'number'},
      holders: {type: 'object', additionalProperties: false, required: ['initial', 'afterStandby', 'afterCrash'], properties: {initial: str, afterStandby: str, afterCrash: str}},
    },
  }, {
    type: 'object', additionalProperties: false, required: ['activeActive'],
    properties: {activeActive: {
      type: 'object', additionalProperties: false, required: ['spread', 'killedBackend', 'balancerCrash'],
      properties: {
        spread: {type: 'object', additionalProperties: integer},
        killedBackend: {
          type: 'object', additionalProperties: false, required: ['node', 'failedRequests', 'lastFailureAfterMs', 'backAfterMs'],
          properties: {node: str, failedRequests: integer, lastFailureAfterMs: {type: ['number', 'null']}, backAfterMs: {type: ['number', 'null']}},
        },
        balancerCrash: {
          type: 'object', additionalProperties: false, required: ['from', 'to', 'failedRequests', 'gapMs', 'spreadAfter'],
          properties: {from: str, to: str, failedRequests: integer, gapMs: {type: 'number'}, spreadAfter: {type: 'object', additionalProperties: integer}},
        },
      },
    }},
  }]},
}

/** Result schemas by command id (space-separated). Commands that report something but are not listed fail the contract test. */
export const RESULT_SCHEMAS: Record<string, object> = {
  ...AGENT_RESULT_SCHEMAS,
  ...POLICY_RESULT_SCHEMAS,
  ...MORE_SCHEMAS,
  ...OBSERVE_RESULT_SCHEMAS,
  ...Object.fromEntries(EDIT_COMMANDS.map((id) => [id, editResult])),
  // Live node add/remove (cluster.json's node list): the edit result, or the new node list.
  ...Object.fromEntries(['node add', 'node remove'].map((id) => [id, {
    ...editResult,
    required: ['change'],
    properties: {
      ...editResult.properties,
      node: {type: 'object', additionalProperties: false, required: ['id', 'name', 'addrs', 'votes'], properties: {id: {type: 'integer'}, name: str, addrs: strings, votes: {type: 'integer'}}},
      nodes: strings, nodesVersion: {type: 'integer', minimum: 0}, joinToken: str,
    },
  }])),
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
  // One resource, group or clone with NAME; every top-level one, in an array, without it (pcs resource config).
  'resource show': (() => {
    const view = {type: 'object', required: ['kind', 'constraints'], properties: {kind: {enum: ['primitive', 'group', 'clone']}, constraints: {type: 'array'}}}
    return {oneOf: [view, {type: 'array', items: view}]}
  })(),
  'constraint list': {type: 'array', items: {type: 'object', required: ['id', 'type'], properties: {id: {type: 'string'}, type: {enum: ['location', 'colocation', 'order']}}}},
  'constraint': {type: 'array', items: {type: 'object', required: ['id', 'type'], properties: {id: {type: 'string'}, type: {enum: ['location', 'colocation', 'order']}}}},
  'cluster enable': {type: 'object', additionalProperties: false, required: ['unit', 'enabled'], properties: {unit: {type: 'string'}, enabled: {const: true}}},
  'cluster disable': {type: 'object', additionalProperties: false, required: ['unit', 'enabled'], properties: {unit: {type: 'string'}, enabled: {const: false}}},
  'resource group list': {type: 'array', items: {type: 'object', additionalProperties: false, required: ['id', 'members'], properties: {id: {type: 'string'}, members: {type: 'array', items: {type: 'string'}}}}},
  'node list': {
    type: 'array',
    items: {
      type: 'object', required: ['name', 'attributes', 'utilization', 'standby', 'maintenance'], additionalProperties: false,
      properties: {name: {type: 'string'}, attributes: stringMap, utilization: stringMap, standby: {type: 'boolean'}, maintenance: {type: 'boolean'}},
    },
  },
  'resource defaults': {oneOf: [editResult, {type: 'object', required: ['defaults'], additionalProperties: false, properties: {defaults: stringMap}}]},
  'resource op defaults': {oneOf: [editResult, {type: 'object', required: ['defaults'], additionalProperties: false, properties: {defaults: stringMap}}]},
  'property list': {
    type: 'array',
    items: {
      type: 'object', required: ['name', 'value', 'default', 'set'], additionalProperties: false,
      properties: {name: {type: 'string'}, value: {type: 'string'}, default: {type: 'string'}, set: {type: 'boolean'}},
    },
  },
  'property': {type: 'array', items: {type: 'object', required: ['name', 'value', 'default', 'set'], properties: {name: {type: 'string'}}}},
  'stonith': {type: 'array', items: fenceDevice},
  'resource': clusterStatus.properties.resources,
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
