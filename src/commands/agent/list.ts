import {Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {table} from '../../cli/describe-config.js'

export interface AgentListEntry {
  id: string
  class: 'ocf' | 'lsb' | 'systemd'
  provider: string | null
  type: string
  path: string
}

export default class AgentList extends HactlCommand<AgentListEntry[]> {
  static override summary = 'List the resource agents installed on this node.'
  static override description = 'hactl\'s own agents (ocf:hactl:*), every OCF agent under the OCF root (HACTL_OCF_ROOT, default /usr/lib/ocf) and the LSB init scripts. Any systemd unit is usable as systemd:UNIT.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --class ocf --provider heartbeat', '<%= config.bin %> <%= command.id %> --json']
  static override aliases = ['resource agents']
  static override flags = {
    class: Flags.option({summary: 'Only agents of this class.', options: ['ocf', 'lsb'] as const})(),
    provider: Flags.string({summary: 'Only OCF agents of this provider (hactl, heartbeat, pacemaker, …).'}),
  }

  async run(): Promise<AgentListEntry[]> {
    const {flags} = await this.parse(AgentList)
    const {listAgents} = await import('../../agents/describe.js')
    const entries = (await listAgents())
      .filter((a) => (flags.class === undefined || a.class === flags.class) && (flags.provider === undefined || a.provider === flags.provider))
      .map((a) => ({id: a.id, class: a.class, provider: a.provider ?? null, type: a.type, path: a.path}))
    if (entries.length === 0) this.say('no agents found')
    else this.say(table(['AGENT', 'PATH'], entries.map((e) => [e.id, e.path])))
    return entries
  }
}
