import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {parsePairs} from '../../../cli/parse.js'
import {resourceNameArg} from '../../../cli/resource-add.js'
import {parseDurationMs} from '../../../core/config/durations.js'

export default class ResourceOpRemove extends EditCommand {
  static override summary = 'Remove a resource\'s operations of ACTION, or only the one with interval=… (pcs resource op remove).'
  static override examples = ['<%= config.bin %> <%= command.id %> web monitor', '<%= config.bin %> <%= command.id %> web monitor interval=10s']
  static override strict = false
  static override args = {name: resourceNameArg, action: Args.string({name: 'ACTION', required: true, description: 'start, stop, monitor, …'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceOpRemove)
    const attrs = parsePairs((argv as string[]).slice(2), 'operation attribute')
    const unknown = Object.keys(attrs).filter((k) => k !== 'interval')
    if (unknown.length > 0) throw inputError(`op remove selects by interval only, not ${unknown.map((k) => `'${k}'`).join(', ')}`)
    if (attrs.interval !== undefined && parseDurationMs(attrs.interval) === undefined) throw inputError(`interval=${JSON.stringify(attrs.interval)} is not a duration such as 10s`)
    return this.applyChange(flags, {op: 'resource.op.remove', id: args.name, name: args.action, interval: attrs.interval}, `removed operation ${args.action}${attrs.interval ? ` interval=${attrs.interval}` : ''} from ${args.name}`)
  }
}
