import {Flags} from '@oclif/core'
import type {NameValues, Operation} from '../core/config/types.js'
import {HactlError, inputError} from './errors.js'

/** pcs' --force: accept what the checks against this node's agents would refuse. */
export const forceFlag = Flags.boolean({
  summary: 'Accept an agent that is not installed on this node, parameters its meta-data does not declare, or unknown op attributes (as pcs --force).',
})

const FORCE_HINT = 'use --force to accept it anyway (e.g. when the agent is installed on the cluster\'s nodes only)'

/** Pacemaker's op attributes, and OCF_CHECK_LEVEL, the one instance attribute set on ops. */
export const OP_ATTRIBUTES: ReadonlySet<string> = new Set([
  'interval', 'timeout', 'on-fail', 'id', 'description', 'start-delay', 'interval-origin', 'enabled', 'record-pending', 'role', 'requires', 'OCF_CHECK_LEVEL',
])

/** Operations every agent class knows without declaring them. */
const STANDARD_ACTIONS = new Set(['start', 'stop', 'monitor', 'status', 'meta-data', 'validate-all', 'reload', 'reload-agent', 'promote', 'demote', 'notify', 'migrate_to', 'migrate_from'])

/** The first unknown op attribute (`intervall=10s`), as an error naming it and the valid ones; unless force. */
export function checkOperationAttributes(operations: Operation[], force = false): void {
  if (force) return
  for (const op of operations) {
    const unknown = Object.keys(op.extra ?? {}).filter((k) => !OP_ATTRIBUTES.has(k))
    if (unknown.length > 0) {
      throw inputError(`--op ${op.name}: unknown attribute ${unknown.map((k) => `'${k}'`).join(', ')}; valid: ${[...OP_ATTRIBUTES].join(', ')}; ${FORCE_HINT.replace(/ \(e\.g\..*\)$/, '')}`, 'invalid-op-attribute')
    }
  }
}

/**
 * Checks an agent and its parameters (and operation names) against the meta-data of
 * the agent installed on this node, as pcs does: an agent that is not installed, an
 * unknown parameter or a missing required one is an input error (exit 2) that lists
 * the valid parameters. --force skips the check. Fence agents (fence:AGENT) are
 * checked by the stonith commands.
 */
export async function checkAgentParams(agent: string, params: NameValues, options: {force?: boolean, operations?: Operation[]} = {}): Promise<void> {
  checkOperationAttributes(options.operations ?? [], options.force)
  if (options.force || agent.startsWith('fence:')) return
  const {validateAgentParams} = await import('../agents/describe.js')
  let metadata
  try {
    metadata = await validateAgentParams(agent, params)
  } catch (error) {
    if (error instanceof HactlError && error.code !== 'invalid-agent') throw inputError(`${error.message}; ${FORCE_HINT}`, error.code)
    throw error
  }
  if (!metadata) return
  const actions = new Set([...STANDARD_ACTIONS, ...metadata.actions.map((a) => a.name)])
  for (const op of options.operations ?? []) {
    if (!actions.has(op.name)) throw inputError(`${agent} has no action '${op.name}'; its actions: ${metadata.actions.map((a) => a.name).join(', ')}; ${FORCE_HINT}`, 'invalid-op')
  }
}
