import {HactlCommand} from '../../cli/base-command.js'
import {runDirFlag} from '../../cli/flags.js'
import {renderStatus, statusPart} from '../../cli/render-status.js'
import {statusAndConfig} from '../../cli/status-fast.js'
import type {ClusterStatus} from '../../client/status.js'

/** `hactl resource` alone shows where the resources run, as `pcs resource` does (hactl status resources). */
export default class Resource extends HactlCommand<ClusterStatus['resources']> {
  static override summary = 'Show where the resources run (as pcs resource; hactl status resources). Subcommands: create, update, move, ban, clear, group, clone, …'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {'run-dir': runDirFlag}

  async run(): Promise<ClusterStatus['resources']> {
    const {flags} = await this.parse(Resource)
    const {status, config} = await statusAndConfig(flags['run-dir'], this.jsonEnabled())
    if (!this.jsonEnabled()) this.say(statusPart(renderStatus(status, {config}), 'resources', status))
    return status.resources
  }
}
