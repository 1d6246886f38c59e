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
    if (!flags.watch || this.jsonEnabled()) {
      this.say(renderStatus(status))
      return status
    }
    let shown = ''
    // On a pipe (a log, `| grep`): plain lines, the whole status once, then only the lines that change.
    const {PlainFollower, clockTime} = await import('../cli/watch-lines.js')
    const plain = process.stdout.isTTY ? undefined : new PlainFollower()
    for (;;) {
      const text = renderStatus(status)
      if (plain) {
        const lines = plain.next(text, clockTime(status.generatedAt))
        if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`)
      } else {
        const key = text.replace(/^\s*Last updated.*$/m, '')
        if (key !== shown) {
          process.stdout.write(`\x1b[2J\x1b[H${text}\n`)
          shown = key
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = await callDaemon(flags['run-dir'], 'status', {})
    }
  }
}
