import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {configFlags} from '../../cli/flags.js'
import {serializeConfig} from '../../store/config-file.js'
import {writeFileAtomic} from '../../store/atomic-file.js'

export interface ExportResult {file: string | null, epoch: number}

export default class ConfigExport extends HactlCommand<ExportResult> {
  static override summary = 'Write the resource configuration to FILE (or standard output), e.g. to edit offline with -f and import back.'
  static override examples = ['<%= config.bin %> <%= command.id %> backup.json', '<%= config.bin %> <%= command.id %> > backup.json']
  static override args = {file: Args.string({name: 'FILE', description: 'Destination (standard output when omitted).'})}
  static override flags = {...configFlags}

  async run(): Promise<ExportResult> {
    const {args, flags} = await this.parse(ConfigExport)
    const config = await readTarget(flags)
    if (args.file === undefined) {
      if (!this.jsonEnabled()) process.stdout.write(serializeConfig(config))
      return {file: null, epoch: config.epoch}
    }
    await writeFileAtomic(args.file, serializeConfig(config))
    this.say(`wrote ${args.file} (epoch ${config.epoch})`)
    return {file: args.file, epoch: config.epoch}
  }
}
