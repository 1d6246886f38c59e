import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {table} from '../../cli/describe-config.js'
import {configFlags} from '../../cli/flags.js'
import type {NodeEntry} from '../../core/config/types.js'

export default class NodeList extends HactlCommand<NodeEntry[]> {
  static override summary = 'List the nodes declared in the resource configuration, with standby, maintenance and attributes.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> -f cluster-config.json <%= command.id %> --json']
  static override flags = {...configFlags}

  async run(): Promise<NodeEntry[]> {
    const {flags} = await this.parse(NodeList)
    const {nodes} = await readTarget(flags)
    const pairs = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(' ') || '-'
    if (nodes.length === 0) this.say('no nodes declared')
    else this.say(table(['NAME', 'STANDBY', 'MAINTENANCE', 'ATTRIBUTES', 'UTILIZATION'],
      nodes.map((n) => [n.name, n.standby ? 'yes' : 'no', n.maintenance ? 'yes' : 'no', pairs(n.attributes), pairs(n.utilization)])))
    return nodes
  }
}
