import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceClear extends EditCommand {
  static override summary = 'Remove the constraints that move and ban created for a resource (all, or those naming NODE).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> <%= command.id %> web-ip n1']
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', description: 'Only the constraints naming this node.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceClear)
    return this.applyChange(flags, {op: 'resource.clear', id: args.name, node: args.node}, `cleared move/ban constraints of ${args.name}`)
  }
}
