import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceRemove extends EditCommand {
  static override summary = 'Remove a resource, with the constraints that name it (a group goes with its members, a clone with its child).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip']
  static override aliases = ['resource delete']
  static override args = {name: resourceNameArg}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceRemove)
    return this.applyChange(flags, {op: 'resource.remove', id: args.name}, `removed ${args.name}`)
  }
}
