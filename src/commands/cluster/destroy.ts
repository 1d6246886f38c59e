import {Flags} from '@oclif/core'
import {rm} from 'node:fs/promises'
import {HactlCommand} from '../../cli/base-command.js'
import {HactlError, inputError} from '../../cli/errors.js'
import {configDirFlag, runDirFlag, stateDirFlag} from '../../cli/flags.js'
import {DaemonClient} from '../../client/client.js'
import {clusterJsonPath, defaultAuthkeyPath} from '../../store/cluster-files.js'

export interface DestroyResult {removed: string[]}

export default class ClusterDestroy extends HactlCommand<DestroyResult> {
  static override summary = 'Erase this node\'s cluster configuration: cluster.json, the authkey and the replicated configuration.'
  static override description = 'The daemon must be stopped first (hactl cluster stop). Other nodes keep their copies.'
  static override examples = ['<%= config.bin %> <%= command.id %> --force']
  static override flags = {
    'config-dir': configDirFlag, 'state-dir': stateDirFlag, 'run-dir': runDirFlag,
    force: Flags.boolean({summary: 'Required: this cannot be undone.'}),
  }

  async run(): Promise<DestroyResult> {
    const {flags} = await this.parse(ClusterDestroy)
    if (!flags.force) throw inputError('cluster destroy erases this node\'s cluster configuration; add --force to confirm')
    let running = false
    try {
      (await DaemonClient.connect(flags['run-dir'])).close()
      running = true
    } catch {
      // Not running: as required.
    }
    if (running) throw new HactlError('running', 'the daemon is running on this node: stop it first with hactl cluster stop', 1)
    const removed = [clusterJsonPath(flags['config-dir']), defaultAuthkeyPath(flags['config-dir']), flags['state-dir']]
    for (const path of removed) await rm(path, {recursive: true, force: true})
    this.say(`removed ${removed.join(', ')}`)
    return {removed}
  }
}
