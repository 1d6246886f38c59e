import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {configFlags} from '../../cli/flags.js'
import type {ResourceConfig} from '../../core/config/types.js'
import {serializeConfig} from '../../store/config-file.js'
import {writeFileAtomic} from '../../store/atomic-file.js'

async function cibText(config: ResourceConfig): Promise<string> {
  const {configToCib} = await import('../../core/cib/write.js')
  const {stateOf} = await import('../../core/policy/state.js')
  // Always with a status section (every node online when no state is saved): crm_simulate needs one.
  return configToCib(config, stateOf(config))
}

export interface ExportResult {file: string | null, epoch: number}

export default class ConfigExport extends HactlCommand<ExportResult> {
  static override summary = 'Write the resource configuration to FILE (or standard output), e.g. to edit offline with -f and import back.'
  static override examples = ['<%= config.bin %> <%= command.id %> backup.json', '<%= config.bin %> <%= command.id %> > backup.json']
  static override aliases = ['cluster cib']
  static override args = {file: Args.string({name: 'FILE', description: 'Destination (standard output when omitted).'})}
  static override flags = {...configFlags, cib: Flags.boolean({summary: 'Write a Pacemaker CIB (XML) instead of JSON, with the saved state (or every node online) as its status section, e.g. for crm_simulate -x.'})}

  async run(): Promise<ExportResult> {
    const {args, flags} = await this.parse(ConfigExport)
    const config = await readTarget(flags)
    const text = flags.cib ? await cibText(config) : serializeConfig(config)
    if (args.file === undefined) {
      if (!this.jsonEnabled()) process.stdout.write(text)
      return {file: null, epoch: config.epoch}
    }
    await writeFileAtomic(args.file, text)
    this.say(`wrote ${args.file} (epoch ${config.epoch})`)
    return {file: args.file, epoch: config.epoch}
  }
}
