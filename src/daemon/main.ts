// `hactl daemon` without oclif: the daemon lives for months, and the CLI
// framework and the command modules it loads would stay in its memory the whole
// time (about 10 MB of its RSS). bin/run.js sends the plain forms here —
// daemon [--node N] [--config-dir D] [--state-dir D] [--run-dir D] — and
// everything else (--help, unknown or malformed flags) to oclif, whose command
// (src/commands/daemon.ts) runs the same runDaemon().
import {DaemonClient} from '../client/client.js'
import {HactlError, normalizeError} from '../cli/errors.js'

export interface DaemonArgs {
  configDir: string
  stateDir: string
  runDir: string
  nodeName?: string
}

const FLAGS: Record<string, keyof DaemonArgs> = {'--config-dir': 'configDir', '--state-dir': 'stateDir', '--run-dir': 'runDir', '--node': 'nodeName'}

/** Returns undefined when the arguments need the full CLI (help, unknown flags, a flag without its value). */
export function fastDaemonArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DaemonArgs | undefined {
  const args: DaemonArgs = {
    configDir: env.HACTL_CONFIG_DIR || '/etc/hactl',
    stateDir: env.HACTL_STATE_DIR || '/var/lib/hactl',
    runDir: env.HACTL_RUN_DIR || '/run/hactl',
    ...(env.HACTL_NODE_NAME ? {nodeName: env.HACTL_NODE_NAME} : {}),
  }
  const seen = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=')
    const name = eq < 0 ? argv[i] : argv[i].slice(0, eq)
    const key = FLAGS[name]
    if (key === undefined || seen.has(name)) return undefined
    seen.add(name)
    const value = eq < 0 ? argv[++i] : argv[i].slice(eq + 1)
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('-'))) return undefined
    args[key] = value
  }
  return args
}

/** Runs the daemon until SIGTERM or SIGINT has shut it down cleanly. */
export async function runDaemon(args: DaemonArgs): Promise<void> {
  try {
    const client = await DaemonClient.connect(args.runDir)
    client.close()
    throw new HactlError('already-running', `a daemon already answers on ${args.runDir}/hactl.sock`, 1)
  } catch (error) {
    if (error instanceof HactlError && error.code !== 'unreachable') throw error
  }
  const {readBootstrap} = await import('../store/cluster-files.js')
  const {ClusterDaemon} = await import('./cluster-daemon.js')
  const {createLogger} = await import('./logger.js')
  const bootstrap = await readBootstrap(args.configDir)
  const logger = createLogger()
  const daemon = new ClusterDaemon(bootstrap, {configDir: args.configDir, stateDir: args.stateDir, runDir: args.runDir, nodeName: args.nodeName, logger})
  await daemon.start()
  await new Promise<void>((resolve) => {
    // Shut down by a signal or by `hactl cluster stop` over the socket: either way, done.
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
      readBootstrap(args.configDir).then((next) => {
        const changed = JSON.stringify(next) !== JSON.stringify(bootstrap)
        logger.log(changed ? 'warning' : 'info', 'reload', {
          changed, note: changed ? 'cluster.json changed: restart the daemon on every node to apply it (timings are fixed while running; the node list changes live with hactl node add|remove)' : undefined,
        })
      }, (error) => logger.log('error', 'reload-failed', {error: String((error as Error).message)}))
    })
  })
}

/** The fast path's error handling, as HactlCommand's: one line, the exit code, a stack only with HACTL_DEBUG=1. */
export async function fastDaemon(args: DaemonArgs): Promise<number> {
  try {
    await runDaemon(args)
    return 0
  } catch (error) {
    const {message, exitCode} = normalizeError(error)
    if (process.env.HACTL_DEBUG === '1') process.stderr.write(`${(error as Error).stack ?? error}\n`)
    process.stderr.write(`hactl: ${message}\n`)
    return exitCode
  }
}
