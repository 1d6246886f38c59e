import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {cloneAddEdit} from '../../cli/pcs-words.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceClone extends EditCommand {
  static override summary = 'Run a resource or group on several nodes at once (clone NAME-clone, or --id).'
  static override examples = ['<%= config.bin %> <%= command.id %> ping', '<%= config.bin %> <%= command.id %> web --max 2 --node-max 1']
  static override strict = false
  static override args = {name: resourceNameArg, meta: Args.string({name: 'META', description: 'More meta attributes KEY=VALUE.'})}
  static override flags = {
    id: Flags.string({summary: 'Id of the clone (default NAME-clone).'}),
    max: Flags.integer({summary: 'clone-max: copies in the cluster (default: one per node).', min: 0}),
    'node-max': Flags.integer({summary: 'clone-node-max: copies per node (default 1).', min: 1}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceClone)
    const extra: Record<string, string> = {}
    if (flags.max !== undefined) extra['clone-max'] = String(flags.max)
    if (flags['node-max'] !== undefined) extra['clone-node-max'] = String(flags['node-max'])
    const {id, edit} = cloneAddEdit(args.name, {promotable: false, ...(flags.id === undefined ? {} : {id: flags.id}), meta: (argv as string[]).slice(1)}, extra)
    return this.applyChange(flags, edit, `cloned ${args.name} as ${id}`)
  }
}
