import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceMove extends EditCommand {
  static override summary = 'Move a resource to a node (adds the location constraint cli-prefer-NAME with INFINITY).'
  static override description = 'On the live cluster the constraint is removed once the move has happened, unless --keep-constraint is given; with -f it stays until `hactl resource clear`.'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip n2 --wait', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip n2']
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', required: true, description: 'Destination node.'})}
  static override flags = {
    wait: Flags.boolean({summary: 'Wait until the cluster has settled (live cluster only).'}),
    'keep-constraint': Flags.boolean({summary: 'Keep the cli-prefer constraint after the move.'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceMove)
    return this.applyChange(flags, {op: 'resource.move', id: args.name, node: args.node}, `moving ${args.name} to ${args.node}`)
  }
}
