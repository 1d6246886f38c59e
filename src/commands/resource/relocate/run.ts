import {readForSimulation} from '../../../cli/config-target.js'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {timeoutFlag} from '../../../cli/flags.js'
import {relocations} from '../../../cli/relocate.js'
import {movesAny} from '../../../cli/resource-members.js'
import type {ConfigEdit} from '../../../core/config/edits.js'
import {applyEdit} from '../../../core/config/edits.js'
import {schedule, stateOf} from '../../../core/policy/index.js'

export default class ResourceRelocateRun extends EditCommand {
  static override summary = 'Move resources to their preferred nodes, ignoring stickiness, then remove the move constraints (pcs resource relocate run).'
  static override description = `Does what 'hactl resource move' does for every resource 'relocate show' lists, in one change: cli-prefer constraints, a wait until the cluster has carried them out, then their removal — except where removing one would move its resource away again (the constraint stays and the command says so). Clones are left where they are (a move constraint would pin every instance to one node).`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --simulate']
  static override flags = {timeout: timeoutFlag}

  async run(): Promise<EditResult> {
    const {flags} = await this.parse(ResourceRelocateRun)
    if (flags.file !== undefined && !flags.simulate) throw inputError('relocate run acts on the running cluster; with -f use \'hactl resource move\' or --simulate')
    const moves = relocations(await readForSimulation(flags)).filter((m) => m.kind !== 'clone')
    if (moves.length === 0) {
      this.say('Every resource is on its preferred node: nothing to relocate')
      return {epoch: (await readForSimulation(flags)).epoch, change: 'nothing to relocate'}
    }
    const edits: ConfigEdit[] = moves.map((m) => ({op: 'resource.move', id: m.resource, node: m.to}))
    const moved = await this.applyChange(flags, {op: 'batch', edits}, `relocating ${moves.map((m) => `${m.resource} to ${m.to}`).join(', ')}`)
    if (flags.simulate) return moved
    const settled = await this.settle(flags, moved)
    const current = await readForSimulation(flags)
    const clears: ConfigEdit[] = []
    const kept: string[] = []
    for (const m of moves) {
      const clear: ConfigEdit = {op: 'resource.clear', id: m.resource, node: m.to}
      const after = schedule(applyEdit(current, clear), stateOf(current))
      if (movesAny(current, m.resource, after.transition.actions)) kept.push(`cli-prefer-${m.resource}`)
      else clears.push(clear)
    }
    let epoch = settled.epoch
    if (clears.length > 0) epoch = (await this.applyChange(flags, {op: 'batch', edits: clears}, `removed ${clears.length} move constraint${clears.length === 1 ? '' : 's'}`)).epoch
    if (kept.length === 0) return {...settled, epoch}
    const note = `kept ${kept.join(', ')}: without ${kept.length === 1 ? 'it' : 'them'} the resource${kept.length === 1 ? '' : 's'} would move away again; remove with 'hactl resource clear'`
    this.say(note)
    return {...settled, epoch, note}
  }
}
