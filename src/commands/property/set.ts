import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {parsePairs} from '../../cli/parse.js'

export default class PropertySet extends EditCommand {
  static override summary = 'Set cluster properties (see hactl property list --all, and hactl.conf(5)).'
  static override examples = ['<%= config.bin %> <%= command.id %> no-quorum-policy=freeze', '<%= config.bin %> <%= command.id %> stonith-enabled=true resource-stickiness=100']
  static override strict = false

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(PropertySet)
    const properties = parsePairs(argv as string[], 'property')
    if (Object.keys(properties).length === 0) throw inputError('nothing to set: give KEY=VALUE pairs')
    return this.applyChange(flags, {op: 'property.set', properties}, `set ${Object.keys(properties).join(', ')}`)
  }
}
