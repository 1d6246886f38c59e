import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'

export default class AlertRecipientRemove extends EditCommand {
  static override summary = 'Remove a recipient from its alert, by the recipient\'s id (hactl alert list --json shows them).'
  static override examples = ['<%= config.bin %> <%= command.id %> log_alert-recipient-1']
  static override aliases = ['alert recipient delete']
  static override args = {id: Args.string({name: 'RECIPIENT', required: true, description: 'Recipient id.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(AlertRecipientRemove)
    return this.applyChange(flags, {op: 'alert.recipient.remove', id: args.id}, `removed recipient ${args.id}`)
  }
}
