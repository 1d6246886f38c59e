import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {table} from '../../cli/describe-config.js'
import {configFlags} from '../../cli/flags.js'
import type {AlertEntry} from '../../core/config/alerts.js'

export default class AlertList extends HactlCommand<AlertEntry[]> {
  static override summary = 'List the alerts.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> -f cluster-config.json <%= command.id %> --json']
  static override aliases = ['alert config', 'alert show']
  static override flags = {...configFlags}

  async run(): Promise<AlertEntry[]> {
    const {flags} = await this.parse(AlertList)
    const alerts = (await readTarget(flags)).alerts ?? []
    if (alerts.length === 0) this.say('no alerts')
    else {
      this.say(table(['ID', 'PATH', 'SELECT', 'TIMEOUT', 'RECIPIENTS'], alerts.map((a) => [
        a.id, a.path, a.select?.join(',') ?? 'all', a.timeout ?? '30s', a.recipients.map((r) => r.value).join(' ') || '-',
      ])))
    }
    return alerts
  }
}
