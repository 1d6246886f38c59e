import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceEnable extends EditCommand {
  static override summary = 'Let the cluster start a resource (target-role=Started).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip']
  static override args = {name: resourceNameArg}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceEnable)
    return this.applyChange(flags, {op: 'resource.meta', id: args.name, meta: {'target-role': 'Started'}}, `enabled ${args.name}`)
  }
}
