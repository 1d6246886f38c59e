import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {waitFlag, timeoutFlag} from '../../cli/flags.js'
import {nodeSetEdit, targetNodes} from '../../cli/edit-targets.js'

export default class NodeUnmaintenance extends EditCommand {
  static override summary = 'Take a node out of maintenance.'
  static override examples = ['<%= config.bin %> <%= command.id %> n1', '<%= config.bin %> -f cluster-config.json <%= command.id %> n1']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', description: 'Node name, repeatable (default: this node).'})}
  static override flags = {wait: waitFlag, timeout: timeoutFlag, all: Flags.boolean({summary: 'Every node of the cluster (pcs --all).'})}

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(NodeUnmaintenance)
    const nodes = await targetNodes(flags, argv as string[], flags.all)
    const result = await this.applyChange(flags, nodeSetEdit(nodes, {maintenance: false}), `node ${nodes.join(', ')}: maintenance=false`)
    return flags.wait && !flags.simulate ? this.settle(flags, result) : result
  }
}
