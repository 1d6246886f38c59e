import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceDisable extends EditCommand {
  static override summary = 'Stop a resource and keep it stopped (target-role=Stopped).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip']
  static override args = {name: resourceNameArg}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceDisable)
    return this.applyChange(flags, {op: 'resource.meta', id: args.name, meta: {'target-role': 'Stopped'}}, `disabled ${args.name}`)
  }
}
