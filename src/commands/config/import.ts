import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readExistingConfigFile} from '../../store/config-file.js'

export default class ConfigImport extends EditCommand {
  static override summary = 'Replace the whole resource configuration with FILE, after validating it.'
  static override description = 'The new epoch is one more than the higher of the current and the imported epoch, so an import is never mistaken for an older configuration. Use --if-epoch to refuse the import when someone changed the configuration since you exported it.'
  static override examples = ['<%= config.bin %> <%= command.id %> edited.json --if-epoch 42', '<%= config.bin %> -f cluster-config.json <%= command.id %> other.json']
  static override args = {source: Args.string({name: 'SOURCE', required: true, description: 'Configuration file to import.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConfigImport)
    const config = await readExistingConfigFile(args.source)
    return this.applyChange(flags, {op: 'config.replace', config}, `imported ${args.source}`)
  }
}
