import {Args, Flags} from '@oclif/core'
import {readCibConfig} from '../../cli/cib-file.js'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readTarget} from '../../cli/config-target.js'
import {checkImportEpoch} from '../../cli/stale-import.js'
import {readExistingConfigFile} from '../../store/config-file.js'

export default class ConfigImport extends EditCommand {
  static override summary = 'Replace the whole resource configuration with FILE, after validating it.'
  static override description = 'A FILE whose epoch is older than the configuration\'s is refused, naming both epochs: it would undo the changes made since it was exported (--force imports it anyway). The new epoch is one more than the higher of the current and the imported epoch, so an import is never mistaken for an older configuration. The import applies only if nobody changed the configuration between the check and the write (--if-epoch sets that epoch explicitly). With --cib, FILE (or - for standard input) is a Pacemaker CIB as `cibadmin --query` prints it: everything hactl cannot express is listed, one line each, and nothing is imported unless --force (a CIB\'s epoch is Pacemaker\'s counter, so it is not compared).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> edited.json --if-epoch 42',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> other.json',
    '<%= config.bin %> <%= command.id %> old.json --force',
    'cibadmin --query | <%= config.bin %> -f cluster-config.json <%= command.id %> --cib -',
  ]
  static override aliases = ['cluster cib-push']
  static override args = {source: Args.string({name: 'SOURCE', required: true, description: 'Configuration file to import (with --cib: a CIB file, - for standard input).'})}
  static override flags = {
    cib: Flags.boolean({summary: 'SOURCE is a Pacemaker CIB (XML), converted to hactl\'s configuration.'}),
    config: Flags.boolean({summary: 'pcs cluster cib-push --config: accepted; hactl\'s file is the configuration only anyway.', hidden: true}),
    force: Flags.boolean({summary: 'Import even when FILE\'s epoch is older than the configuration\'s (undoing the changes made since); with --cib, import what hactl can express and drop the rest (listed on standard error).'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConfigImport)
    const what = `imported ${args.source === '-' ? 'standard input' : args.source}`
    if (flags.cib) {
      const {config} = await readCibConfig(args.source, flags.force)
      return this.applyChange(flags, {op: 'config.replace', config}, what)
    }
    const config = await readExistingConfigFile(args.source)
    if (flags.force || flags.simulate) return this.applyChange(flags, {op: 'config.replace', config}, what)
    const current = await readTarget(flags)
    checkImportEpoch(args.source, config.epoch, current.epoch, flags.file === undefined ? 'the cluster\'s configuration' : flags.file)
    return this.applyChange({...flags, 'if-epoch': flags['if-epoch'] ?? current.epoch}, {op: 'config.replace', config}, what)
  }
}
