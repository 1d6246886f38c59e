import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'

export default class ResourceGroupRemove extends EditCommand {
  static override summary = 'Take resources out of a group, or dissolve the group (its resources stay).'
  static override examples = ['<%= config.bin %> <%= command.id %> web web-server', '<%= config.bin %> <%= command.id %> web']
  static override aliases = ['resource ungroup']
  static override strict = false
  static override args = {
    group: Args.string({name: 'GROUP', required: true, description: 'Group id.'}),
    resource: Args.string({name: 'RESOURCE', description: 'Members to take out (all when none given).'}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceGroupRemove)
    const members = (argv as string[]).slice(1)
    return this.applyChange(flags, {op: 'group.remove', group: args.group, members: members.length > 0 ? members : undefined},
      members.length > 0 ? `group ${args.group}: removed ${members.join(', ')}` : `dissolved group ${args.group}`)
  }
}
