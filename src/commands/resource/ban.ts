import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceBan extends EditCommand {
  static override summary = 'Keep a resource off a node (adds the location constraint cli-ban-NAME-on-NODE with -INFINITY).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip n1']
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', required: true, description: 'Node to ban the resource from.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceBan)
    return this.applyChange(flags, {op: 'resource.ban', id: args.name, node: args.node}, `banned ${args.name} from ${args.node}`)
  }
}
