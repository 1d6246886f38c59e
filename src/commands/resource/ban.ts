import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {lifetimeEnd, lifetimeWord} from '../../cli/parse.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceBan extends EditCommand {
  static override summary = 'Keep a resource off a node (adds the location constraint cli-ban-NAME-on-NODE with -INFINITY).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip n1']
  static override strict = false
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', required: true, description: 'Node to ban the resource from.'})}
  static override flags = {lifetime: Flags.string({summary: 'How long the ban counts, ISO 8601 (PT1H, P1D; pcs\'s lifetime=PT1H works too): it expires then.'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceBan)
    const lifetime = lifetimeWord(argv as string[], flags.lifetime)
    const until = lifetime === undefined ? undefined : lifetimeEnd(lifetime, Date.now())
    return this.applyChange(flags, {op: 'resource.ban', id: args.name, node: args.node, ...(until ? {until} : {})}, `banned ${args.name} from ${args.node}${until ? ` until ${until}` : ''}`)
  }
}
