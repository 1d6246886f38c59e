import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {HactlError, inputError} from '../../cli/errors.js'
import {devicesFor} from '../../cli/fence-devices.js'
import {runDirFlag} from '../../cli/flags.js'
import {callDaemon} from '../../client/client.js'
import {booleanProperty} from '../../core/config/booleans.js'

export interface FenceResult {node: string, fenced: boolean, device: string | null}

/** Asks on the terminal; false unless the answer is the node's name. */
async function confirm(node: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises')
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`Fence node ${node}? Its fence device powers it off or reboots it, whatever it runs. Type the node name to confirm: `)
    return answer.trim() === node
  } finally {
    rl.close()
  }
}

export default class NodeFence extends HactlCommand<FenceResult> {
  static override summary = 'Fence a node now with its fence device (pcs stonith fence): asks for confirmation unless --force.'
  static override description = `The DC runs the fence devices that cover NODE (pcmk_host_list, or all), as for a node lost uncleanly, and the command returns once one succeeded (exit 0) or all failed (exit 1). The node's resources are recovered elsewhere at once, and the fence is recorded in 'hactl stonith history'. Refused (exit 1, nothing done) when no device covers NODE or fencing is disabled (stonith-enabled=false); ask on another node than NODE. On a terminal the command asks for the node's name; elsewhere (scripts) --force is required.`
  static override examples = ['<%= config.bin %> <%= command.id %> n3', '<%= config.bin %> <%= command.id %> n3 --force']
  static override args = {node: Args.string({name: 'NODE', required: true, description: 'Node to fence.'})}
  static override aliases = ['stonith fence']
  static override flags = {
    'run-dir': runDirFlag,
    force: Flags.boolean({summary: 'Do not ask for confirmation.'}),
  }

  async run(): Promise<FenceResult> {
    const {args, flags} = await this.parse(NodeFence)
    const [status, config] = await Promise.all([callDaemon(flags['run-dir'], 'status', {}), callDaemon(flags['run-dir'], 'config.get', {})])
    if (!status.nodes.some((n) => n.name === args.node)) throw inputError(`node ${JSON.stringify(args.node)} is not a cluster node (nodes: ${status.nodes.map((n) => n.name).join(', ')})`, 'not-found')
    if (devicesFor(config, args.node).length === 0) throw new HactlError('no-fence-device', `no fence device covers ${args.node}: add one with 'hactl stonith create' (pcmk_host_list=${args.node} or no host list); nothing was done`)
    if (!flags.force && (!process.stdin.isTTY || this.jsonEnabled())) throw inputError(`fencing ${args.node} powers it off or reboots it: confirm with --force (no terminal to ask on)`, 'confirmation-required')
    if (!booleanProperty(config, 'stonith-enabled')) throw new HactlError('fencing-disabled', `fencing is disabled (stonith-enabled=false): enable it with 'hactl property set stonith-enabled=true' first; nothing was done`)
    if (!flags.force && !(await confirm(args.node))) throw inputError(`not confirmed: ${args.node} was not fenced`, 'not-confirmed')
    let result: FenceResult
    try {
      result = await callDaemon(flags['run-dir'], 'node.fence', {node: args.node})
    } catch (error) {
      if (error instanceof HactlError && error.code === 'unknown-method') {
        throw new HactlError('unsupported', `this daemon cannot fence on request (it has no control method node.fence); nothing was done`)
      }
      throw error
    }
    if (!result.fenced) throw new HactlError('fence-failed', `fencing ${args.node} failed with every device that covers it; see the DC's log (${status.dc ?? 'no DC'})`)
    this.say(`Node ${args.node} fenced${result.device ? ` by ${result.device}` : ''}`)
    return result
  }
}
