import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {ALERT_KINDS, type AlertKind, type AlertRecipient} from '../../core/config/alerts.js'
import {parseDurationMs} from '../../core/config/durations.js'
import {parsePairs} from '../../cli/parse.js'

export default class AlertAdd extends EditCommand {
  static override summary = 'Add an alert: an agent run with Pacemaker\'s CRM_alert_* environment for every cluster event it selects.'
  static override description = 'The agent runs on the DC, once per recipient, for node (member/lost), fencing and resource operation events; Pacemaker\'s sample agents (/usr/share/pacemaker/alerts) run unchanged. A run that does not exit 0 is retried 1 s, 2 s, 4 s and 8 s later. See hactl alert history.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> log --path /usr/share/pacemaker/alerts/alert_file.sh.sample --recipient /var/log/hactl-alerts.log',
    '<%= config.bin %> <%= command.id %> pager --path /usr/local/bin/page-oncall --select nodes,fencing --timeout 10s',
  ]
  static override args = {id: Args.string({name: 'ID', required: true, description: 'Alert id.'})}
  static override flags = {
    path: Flags.string({summary: 'Absolute path of the alert agent (an executable).', required: true}),
    recipient: Flags.string({summary: 'A recipient (CRM_alert_recipient): the agent runs once per recipient. Repeatable.', multiple: true, default: []}),
    select: Flags.string({summary: `Kinds of event to receive, comma-separated: ${ALERT_KINDS.join(',')} (default all).`}),
    timeout: Flags.string({summary: 'How long one run may take (default 30s).'}),
    option: Flags.string({summary: 'KEY=VALUE passed to the agent as an environment variable (Pacemaker\'s alert options, e.g. debug_exec_order=true). Repeatable.', multiple: true, default: []}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(AlertAdd)
    if (!flags.path.startsWith('/')) throw inputError(`--path ${JSON.stringify(flags.path)}: expected an absolute path`)
    let select: AlertKind[] | undefined
    if (flags.select !== undefined) {
      select = flags.select.split(',').map((s) => s.trim()).filter(Boolean) as AlertKind[]
      const bad = select.find((s) => !(ALERT_KINDS as readonly string[]).includes(s))
      if (bad !== undefined || select.length === 0) throw inputError(`--select ${JSON.stringify(flags.select)}: expected a comma-separated list of ${ALERT_KINDS.join(', ')}`)
      select = [...new Set(select)]
    }
    if (flags.timeout !== undefined) {
      const ms = parseDurationMs(flags.timeout)
      if (ms === undefined || ms <= 0 || ms > 3_600_000) throw inputError(`--timeout ${JSON.stringify(flags.timeout)}: expected a duration between 1ms and 1h, such as 30s`)
    }
    const recipients: AlertRecipient[] = flags.recipient.map((value, i) => ({id: `${args.id}-recipient-${i + 1}`, value}))
    const options = parsePairs(flags.option, 'option')
    for (const key of Object.keys(options)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) || /^(CRM_alert_|PATH$|LD_)/.test(key)) throw inputError(`--option ${JSON.stringify(key)}: expected an environment variable name, not PATH, LD_* or CRM_alert_*`)
    }
    const alert = {
      id: args.id, path: flags.path, recipients, ...(select ? {select} : {}), ...(flags.timeout ? {timeout: flags.timeout} : {}),
      ...(Object.keys(options).length > 0 ? {options} : {}),
    }
    return this.applyChange(flags, {op: 'alert.add', alert}, `added alert ${args.id}`)
  }
}
