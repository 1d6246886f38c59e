import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {localNodeName} from '../../cli/local-node.js'

export default class NodeUnstandby extends EditCommand {
  static override summary = 'Take a node out of standby.'
  static override examples = ['<%= config.bin %> <%= command.id %> n1', '<%= config.bin %> -f cluster-config.json <%= command.id %> n1']
  static override args = {node: Args.string({name: 'NODE', description: 'Node name (default: this node).'})}
  static override flags = {wait: Flags.boolean({summary: 'Wait until the cluster has settled (live cluster only).'})}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(NodeUnstandby)
    const node = args.node ?? await localNodeName(flags)
    return this.applyChange(flags, {op: 'node.set', name: node, standby: false}, `node ${node}: standby=false`)
  }
}
