import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {managedEdit} from '../../cli/edit-targets.js'

export default class ResourceManage extends EditCommand {
  static override summary = 'Let the cluster manage resources again (pcs resource manage: removes is-managed=false).'
  static override examples = ['<%= config.bin %> <%= command.id %> web', '<%= config.bin %> <%= command.id %> web db']
  static override strict = false
  static override args = {id: Args.string({name: 'RESOURCE', required: true, description: 'Resource, group or clone (repeatable).'})}

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(ResourceManage)
    return this.applyChange(flags, managedEdit(argv as string[], true), `managed ${(argv as string[]).join(', ')}`)
  }
}
