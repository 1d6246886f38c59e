import {HactlCommand} from '../../cli/base-command.js'
import {runDirFlag} from '../../cli/flags.js'
import {callDaemon, socketPath} from '../../client/client.js'
import {exists} from '../../store/cluster-files.js'

export interface StopResult {stopped: boolean}

export default class ClusterStop extends HactlCommand<StopResult> {
  static override summary = 'Stop the cluster daemon on this node cleanly: its resources move to other nodes first.'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {'run-dir': runDirFlag}

  async run(): Promise<StopResult> {
    const {flags} = await this.parse(ClusterStop)
    await callDaemon(flags['run-dir'], 'shutdown', {})
    const path = socketPath(flags['run-dir'])
    // The socket disappears when the daemon has moved its resources away and left.
    const deadline = Date.now() + 120_000
    while (await exists(path) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    this.say('the daemon stopped')
    return {stopped: true}
  }
}
