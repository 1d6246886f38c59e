import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {callDaemon} from '../../client/client.js'

export default class ResourceCleanup extends HactlCommand<unknown> {
  static override summary = "Forget a resource's failures and re-probe it, on every node or on NODE (live cluster)."
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> <%= command.id %> web-ip n1']
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', description: 'Only on this node.'})}
  static override aliases = ['resource refresh']
  static override flags = {...configFlags}

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ResourceCleanup)
    if (flags.file !== undefined) throw inputError('cleanup acts on the running cluster; it has no meaning for a configuration file (-f)')
    const result = await callDaemon(flags['run-dir'], 'resource.cleanup', {id: args.name, node: args.node})
    this.say(`cleanup of ${args.name} requested`)
    return result
  }
}
