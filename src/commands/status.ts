import {Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {runDirFlag} from '../cli/flags.js'
import {renderStatus} from '../cli/render-status.js'
import {callDaemon} from '../client/client.js'
import type {ClusterStatus} from '../client/status.js'

export default class Status extends HactlCommand<ClusterStatus> {
  static override summary = 'Show the cluster: DC, quorum, nodes, where every resource runs, failures and leftover constraints.'
  static override description = 'Like crm_mon -1. Any node answers: a node in a quorate partition shows the DC\'s view; a node without quorum shows what it knows itself, and says so.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --watch']
  static override flags = {
    'run-dir': runDirFlag,
    watch: Flags.boolean({summary: 'Redraw whenever the status changes (Ctrl-C to leave).'}),
  }

  async run(): Promise<ClusterStatus> {
    const {flags} = await this.parse(Status)
    let status = await callDaemon(flags['run-dir'], 'status', {})
    if (status.balancers) status = await (await import('../cli/balancer-health.js')).withLocalBalancerHealth(status, flags['run-dir'])
    if (!flags.watch || this.jsonEnabled()) {
      this.say(renderStatus(status))
      return status
    }
    let shown = ''
    for (;;) {
      const text = renderStatus(status)
      const key = text.replace(/^Last updated.*$/m, '')
      if (key !== shown) {
        process.stdout.write(`\x1b[2J\x1b[H${text}\n`)
        shown = key
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = await callDaemon(flags['run-dir'], 'status', {})
    }
  }
}
