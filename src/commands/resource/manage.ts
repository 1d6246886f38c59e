import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import type {ConfigEdit} from '../../core/config/edits.js'

/** pcs resource manage|unmanage R...: is-managed on each, as one change. */
export function managedEdit(ids: string[], managed: boolean): ConfigEdit {
  // manage removes is-managed (its default is true), as pcs does; unmanage sets false.
  const edits: ConfigEdit[] = [...new Set(ids)].map((id) => ({op: 'resource.meta', id, meta: {'is-managed': managed ? '' : 'false'}}))
  return edits.length === 1 ? edits[0] : {op: 'batch', edits}
}

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
