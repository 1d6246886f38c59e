import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {HactlError, inputError} from '../../cli/errors.js'
import {configDirFlag, runDirFlag, stateDirFlag} from '../../cli/flags.js'
import {startLocalDaemon} from '../../cli/local-daemon.js'
import {findLocalNode} from '../../daemon/local-node.js'
import {readBootstrap} from '../../store/cluster-files.js'

export interface StartResult {started: boolean, how: 'systemd' | 'background' | 'already-running', log: string | null}

export default class ClusterStart extends HactlCommand<StartResult> {
  static override summary = 'Start the cluster daemon on this node (systemctl start hactl when the unit is installed, else in the background).'
  static override description = `Unlike pcs cluster start, only this node: a stopped node runs no hactl process that another node could ask (hactl has no pcsd), so NODE arguments other than this node and --all are refused with the list of nodes to start, nothing done. Run hactl cluster start on each of them (for instance over ssh); cluster stop --all and cluster stop NODE do work remotely, through the running daemons.`
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', required: false, description: 'This node\'s name (accepted as pcs does; other nodes are refused).'})}
  static override flags = {
    'config-dir': configDirFlag, 'state-dir': stateDirFlag, 'run-dir': runDirFlag,
    all: Flags.boolean({summary: 'Refused: start each node on that node (hactl has no remote agent).', default: false}),
  }

  async run(): Promise<StartResult> {
    const {argv, flags} = await this.parse(ClusterStart)
    const named = argv as string[]
    if (flags.all || named.length > 0) await this.refuseRemote(flags['config-dir'], named, flags.all)
    const result = await startLocalDaemon({configDir: flags['config-dir'], stateDir: flags['state-dir'], runDir: flags['run-dir']})
    if (!result.started && result.how !== 'already-running') throw new HactlError('start-failed', 'the daemon did not start', 1)
    this.say(result.how === 'already-running' ? 'the daemon is already running' : `started the daemon (${result.how}${result.log ? `, log ${result.log}` : ''})`)
    return result
  }

  /** Returns when the only node named is this one; otherwise a one-line refusal naming the nodes to start where they run. */
  private async refuseRemote(configDir: string, named: string[], all: boolean): Promise<void> {
    const bootstrap = await readBootstrap(configDir).catch(() => undefined)
    const names = bootstrap?.nodes.map((n) => n.name) ?? []
    const unknown = named.filter((n) => bootstrap !== undefined && !names.includes(n))
    if (unknown.length > 0) throw inputError(`${unknown.join(', ')}: not a node of this cluster (nodes: ${names.join(', ')})`, 'not-found')
    // This node as its daemon will find it (HACTL_NODE_NAME, else a local address, else the host name).
    let local: string | undefined
    try {
      local = bootstrap === undefined ? undefined : findLocalNode(bootstrap, process.env.HACTL_NODE_NAME || undefined).name
    } catch {
      local = undefined
    }
    const others = (all ? names : named).filter((n) => n !== local)
    if (!all && others.length === 0) return
    const here = others.length > 0 && local !== undefined && (all || named.includes(local)) ? ', and here' : ''
    throw new HactlError('unsupported', `cluster start${all ? ' --all' : ''}: a stopped node runs no hactl process to ask (hactl has no pcsd); nothing was done: run 'hactl cluster start' on ${others.length > 0 ? others.join(', ') : 'each node'}${here} (e.g. over ssh)`, 2)
  }
}
