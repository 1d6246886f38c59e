import {HactlCommand} from '../../../cli/base-command.js'
import {readTarget} from '../../../cli/config-target.js'
import {configFlags} from '../../../cli/flags.js'

export interface GroupListEntry {id: string, members: string[]}

export default class ResourceGroupList extends HactlCommand<GroupListEntry[]> {
  static override summary = 'List the groups and their members in start order (pcs resource group list).'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {...configFlags}

  async run(): Promise<GroupListEntry[]> {
    const {flags} = await this.parse(ResourceGroupList)
    const groups = (await readTarget(flags)).groups.map((g) => ({id: g.id, members: [...g.members]}))
    this.say(groups.length === 0 ? 'no groups' : groups.map((g) => `${g.id}: ${g.members.join(' ')}`).join('\n'))
    return groups
  }
}
