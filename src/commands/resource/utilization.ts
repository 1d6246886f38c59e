import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {parseUtilization} from '../../cli/parse.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceUtilization extends EditCommand {
  static override summary = 'Set what a resource uses of its node\'s capacity (KEY=INTEGER; KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %> db cpu=2 memory=4096']
  static override strict = false
  static override args = {name: resourceNameArg}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceUtilization)
    const utilization = parseUtilization((argv as string[]).slice(1))
    return this.applyChange(flags, {op: 'resource.utilization', id: args.name, utilization}, `set utilization of ${args.name}`)
  }
}
