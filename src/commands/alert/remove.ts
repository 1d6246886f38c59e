import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'

export default class AlertRemove extends EditCommand {
  static override summary = 'Remove an alert.'
  static override examples = ['<%= config.bin %> <%= command.id %> log']
  static override aliases = ['alert delete']
  static override args = {id: Args.string({name: 'ID', required: true, description: 'Alert id.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(AlertRemove)
    return this.applyChange(flags, {op: 'alert.remove', id: args.id}, `removed alert ${args.id}`)
  }
}
