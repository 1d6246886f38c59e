import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readTarget} from '../../cli/config-target.js'
import {checkImportEpoch} from '../../cli/stale-import.js'
import {readExistingConfigFile} from '../../store/config-file.js'

export default class ConfigImport extends EditCommand {
  static override summary = 'Replace the whole resource configuration with FILE, after validating it.'
  static override description = 'A FILE whose epoch is older than the configuration\'s is refused, naming both epochs: it would undo the changes made since it was exported (--force imports it anyway). The new epoch is one more than the higher of the current and the imported epoch, so an import is never mistaken for an older configuration. The import applies only if nobody changed the configuration between the check and the write (--if-epoch sets that epoch explicitly).'
  static override examples = ['<%= config.bin %> <%= command.id %> edited.json --if-epoch 42', '<%= config.bin %> -f cluster-config.json <%= command.id %> other.json', '<%= config.bin %> <%= command.id %> old.json --force']
  static override args = {source: Args.string({name: 'SOURCE', required: true, description: 'Configuration file to import.'})}
  static override flags = {force: Flags.boolean({summary: 'Import FILE even when its epoch is older than the configuration\'s (undoing the changes made since).'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConfigImport)
    const config = await readExistingConfigFile(args.source)
    if (flags.force || flags.simulate) return this.applyChange(flags, {op: 'config.replace', config}, `imported ${args.source}`)
    const current = await readTarget(flags)
    checkImportEpoch(args.source, config.epoch, current.epoch, flags.file === undefined ? 'the cluster\'s configuration' : flags.file)
    return this.applyChange({...flags, 'if-epoch': flags['if-epoch'] ?? current.epoch}, {op: 'config.replace', config}, `imported ${args.source}`)
  }
}
