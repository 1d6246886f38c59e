import {callDaemon} from '../client/client.js'
import type {ConfigEdit} from '../core/config/edits.js'
import {readTarget} from './config-target.js'
import {inputError} from './errors.js'
import {localNodeName} from './local-node.js'

/**
 * The nodes a node command acts on, as pcs takes them: the named ones, every node
 * (--all: the cluster's nodes, or those the -f file declares), or this node.
 */
export async function targetNodes(flags: {file?: string, 'run-dir': string}, names: string[], all: boolean): Promise<string[]> {
  if (all && names.length > 0) throw inputError(`--all acts on every node: name no nodes with it (got ${names.join(' ')})`)
  if (all) {
    const nodes = flags.file !== undefined
      ? (await readTarget(flags)).nodes.map((n) => n.name)
      : (await callDaemon(flags['run-dir'], 'status', {})).nodes.map((n) => n.name)
    if (nodes.length === 0) throw inputError('--all: no nodes are declared in this configuration; name them')
    return nodes
  }
  return names.length > 0 ? [...new Set(names)] : [await localNodeName(flags)]
}

/** Edits of several targets as one change (one epoch, all or nothing); one edit as itself. */
export function oneChange(edits: ConfigEdit[]): ConfigEdit {
  return edits.length === 1 ? edits[0] : {op: 'batch', edits}
}

/** One node.set edit per node, as one change. */
export function nodeSetEdit(nodes: string[], set: {standby?: boolean, maintenance?: boolean}): ConfigEdit {
  return oneChange(nodes.map((name) => ({op: 'node.set', name, ...set})))
}

/** pcs resource manage|unmanage R...: is-managed on each, as one change. */
export function managedEdit(ids: string[], managed: boolean): ConfigEdit {
  // manage removes is-managed (its default is true), as pcs does; unmanage sets false.
  return oneChange([...new Set(ids)].map((id) => ({op: 'resource.meta', id, meta: {'is-managed': managed ? '' : 'false'}})))
}
