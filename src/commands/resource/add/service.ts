import {Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {buildAddEdit, defaultOperations, resourceAddFlags, resourceNameArg} from '../../../cli/resource-add.js'

export default class ResourceAddService extends EditCommand {
  static override summary = 'Add a systemd service (ocf:hactl:service).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web --unit nginx.service',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> db --unit postgresql.service --group db',
  ]

  static override args = {name: resourceNameArg}
  static override flags = {
    unit: Flags.string({summary: 'The systemd unit, e.g. nginx.service.', required: true}),
    ...resourceAddFlags,
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceAddService)
    if (!/^[A-Za-z0-9:_.@\\-]{1,255}$/.test(flags.unit)) throw inputError(`--unit ${JSON.stringify(flags.unit)} is not a systemd unit name`)
    const unit = flags.unit.includes('.') ? flags.unit : `${flags.unit}.service`
    // Services take longer than addresses to start and stop: pcs's systemd defaults (100 s).
    const edit = buildAddEdit(args.name, 'ocf:hactl:service', {unit}, flags, defaultOperations('60s', '100s'))
    return this.applyChange(flags, edit, `added service ${args.name} (${unit})`)
  }
}
