import {Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {configDirFlag, runDirFlag, stateDirFlag} from '../cli/flags.js'

export default class Daemon extends HactlCommand<void> {
  static override summary = 'Run the cluster daemon of this node in the foreground (what the systemd unit starts).'
  static override description = `Logs go to standard error, one structured line each with a syslog priority prefix (journald reads it as the level).
SIGTERM or SIGINT: a clean shutdown — the node's resources move away first, then it leaves the membership.
SIGHUP: cluster.json is read and checked again; changes that need a restart are named in the log.`
  static override examples = ['<%= config.bin %> <%= command.id %>', 'HACTL_CONFIG_DIR=/tmp/n1/etc <%= config.bin %> <%= command.id %> --node n1 --state-dir /tmp/n1/state --run-dir /tmp/n1/run']
  static override enableJsonFlag = false
  static override flags = {
    'config-dir': configDirFlag,
    'state-dir': stateDirFlag,
    'run-dir': runDirFlag,
    node: Flags.string({summary: 'This node\'s name in cluster.json (default: the node whose address is local, else the host name).', env: 'HACTL_NODE_NAME'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Daemon)
    const {runDaemon} = await import('../daemon/main.js')
    await runDaemon({configDir: flags['config-dir'], stateDir: flags['state-dir'], runDir: flags['run-dir'], nodeName: flags.node})
    // Everything is stopped and said; do not linger on whatever the runtime still holds.
    process.stderr.write('', () => process.exit(0))
  }
}
