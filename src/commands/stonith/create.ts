import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {fenceAgentId, locateFenceAgent} from '../../cli/fence-devices.js'
import {parsePairs} from '../../cli/parse.js'
import {parsePcsWords} from '../../cli/pcs-words.js'
import {buildAddEdit, resourceNameArg} from '../../cli/resource-add.js'

export default class StonithCreate extends EditCommand {
  static override summary = 'Add a fence device: NAME AGENT [KEY=VALUE...] (pcs stonith create).'
  static override description = `The same fence devices as 'resource add agent NAME fence:AGENT': the DC runs the agent, with Pacemaker's stdin protocol, to fence a node that left uncleanly when stonith-enabled=true, or on 'hactl node fence'. pcmk_host_list=NODE,... limits the nodes it fences. The agent must be installed on this node (HACTL_FENCE_PATH, /usr/sbin, /usr/local/sbin) unless --force.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ipmi-n1 fence_ipmilan ip=10.0.9.1 username=admin password=secret pcmk_host_list=n1',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> virsh fence_virsh ip=10.0.0.1 --force',
  ]

  static override strict = false
  static override args = {name: resourceNameArg, agent: Args.string({name: 'AGENT', required: true, description: 'Fence agent: fence_ipmilan, fence:fence_virsh, …'})}
  static override flags = {
    force: Flags.boolean({summary: 'Accept a fence agent that is not installed on this node.'}),
    disabled: Flags.boolean({summary: 'Add the device disabled.'}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(StonithCreate)
    const agent = fenceAgentId(args.agent)
    // pcs stonith create NAME AGENT [KEY=VALUE...] [op ACTION KEY=VALUE...] [meta KEY=VALUE...]: operations are kept in the
    // configuration (a CIB exported again has them) but not run: the DC runs a device's agent only to fence.
    const words = parsePcsWords((argv as string[]).slice(2), 'usage: stonith create NAME AGENT [KEY=VALUE...] [op ACTION KEY=VALUE...] [meta KEY=VALUE...]', false)
    const params = parsePairs(words.params, 'parameter')
    if (!flags.force && !(await locateFenceAgent(agent))) {
      throw inputError(`fence agent ${agent.slice('fence:'.length)} is not installed on this node (looked in HACTL_FENCE_PATH, /usr/sbin, /usr/local/sbin); use --force to add it anyway`, 'agent-unavailable')
    }
    return this.applyChange(flags, buildAddEdit(args.name, agent, params, {disabled: flags.disabled, op: words.ops, meta: words.meta}, []), `added fence device ${args.name}`)
  }
}
