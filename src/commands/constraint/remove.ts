import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'

export default class ConstraintRemove extends EditCommand {
  static override summary = 'Remove a constraint by id (see hactl constraint list).'
  static override examples = ['<%= config.bin %> <%= command.id %> location-web-ip-n1']
  static override aliases = ['constraint delete']
  static override args = {id: Args.string({name: 'ID', required: true, description: 'Constraint id.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConstraintRemove)
    return this.applyChange(flags, {op: 'constraint.remove', id: args.id}, `removed constraint ${args.id}`)
  }
}
