import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {parsePairs} from '../../cli/parse.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceMeta extends EditCommand {
  static override summary = 'Set meta attributes of a resource, group or clone (KEY=VALUE; KEY= removes).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip resource-stickiness=100 migration-threshold=3',
    '<%= config.bin %> <%= command.id %> web-ip failure-timeout=',
  ]

  static override strict = false
  static override args = {name: resourceNameArg}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceMeta)
    const meta = parsePairs((argv as string[]).slice(1), 'meta attribute')
    if (Object.keys(meta).length === 0) throw inputError('nothing to set: give KEY=VALUE meta attributes')
    return this.applyChange(flags, {op: 'resource.meta', id: args.name, meta}, `set meta attributes of ${args.name}`)
  }
}
