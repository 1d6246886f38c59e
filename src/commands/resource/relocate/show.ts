import {HactlCommand} from '../../../cli/base-command.js'
import {readForSimulation} from '../../../cli/config-target.js'
import {configFlags} from '../../../cli/flags.js'
import {relocations, type Relocation} from '../../../cli/relocate.js'

export default class ResourceRelocateShow extends HactlCommand<Relocation[]> {
  static override summary = 'Show which resources would move to their preferred nodes if stickiness were ignored (pcs resource relocate show).'
  static override description = 'The policy engine runs on the current state (the live DC\'s, or the state saved in the -f file) with every resource-stickiness at 0. \'hactl resource relocate run\' moves them.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override flags = {...configFlags}

  async run(): Promise<Relocation[]> {
    const {flags} = await this.parse(ResourceRelocateShow)
    const moves = relocations(await readForSimulation(flags))
    if (moves.length === 0) this.say('Every resource is on its preferred node: nothing to relocate')
    for (const m of moves) this.say(`  * ${m.resource}${m.kind === 'group' ? ` (group: ${m.instances.join(', ')})` : m.kind === 'clone' ? ` (clone: ${m.instances.join(', ')})` : ''}: ${m.from} -> ${m.to}`)
    return moves
  }
}
