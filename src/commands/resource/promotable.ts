import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {cloneAddEdit, parsePcsWords} from '../../cli/pcs-words.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourcePromotable extends EditCommand {
  static override summary = 'Clone a resource or group as a promotable clone: instances run Unpromoted, the best ones Promoted (pcs resource promotable).'
  static override description = `The clone is NAME-clone unless CLONE_ID is given; META pairs (optionally after the word meta) are the clone's meta attributes, e.g. notify=true.
The agent chooses where an instance may be promoted by setting its promotion score (crm_master, crm_attribute --promotion): the highest scores are promoted, at most promoted-max in the cluster and promoted-node-max per node. Without a score an instance is never promoted.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> db',
    '<%= config.bin %> <%= command.id %> db db-ms --promoted-max 1 notify=true',
    '<%= config.bin %> <%= command.id %> db meta notify=true clone-max=3',
  ]

  static override strict = false
  static override args = {name: resourceNameArg, rest: Args.string({name: '[CLONE_ID] [meta] [META...]', description: 'Clone id (default NAME-clone), then meta attributes KEY=VALUE.'})}
  static override flags = {
    'promoted-max': Flags.integer({summary: 'promoted-max: Promoted instances in the cluster (default 1).', min: 0}),
    'promoted-node-max': Flags.integer({summary: 'promoted-node-max: Promoted instances on one node (default 1).', min: 1}),
    max: Flags.integer({summary: 'clone-max: instances in the cluster (default: one per node).', min: 0}),
    'node-max': Flags.integer({summary: 'clone-node-max: instances per node (default 1).', min: 1}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourcePromotable)
    // The words are pcs's clone section after "promotable": [CLONE_ID] [meta] [KEY=VALUE...].
    const {clone} = parsePcsWords(['promotable', ...(argv as string[]).slice(1)], 'usage: resource promotable NAME [CLONE_ID] [meta] [KEY=VALUE...]')
    const extra: Record<string, string> = {}
    if (flags['promoted-max'] !== undefined) extra['promoted-max'] = String(flags['promoted-max'])
    if (flags['promoted-node-max'] !== undefined) extra['promoted-node-max'] = String(flags['promoted-node-max'])
    if (flags.max !== undefined) extra['clone-max'] = String(flags.max)
    if (flags['node-max'] !== undefined) extra['clone-node-max'] = String(flags['node-max'])
    const {id, edit} = cloneAddEdit(args.name, clone!, extra)
    return this.applyChange(flags, edit, `made ${args.name} promotable as ${id}`)
  }
}
