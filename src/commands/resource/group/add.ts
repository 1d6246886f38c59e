import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'

export default class ResourceGroupAdd extends EditCommand {
  static override summary = 'Put resources in a group (created if missing): placed together, started in order, stopped in reverse.'
  static override examples = ['<%= config.bin %> <%= command.id %> web web-ip web-server']
  static override strict = false
  static override flags = {
    before: Flags.string({summary: 'Put them before this member.', exclusive: ['after']}),
    after: Flags.string({summary: 'Put them after this member.', exclusive: ['before']}),
  }

  static override args = {
    group: Args.string({name: 'GROUP', required: true, description: 'Group id.'}),
    resource: Args.string({name: 'RESOURCE', required: true, description: 'Resources, in start order.'}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceGroupAdd)
    const members = (argv as string[]).slice(1)
    const at = {...(flags.before === undefined ? {} : {before: flags.before}), ...(flags.after === undefined ? {} : {after: flags.after})}
    return this.applyChange(flags, {op: 'group.add', group: args.group, members, ...at}, `group ${args.group}: added ${members.join(', ')}`)
  }
}
