import {Args} from '@oclif/core'
import {HactlCommand} from '../../../cli/base-command.js'
import {inputError} from '../../../cli/errors.js'
import {configFlags} from '../../../cli/flags.js'
import {callDaemon} from '../../../client/client.js'

export default class ResourceFailcountReset extends HactlCommand<unknown> {
  static override summary = 'Reset a resource\'s fail counts, on every node or on NODE: the same as \'hactl resource cleanup\' (the resource is re-probed).'
  static override examples = ['<%= config.bin %> <%= command.id %> web', '<%= config.bin %> <%= command.id %> web n2']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Resource.'}), node: Args.string({name: 'NODE', description: 'Only on this node.'})}
  static override flags = {...configFlags}

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ResourceFailcountReset)
    if (flags.file !== undefined) throw inputError('fail counts belong to the running cluster; there are none in a configuration file (-f)')
    const result = await callDaemon(flags['run-dir'], 'resource.cleanup', {id: args.name, node: args.node})
    this.say(`fail counts of ${args.name}${args.node ? ` on ${args.node}` : ''} reset (cleanup requested)`)
    return result
  }
}
