import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {table} from '../../cli/describe-config.js'
import {inputError} from '../../cli/errors.js'

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
  static override args = {standard: Args.string({name: 'STANDARD[:PROVIDER]', description: 'As pcs resource agents: only this class (ocf, lsb), or OCF provider (ocf:heartbeat).'})}
  static override flags = {
    class: Flags.option({summary: 'Only agents of this class.', options: ['ocf', 'lsb'] as const})(),
    provider: Flags.string({summary: 'Only OCF agents of this provider (hactl, heartbeat, pacemaker, …).'}),
  }

  async run(): Promise<AgentListEntry[]> {
    const {args, flags} = await this.parse(AgentList)
    if (args.standard !== undefined) {
      const [standard, provider, extra] = args.standard.split(':')
      if (!['ocf', 'lsb', 'systemd', 'service', 'stonith'].includes(standard) || extra !== undefined || (provider !== undefined && (standard !== 'ocf' || provider === ''))) {
        throw inputError(`${JSON.stringify(args.standard)} is not a standard (ocf, lsb, systemd) or ocf:PROVIDER`)
      }
      if (standard === 'systemd' || standard === 'service') {
        this.say('any systemd unit is an agent: systemd:UNIT (systemctl list-unit-files shows them)')
        return []
      }
      if (standard === 'stonith') throw inputError('fence agents: see hactl stonith list, or /usr/sbin/fence_* on this node')
      flags.class = standard as 'ocf' | 'lsb'
      if (provider !== undefined) flags.provider = provider
    }
    const {listAgents} = await import('../../agents/describe.js')
    const entries = (await listAgents())
      .filter((a) => (flags.class === undefined || a.class === flags.class) && (flags.provider === undefined || a.provider === flags.provider))
      .map((a) => ({id: a.id, class: a.class, provider: a.provider ?? null, type: a.type, path: a.path}))
    if (entries.length === 0) this.say('no agents found')
    else this.say(table(['AGENT', 'PATH'], entries.map((e) => [e.id, e.path])))
    return entries
  }
}
