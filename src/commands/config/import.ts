import {Args, Flags} from '@oclif/core'
import {readCibConfig} from '../../cli/cib-file.js'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readExistingConfigFile} from '../../store/config-file.js'

export default class ConfigImport extends EditCommand {
  static override summary = 'Replace the whole resource configuration with FILE, after validating it.'
  static override description = 'The new epoch is one more than the higher of the current and the imported epoch, so an import is never mistaken for an older configuration. Use --if-epoch to refuse the import when someone changed the configuration since you exported it. With --cib, FILE (or - for standard input) is a Pacemaker CIB as `cibadmin --query` prints it: everything hactl cannot express is listed, one line each, and nothing is imported unless --force.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> edited.json --if-epoch 42',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> other.json',
    'cibadmin --query | <%= config.bin %> -f cluster-config.json <%= command.id %> --cib -',
  ]
  static override args = {source: Args.string({name: 'SOURCE', required: true, description: 'Configuration file to import (with --cib: a CIB file, - for standard input).'})}
  static override flags = {
    cib: Flags.boolean({summary: 'SOURCE is a Pacemaker CIB (XML), converted to hactl\'s configuration.'}),
    force: Flags.boolean({summary: 'With --cib: import what hactl can express and drop the rest (listed on standard error).', dependsOn: ['cib']}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConfigImport)
    const config = flags.cib ? (await readCibConfig(args.source, flags.force)).config : await readExistingConfigFile(args.source)
    return this.applyChange(flags, {op: 'config.replace', config}, `imported ${args.source === '-' ? 'standard input' : args.source}`)
  }
}
