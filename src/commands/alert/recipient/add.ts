import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'

export default class AlertRecipientAdd extends EditCommand {
  static override summary = 'Add a recipient to an alert (pcs alert recipient add ALERT value=VALUE [id=ID]).'
  static override description = 'The alert agent runs once per recipient, with CRM_alert_recipient set to VALUE (a file, an address: whatever the agent takes). The id defaults to ALERT-recipient-N.'
  static override examples = ['<%= config.bin %> <%= command.id %> log_alert value=/var/log/hactl-alerts.log']
  static override strict = false
  static override args = {alert: Args.string({name: 'ALERT', required: true, description: 'Alert id.'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(AlertRecipientAdd)
    const pairs: Record<string, string> = {}
    for (const word of (argv as string[]).slice(1)) {
      const at = word.indexOf('=')
      const key = at <= 0 ? '' : word.slice(0, at)
      if (!['value', 'id'].includes(key)) throw inputError(`${JSON.stringify(word)} is not value=VALUE or id=ID${key === 'description' ? ' (hactl keeps no description)' : ''}`)
      pairs[key] = word.slice(at + 1)
    }
    if (pairs.value === undefined || pairs.value === '') throw inputError('alert recipient add needs value=VALUE')
    return this.applyChange(flags, {op: 'alert.recipient.add', alert: args.alert, value: pairs.value, ...(pairs.id ? {id: pairs.id} : {})}, `added recipient ${pairs.value} to alert ${args.alert}`)
  }
}
