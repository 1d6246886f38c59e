import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {table} from '../../cli/describe-config.js'
import {configFlags} from '../../cli/flags.js'

export interface ResourceListEntry {
  id: string
  agent: string
  group: string | null
  clone: string | null
  targetRole: string
  managed: boolean
}

export default class ResourceList extends HactlCommand<ResourceListEntry[]> {
  static override summary = 'List the configured resources (where they run: hactl status).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> -f cluster-config.json <%= command.id %> --json']
  static override flags = {...configFlags}

  async run(): Promise<ResourceListEntry[]> {
    const {flags} = await this.parse(ResourceList)
    const config = await readTarget(flags)
    const entries = config.resources.map((r) => {
      const group = config.groups.find((g) => g.members.includes(r.id))
      const clone = config.clones.find((c) => c.child === r.id || c.child === group?.id)
      const meta = {...clone?.meta, ...group?.meta, ...r.meta}
      return {
        id: r.id, agent: r.agent, group: group?.id ?? null, clone: clone?.id ?? null,
        targetRole: meta['target-role'] ?? 'Started', managed: meta['is-managed'] !== 'false',
      }
    })
    if (entries.length === 0) this.say('no resources configured')
    else this.say(table(['ID', 'AGENT', 'GROUP', 'CLONE', 'TARGET-ROLE', 'MANAGED'],
      entries.map((e) => [e.id, e.agent, e.group ?? '-', e.clone ?? '-', e.targetRole, e.managed ? 'yes' : 'no'])))
    return entries
  }
}
