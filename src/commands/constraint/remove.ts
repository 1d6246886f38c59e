import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {oneChange} from '../../cli/edit-targets.js'

export default class ConstraintRemove extends EditCommand {
  static override summary = 'Remove constraints by id (see hactl constraint list); several ids are one change.'
  static override examples = ['<%= config.bin %> <%= command.id %> location-web-ip-n1', '<%= config.bin %> <%= command.id %> location-web-ip-n1 order-db-web']
  static override aliases = ['constraint delete', 'constraint location remove', 'constraint location delete']
  static override strict = false
  static override args = {id: Args.string({name: 'ID', required: true, description: 'Constraint id (repeatable).'})}

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(ConstraintRemove)
    const ids = [...new Set(argv as string[])]
    const edit = oneChange(ids.map((id) => ({op: 'constraint.remove', id})))
    return this.applyChange(flags, edit, `removed constraint${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`)
  }
}
