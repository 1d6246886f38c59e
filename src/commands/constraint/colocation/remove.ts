import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {oneChange} from '../../../cli/edit-targets.js'
import {readTarget} from '../../../cli/config-target.js'
import {HactlError} from '../../../cli/errors.js'

export default class ConstraintColocationRemove extends EditCommand {
  static override summary = 'Remove the colocation constraints between two resources, either way round (pcs constraint colocation delete A B).'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip web']
  static override aliases = ['constraint colocation delete']
  static override args = {
    resource: Args.string({name: 'A', required: true, description: 'One resource.'}),
    withResource: Args.string({name: 'B', required: true, description: 'The other.'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConstraintColocationRemove)
    const pair = [args.resource, args.withResource]
    const ids = (await readTarget(flags)).constraints
      .filter((c) => c.type === 'colocation' && pair.includes(c.resource) && pair.includes(c.withResource) && c.resource !== c.withResource)
      .map((c) => c.id)
    if (ids.length === 0) throw new HactlError('not-found', `no colocation constraint between ${args.resource} and ${args.withResource}; nothing was changed`, 1)
    return this.applyChange(flags, oneChange(ids.map((id) => ({op: 'constraint.remove', id}))), `removed colocation constraints ${ids.join(', ')}`)
  }
}
