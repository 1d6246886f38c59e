import type {ConfigEdit} from '../core/config/edits.js'
import type {ResourceConfig} from '../core/config/types.js'
import {callDaemon} from '../client/client.js'
import {editConfigFile, readConfigFile} from '../store/config-file.js'

export interface TargetFlags {
  file?: string
  'run-dir': string
  'if-epoch'?: number
}

// With -f the file is the configuration; without it, the live cluster is. Both
// apply the same ConfigEdit through applyEdit (the daemon's DC runs it too).

export async function readTarget(flags: TargetFlags): Promise<ResourceConfig> {
  if (flags.file !== undefined) return readConfigFile(flags.file)
  return callDaemon(flags['run-dir'], 'config.get', {})
}

export async function editTarget(flags: TargetFlags, edit: ConfigEdit): Promise<ResourceConfig> {
  if (flags.file !== undefined) return editConfigFile(flags.file, edit, flags['if-epoch'])
  return callDaemon(flags['run-dir'], 'config.edit', {edit, ifEpoch: flags['if-epoch']})
}

/**
 * The configuration as the policy engine plans on it, with the cluster's state in
 * `status`: from the file (its saved status), or from the live cluster (its DC's
 * view). Fence devices are left out and every cluster node is declared, as the DC does.
 */
export async function readForSimulation(flags: TargetFlags): Promise<ResourceConfig> {
  const {planningConfig} = await import('../core/orchestration/index.js')
  if (flags.file !== undefined) {
    const config = await readConfigFile(flags.file)
    return planningConfig(config, config.nodes.map((n) => n.name))
  }
  const [config, state] = await Promise.all([
    callDaemon(flags['run-dir'], 'config.get', {}),
    callDaemon(flags['run-dir'], 'cluster.state', {}),
  ])
  return {...planningConfig(config, Object.keys(state.nodes)), status: state as unknown as Record<string, unknown>}
}
