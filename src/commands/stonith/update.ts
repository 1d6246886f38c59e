import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readTarget} from '../../cli/config-target.js'
import {inputError} from '../../cli/errors.js'
import {requireDevice} from '../../cli/fence-devices.js'
import {parsePairs} from '../../cli/parse.js'

export default class StonithUpdate extends EditCommand {
  static override summary = 'Change a fence device\'s parameters (KEY=VALUE; KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %> ipmi-n1 ip=10.0.9.2', '<%= config.bin %> <%= command.id %> ipmi-n1 pcmk_host_list=n1,n2']
  static override strict = false
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Fence device id.'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(StonithUpdate)
    const params = parsePairs((argv as string[]).slice(1), 'parameter')
    if (Object.keys(params).length === 0) throw inputError('nothing to update: give KEY=VALUE parameters')
    requireDevice(await readTarget(flags), args.name)
    return this.applyChange(flags, {op: 'resource.update', id: args.name, params}, `updated fence device ${args.name}`)
  }
}
