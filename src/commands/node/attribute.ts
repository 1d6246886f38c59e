import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {parsePairs} from '../../cli/parse.js'

export default class NodeAttribute extends EditCommand {
  static override summary = 'Set node attributes used by location rules (KEY=VALUE; KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %> n1 rack=r1 ssd=yes', '<%= config.bin %> <%= command.id %> n1 ssd=']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', required: true, description: 'Node name.'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(NodeAttribute)
    const attributes = parsePairs((argv as string[]).slice(1), 'attribute')
    if (Object.keys(attributes).length === 0) throw inputError('nothing to set: give KEY=VALUE pairs')
    return this.applyChange(flags, {op: 'node.attribute', name: args.node, attributes}, `node ${args.node}: set attributes`)
  }
}
