import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {parseOperation, parsePairs} from '../../cli/parse.js'
import {Flags} from '@oclif/core'
import {inputError} from '../../cli/errors.js'

export default class ResourceUpdate extends EditCommand {
  static override summary = 'Change a resource\'s parameters (KEY=VALUE; KEY= removes) and operations.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip cidr_netmask=16',
    '<%= config.bin %> <%= command.id %> web-ip --op "monitor interval=5s timeout=10s"',
  ]

  static override strict = false
  static override args = {name: resourceNameArg}
  static override flags = {op: Flags.string({summary: 'Operation to add or replace (repeatable).', multiple: true})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceUpdate)
    const params = parsePairs((argv as string[]).slice(1), 'parameter')
    const operations = (flags.op ?? []).map(parseOperation)
    if (Object.keys(params).length === 0 && operations.length === 0) throw inputError('nothing to update: give KEY=VALUE parameters or --op')
    return this.applyChange(flags, {op: 'resource.update', id: args.name, params, operations}, `updated ${args.name}`)
  }
}
