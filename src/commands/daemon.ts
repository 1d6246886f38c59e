import {Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {HactlError} from '../cli/errors.js'
import {configDirFlag, runDirFlag, stateDirFlag} from '../cli/flags.js'
import {DaemonClient} from '../client/client.js'

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
    try {
      const client = await DaemonClient.connect(flags['run-dir'])
      client.close()
      throw new HactlError('already-running', `a daemon already answers on ${flags['run-dir']}/hactl.sock`, 1)
    } catch (error) {
      if (error instanceof HactlError && error.code !== 'unreachable') throw error
    }
    const {readBootstrap} = await import('../store/cluster-files.js')
    const {ClusterDaemon} = await import('../daemon/cluster-daemon.js')
    const {createLogger} = await import('../daemon/logger.js')
    const bootstrap = await readBootstrap(flags['config-dir'])
    const logger = createLogger()
    const daemon = new ClusterDaemon(bootstrap, {configDir: flags['config-dir'], stateDir: flags['state-dir'], runDir: flags['run-dir'], nodeName: flags.node, logger})
    await daemon.start()
    await new Promise<void>((resolve) => {
      void daemon.stopped.then(resolve)
      const stop = (signal: string) => {
        void daemon.shutdown(signal).then(resolve, (error) => {
          logger.log('crit', 'shutdown-failed', {error: String(error)})
          resolve()
        })
      }
      process.once('SIGTERM', () => stop('SIGTERM'))
      process.once('SIGINT', () => stop('SIGINT'))
      process.on('SIGHUP', () => {
        readBootstrap(flags['config-dir']).then((next) => {
          const changed = JSON.stringify(next) !== JSON.stringify(bootstrap)
          logger.log(changed ? 'warning' : 'info', 'reload', {
            changed, note: changed ? 'cluster.json changed: restart the daemon on every node to apply it (timings and nodes are fixed while running)' : undefined,
          })
        }, (error) => logger.log('error', 'reload-failed', {error: String((error as Error).message)}))
      })
    })
    // Everything is stopped and said; do not linger on whatever the runtime still holds.
    process.stderr.write('', () => process.exit(0))
  }
}
