import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {HactlError} from '../../cli/errors.js'
import {runDirFlag} from '../../cli/flags.js'
import {callDaemon, socketPath} from '../../client/client.js'
import {exists} from '../../store/cluster-files.js'

export interface StopResult {stopped: boolean, nodes: string[]}

/** How long a clean leave may take: the DC moves the node's resources away first. */
const STOP_WAIT_MS = 120_000

export default class ClusterStop extends HactlCommand<StopResult> {
  static override summary = 'Stop the cluster daemon cleanly on this node, on the named nodes, or on every node (--all): their resources move to other nodes first.'
  static override description = `As pcs cluster stop: each stopped node runs the clean leave (the DC moves what it holds away, or stops it when no node is left to take it, and records the leave, so nobody fences it). Refused, with nothing done, when the nodes left would not be quorate, unless --force (pcs refuses the same way); --all stops every running node at once and needs no --force. Remote nodes are asked through this node's daemon; the command returns once they have left this node's view, or, when this node stops too (--all, or its name among them), once its own daemon has stopped (the others stop at the same time). hactl cluster start has no --all: hactl has no remote agent (pcsd), so start each node on that node.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> n2', '<%= config.bin %> <%= command.id %> --all']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', required: false, description: 'Node to stop (repeatable; default: this node).'})}
  static override flags = {
    'run-dir': runDirFlag,
    all: Flags.boolean({summary: 'Stop every running node of the cluster.', default: false}),
    force: Flags.boolean({summary: 'Stop even when the nodes left would lose quorum.', default: false}),
  }

  async run(): Promise<StopResult> {
    const {argv, flags} = await this.parse(ClusterStop)
    const nodes = argv as string[]
    const onlySelf = nodes.length === 0 && !flags.all
    // This node's name first: once asked, this node's daemon may be gone. Alone, it is the one asked.
    const self = onlySelf ? undefined : (await callDaemon(flags['run-dir'], 'status', {})).localNode
    const result = await callDaemon(flags['run-dir'], 'shutdown', {...(nodes.length > 0 ? {nodes} : {}), ...(flags.all ? {all: true} : {}), ...(flags.force ? {force: true} : {})})
    if (onlySelf) return this.waitSelf(flags['run-dir'], result.nodes, Date.now() + STOP_WAIT_MS)
    const remote = result.nodes.filter((n) => n !== self)
    const deadline = Date.now() + STOP_WAIT_MS
    if (remote.length > 0) this.say(`asked ${remote.join(', ')} to stop`)
    // Remote nodes: until they left this node's view (unless this node stops too: its socket tells then).
    if (remote.length > 0 && !result.nodes.includes(self ?? '')) {
      let running = remote
      while (running.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        const status = await callDaemon(flags['run-dir'], 'status', {}).catch(() => undefined)
        if (status) running = remote.filter((n) => !status.nodes.some((e) => e.name === n && !e.online))
      }
      if (running.length > 0) throw new HactlError('stop-timeout', `${running.join(', ')} did not leave within ${STOP_WAIT_MS / 1000} s after it was asked to stop`, 1)
      for (const n of remote) this.say(`stopped ${n}`)
      return {stopped: true, nodes: result.nodes}
    }
    return this.waitSelf(flags['run-dir'], result.nodes, deadline)
  }

  /** This node: its socket disappears when the daemon has moved its resources away and left. */
  private async waitSelf(runDir: string, nodes: string[], deadline: number): Promise<StopResult> {
    const path = socketPath(runDir)
    while (await exists(path) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    this.say('the daemon stopped')
    return {stopped: true, nodes}
  }
}
