import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {waitFlag, timeoutFlag} from '../../cli/flags.js'
import {nodeSetEdit, targetNodes} from '../../cli/edit-targets.js'

export default class NodeMaintenance extends EditCommand {
  static override summary = 'Put a node in maintenance: the cluster stops managing its resources (they keep running).'
  static override examples = ['<%= config.bin %> <%= command.id %> n1', '<%= config.bin %> -f cluster-config.json <%= command.id %> n1']
  static override strict = false
  static override args = {node: Args.string({name: 'NODE', description: 'Node name, repeatable (default: this node).'})}
  static override flags = {wait: waitFlag, timeout: timeoutFlag, all: Flags.boolean({summary: 'Every node of the cluster (pcs --all).'})}

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(NodeMaintenance)
    const nodes = await targetNodes(flags, argv as string[], flags.all)
    const result = await this.applyChange(flags, nodeSetEdit(nodes, {maintenance: true}), `node ${nodes.join(', ')}: maintenance=true`)
    return flags.wait && !flags.simulate ? this.settle(flags, result) : result
  }
}
