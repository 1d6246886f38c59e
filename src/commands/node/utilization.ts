import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {parseUtilization} from '../../cli/parse.js'

export default class NodeUtilization extends EditCommand {
  static override summary = 'Set a node\'s capacity for placement-strategy (KEY=INTEGER; KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %> n1 cpu=8 memory=16384']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', required: true, description: 'Node name.'})}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(NodeUtilization)
    const utilization = parseUtilization((argv as string[]).slice(1))
    return this.applyChange(flags, {op: 'node.utilization', name: args.node, utilization}, `node ${args.node}: set utilization`)
  }
}
