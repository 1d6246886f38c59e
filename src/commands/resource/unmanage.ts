import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {managedEdit} from '../../cli/edit-targets.js'

export default class ResourceUnmanage extends EditCommand {
  static override summary = 'Stop the cluster from managing resources (pcs resource unmanage: is-managed=false): they keep running as they are, unstarted and unstopped.'
  static override examples = ['<%= config.bin %> <%= command.id %> web']
  static override strict = false
  static override args = {id: Args.string({name: 'RESOURCE', required: true, description: 'Resource, group or clone (repeatable).'})}

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(ResourceUnmanage)
    return this.applyChange(flags, managedEdit(argv as string[], false), `unmanaged ${(argv as string[]).join(', ')}`)
  }
}
