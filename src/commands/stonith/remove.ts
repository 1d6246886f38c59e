import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readTarget} from '../../cli/config-target.js'
import {requireDevice} from '../../cli/fence-devices.js'

export default class StonithRemove extends EditCommand {
  static override summary = 'Remove a fence device (pcs stonith delete).'
  static override examples = ['<%= config.bin %> <%= command.id %> ipmi-n1']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Fence device id.'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(StonithRemove)
    requireDevice(await readTarget(flags), args.name)
    return this.applyChange(flags, {op: 'resource.remove', id: args.name}, `removed fence device ${args.name}`)
  }
}
