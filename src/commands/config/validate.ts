import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {configFlags} from '../../cli/flags.js'
import {readExistingConfigFile} from '../../store/config-file.js'

export interface ValidateResult {valid: true, epoch: number, resources: number, constraints: number}

export default class ConfigValidate extends HactlCommand<ValidateResult> {
  static override summary = 'Check a resource configuration (FILE, the -f file, or the live one): schema and semantic checks.'
  static override examples = ['<%= config.bin %> <%= command.id %> cluster-config.json', '<%= config.bin %> -f cluster-config.json <%= command.id %>']
  static override aliases = ['cluster verify']
  static override args = {source: Args.string({name: 'FILE', description: 'File to check.'})}
  static override flags = {...configFlags}

  async run(): Promise<ValidateResult> {
    const {args, flags} = await this.parse(ConfigValidate)
    const config = args.source === undefined ? await readTarget(flags) : await readExistingConfigFile(args.source)
    this.say(`configuration is valid (epoch ${config.epoch}, ${config.resources.length} resources, ${config.constraints.length} constraints)`)
    return {valid: true, epoch: config.epoch, resources: config.resources.length, constraints: config.constraints.length}
  }
}
