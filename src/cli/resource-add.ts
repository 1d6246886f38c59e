import {Args, Flags} from '@oclif/core'
import type {ConfigEdit} from '../core/config/edits.js'
import type {NameValues, Operation, Primitive} from '../core/config/types.js'
import {checkOperationAttributes, forceFlag} from './agent-params.js'
import {parseOperation, parsePairs} from './parse.js'

/** Flags shared by every `resource add` command. */
export const resourceAddFlags = {
  group: Flags.string({summary: 'Add the resource to this group (created if missing), after its last member.'}),
  before: Flags.string({summary: 'With --group: put the resource before this member.', dependsOn: ['group'], exclusive: ['after']}),
  after: Flags.string({summary: 'With --group: put the resource after this member.', dependsOn: ['group'], exclusive: ['before']}),
  meta: Flags.string({summary: 'Meta attribute KEY=VALUE (repeatable), e.g. resource-stickiness=100.', multiple: true}),
  op: Flags.string({summary: 'Operation, e.g. "monitor interval=10s timeout=20s" (repeatable); replaces the default of that action.', multiple: true}),
  disabled: Flags.boolean({summary: 'Add the resource stopped (target-role=Stopped).'}),
  force: forceFlag,
}

export const resourceNameArg = Args.string({name: 'NAME', required: true, description: 'Resource id.'})

/**
 * Default operations, as pcs adds them from the agent's meta-data: a monitor every
 * 10 s (Pacemaker's usual advice), start/stop timeouts of 20 s.
 */
export function defaultOperations(monitorInterval = '10s', timeout = '20s'): Operation[] {
  return [
    {name: 'start', interval: '0s', timeout},
    {name: 'stop', interval: '0s', timeout},
    {name: 'monitor', interval: monitorInterval, timeout},
  ]
}

function withOperations(defaults: Operation[], given: Operation[]): Operation[] {
  const replaced = new Set(given.map((op) => op.name))
  return [...defaults.filter((op) => !replaced.has(op.name)), ...given]
}

interface AddFlags {group?: string, before?: string, after?: string, meta?: string[], op?: string[], disabled: boolean, force?: boolean}

export function buildAddEdit(id: string, agent: string, params: NameValues, flags: AddFlags, defaults = defaultOperations()): ConfigEdit {
  const given = (flags.op ?? []).map(parseOperation)
  checkOperationAttributes(given, flags.force)
  const resource: Primitive = {
    id,
    agent,
    params,
    meta: parsePairs(flags.meta ?? [], '--meta'),
    operations: withOperations(defaults, given),
    utilization: {},
  }
  return {op: 'resource.add', resource, group: flags.group, before: flags.before, ...(flags.after === undefined ? {} : {after: flags.after}), disabled: flags.disabled}
}
