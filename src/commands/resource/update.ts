import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {parseOperation, parsePairs} from '../../cli/parse.js'
import {Flags} from '@oclif/core'
import {inputError} from '../../cli/errors.js'
import {checkAgentParams, forceFlag} from '../../cli/agent-params.js'
import {readTarget} from '../../cli/config-target.js'
import {mergeValues} from '../../core/config/edits.js'

export default class ResourceUpdate extends EditCommand {
  static override summary = 'Change a resource\'s parameters (KEY=VALUE; KEY= removes) and operations.'
  static override description = 'The resulting parameters and operations are checked against the meta-data of the agent installed on this node (unknown parameters, missing required ones, unknown op attributes); --force accepts them unchecked, as pcs.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip cidr_netmask=16',
    '<%= config.bin %> <%= command.id %> web-ip --op "monitor interval=5s timeout=10s"',
  ]

  static override strict = false
  static override args = {name: resourceNameArg}
  static override flags = {op: Flags.string({summary: 'Operation to add or replace (repeatable).', multiple: true}), force: forceFlag}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceUpdate)
    const params = parsePairs((argv as string[]).slice(1), 'parameter')
    const operations = (flags.op ?? []).map(parseOperation)
    if (Object.keys(params).length === 0 && operations.length === 0) throw inputError('nothing to update: give KEY=VALUE parameters or --op')
    if (!flags.force) {
      const current = await readTarget(flags)
      const resource = current.resources.find((r) => r.id === args.name)
      // A missing resource is reported by the edit itself, as before.
      if (resource) await checkAgentParams(resource.agent, mergeValues(resource.params, params), {operations})
    }
    return this.applyChange(flags, {op: 'resource.update', id: args.name, params, operations}, `updated ${args.name}`)
  }
}
