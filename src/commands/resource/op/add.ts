import {Args} from '@oclif/core'
import {checkAgentParams, forceFlag} from '../../../cli/agent-params.js'
import {readTarget} from '../../../cli/config-target.js'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {parseOperation} from '../../../cli/parse.js'
import {resourceNameArg} from '../../../cli/resource-add.js'

export default class ResourceOpAdd extends EditCommand {
  static override summary = 'Add an operation to a resource: R ACTION [interval=…] [timeout=…] [on-fail=…] (pcs resource op add).'
  static override description = 'An operation of the same action and interval is replaced; a resource keeps one recurring monitor (a new interval replaces it). Action and attributes are checked against the agent\'s meta-data unless --force.'
  static override examples = ['<%= config.bin %> <%= command.id %> web monitor interval=5s timeout=10s', '<%= config.bin %> <%= command.id %> web start timeout=60s']
  static override strict = false
  static override args = {name: resourceNameArg, action: Args.string({name: 'ACTION', required: true, description: 'start, stop, monitor, …'})}
  static override flags = {force: forceFlag}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceOpAdd)
    const operation = parseOperation([args.action, ...(argv as string[]).slice(2)].join(' '))
    const config = await readTarget(flags)
    const resource = config.resources.find((r) => r.id === args.name)
    if (resource) await checkAgentParams(resource.agent, resource.params, {force: flags.force, operations: [operation]})
    return this.applyChange(flags, {op: 'resource.update', id: args.name, params: {}, operations: [operation]}, `added operation ${operation.name} interval=${operation.interval} to ${args.name}`)
  }
}
