import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'

export default class NodeRemove extends EditCommand {
  static override summary = 'Remove a node from the resource configuration, with the location constraints that name it.'
  static override examples = ['<%= config.bin %> -f cluster-config.json <%= command.id %> n4']
  static override aliases = ['node delete']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Node name.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(NodeRemove)
    return this.applyChange(flags, {op: 'node.remove', name: args.name}, `removed node ${args.name}`)
  }
}
