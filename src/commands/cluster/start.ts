import {HactlCommand} from '../../cli/base-command.js'
import {HactlError} from '../../cli/errors.js'
import {configDirFlag, runDirFlag, stateDirFlag} from '../../cli/flags.js'
import {startLocalDaemon} from '../../cli/local-daemon.js'

export interface StartResult {started: boolean, how: 'systemd' | 'background' | 'already-running', log: string | null}

export default class ClusterStart extends HactlCommand<StartResult> {
  static override summary = 'Start the cluster daemon on this node (systemctl start hactl when the unit is installed, else in the background).'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {'config-dir': configDirFlag, 'state-dir': stateDirFlag, 'run-dir': runDirFlag}

  async run(): Promise<StartResult> {
    const {flags} = await this.parse(ClusterStart)
    const result = await startLocalDaemon({configDir: flags['config-dir'], stateDir: flags['state-dir'], runDir: flags['run-dir']})
    if (!result.started && result.how !== 'already-running') throw new HactlError('start-failed', 'the daemon did not start', 1)
    this.say(result.how === 'already-running' ? 'the daemon is already running' : `started the daemon (${result.how}${result.log ? `, log ${result.log}` : ''})`)
    return result
  }
}
