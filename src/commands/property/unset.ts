import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'

export default class PropertyUnset extends EditCommand {
  static override summary = 'Return cluster properties to their defaults.'
  static override examples = ['<%= config.bin %> <%= command.id %> no-quorum-policy']
  static override strict = false

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(PropertyUnset)
    const names = argv as string[]
    if (names.length === 0) throw inputError('name the properties to unset')
    return this.applyChange(flags, {op: 'property.unset', names}, `unset ${names.join(', ')}`)
  }
}
