import {timeoutFlag, waitFlag} from '../../cli/flags.js'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {parseOperation, parsePairs} from '../../cli/parse.js'
import {Flags} from '@oclif/core'
import {inputError} from '../../cli/errors.js'
import {checkAgentParams, forceFlag} from '../../cli/agent-params.js'
import {readTarget} from '../../cli/config-target.js'
import {mergeValues, type ConfigEdit} from '../../core/config/edits.js'
import {parsePcsWords} from '../../cli/pcs-words.js'

export default class ResourceUpdate extends EditCommand {
  static override summary = 'Change a resource\'s parameters (KEY=VALUE; KEY= removes) and operations.'
  static override description = 'pcs\'s positional form works too: after the parameters, "op ACTION KEY=VALUE..." adds or replaces operations as --op does and "meta KEY=VALUE..." sets meta attributes, all in one change.\nThe resulting parameters and operations are checked against the meta-data of the agent installed on this node (unknown parameters, missing required ones, unknown op attributes); --force accepts them unchecked, as pcs.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip cidr_netmask=16',
    '<%= config.bin %> <%= command.id %> web-ip --op "monitor interval=5s timeout=10s"',
    '<%= config.bin %> <%= command.id %> web-ip cidr_netmask=16 op monitor interval=5s meta resource-stickiness=200',
  ]

  static override strict = false
  static override args = {name: resourceNameArg}
  static override flags = {op: Flags.string({summary: 'Operation to add or replace (repeatable).', multiple: true}), force: forceFlag, wait: waitFlag, timeout: timeoutFlag}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceUpdate)
    const words = parsePcsWords((argv as string[]).slice(1), 'usage: resource update NAME [KEY=VALUE...] [op ACTION KEY=VALUE...] [meta KEY=VALUE...]', false)
    const params = parsePairs(words.params, 'parameter')
    const operations = [...flags.op ?? [], ...words.ops].map(parseOperation)
    const meta = parsePairs(words.meta, 'meta attribute')
    if (Object.keys(params).length === 0 && operations.length === 0 && Object.keys(meta).length === 0) throw inputError('nothing to update: give KEY=VALUE parameters, op ACTION KEY=VALUE... (or --op) or meta KEY=VALUE...')
    if (!flags.force) {
      const current = await readTarget(flags)
      const resource = current.resources.find((r) => r.id === args.name)
      // A missing resource is reported by the edit itself, as before.
      if (resource) await checkAgentParams(resource.agent, mergeValues(resource.params, params), {operations})
    }
    const update: ConfigEdit = {op: 'resource.update', id: args.name, params, operations}
    const setMeta: ConfigEdit = {op: 'resource.meta', id: args.name, meta}
    const edit: ConfigEdit = Object.keys(meta).length === 0 ? update : Object.keys(params).length === 0 && operations.length === 0 ? setMeta : {op: 'batch', edits: [update, setMeta]}
    const result = await this.applyChange(flags, edit, `updated ${args.name}`)
    // pcs resource update --wait: until the cluster carried it out (the restart or reload the change asks for).
    return flags.wait && !flags.simulate ? this.settle(flags, result) : result
  }
}
