import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {parsePairs} from '../../../cli/parse.js'
import {buildAddEdit, resourceAddFlags, resourceNameArg} from '../../../cli/resource-add.js'

const AGENT = /^(ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+|lsb:[A-Za-z0-9_.@-]+|systemd:[A-Za-z0-9_.@:\\-]+)$/

export default class ResourceAddAgent extends EditCommand {
  static override summary = 'Add a resource run by any agent: ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT.'
  static override description = 'Parameters are checked against the agent\'s meta-data when the agent is installed on this node.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip ocf:heartbeat:IPaddr2 ip=192.0.2.10 cidr_netmask=24',
    '<%= config.bin %> <%= command.id %> cron systemd:cron',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> d1 ocf:hactl:dummy --op "monitor interval=5s"',
  ]

  static override strict = false
  static override args = {
    name: resourceNameArg,
    agent: Args.string({name: 'AGENT', required: true, description: 'ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT.'}),
  }

  static override flags = {...resourceAddFlags}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceAddAgent)
    if (!AGENT.test(args.agent)) throw inputError(`agent ${JSON.stringify(args.agent)} is not ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT`)
    const params = parsePairs((argv as string[]).slice(2), 'parameter')
    const {checkAgentParams} = await import('../../../cli/agent-params.js')
    await checkAgentParams(args.agent, params)
    return this.applyChange(flags, buildAddEdit(args.name, args.agent, params, flags), `added ${args.agent} resource ${args.name}`)
  }
}
