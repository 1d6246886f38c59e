import {Flags} from '@oclif/core'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {HactlCommand} from '../../cli/base-command.js'
import {table} from '../../cli/describe-config.js'
import {HactlError} from '../../cli/errors.js'
import {stateDirFlag} from '../../cli/flags.js'
import type {AlertDelivery} from '../../daemon/alerts/index.js'

export default class AlertHistory extends HactlCommand<AlertDelivery[]> {
  static override summary = 'Alert deliveries this node made as DC: sequence number, event, attempts, outcome.'
  static override description = 'Read from this node\'s state directory (the last 500 deliveries); after a DC change, the earlier deliveries are on the former DC.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --alert log --json']
  static override flags = {
    'state-dir': stateDirFlag,
    alert: Flags.string({summary: 'Only this alert\'s deliveries.'}),
    last: Flags.integer({summary: 'Only the last N.', min: 1}),
  }

  async run(): Promise<AlertDelivery[]> {
    const {flags} = await this.parse(AlertHistory)
    const path = join(flags['state-dir'], 'alert-history.json')
    let deliveries: AlertDelivery[] = []
    try {
      deliveries = (JSON.parse(await readFile(path, 'utf8')) as {deliveries: AlertDelivery[]}).deliveries ?? []
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES') throw new HactlError('permission-denied', `cannot read ${path}: permission denied (run as root)`, 1)
      if (code !== 'ENOENT') throw new HactlError('unreadable', `cannot read ${path}: ${(error as Error).message}`, 1)
    }
    if (flags.alert !== undefined) deliveries = deliveries.filter((d) => d.alert === flags.alert)
    deliveries.sort((a, b) => a.sequence - b.sequence || a.alert.localeCompare(b.alert))
    if (flags.last !== undefined) deliveries = deliveries.slice(-flags.last)
    if (deliveries.length === 0) this.say('no alert deliveries recorded on this node')
    else {
      this.say(table(['SEQ', 'TIME', 'ALERT', 'RECIPIENT', 'OUTCOME', 'TRIES', 'EVENT'], deliveries.map((d) => [
        String(d.sequence), new Date(d.atMs).toISOString(), d.alert, d.recipient || '-',
        d.outcome + (d.outcome === 'failed' && d.lastError ? ` (${d.lastError})` : ''), String(d.attempts), d.summary,
      ])))
    }
    return deliveries
  }
}
