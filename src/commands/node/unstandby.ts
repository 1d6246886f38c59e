import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {waitFlag, timeoutFlag} from '../../cli/flags.js'
import {localNodeName} from '../../cli/local-node.js'

export default class NodeUnstandby extends EditCommand {
  static override summary = 'Take a node out of standby.'
  static override examples = ['<%= config.bin %> <%= command.id %> n1', '<%= config.bin %> -f cluster-config.json <%= command.id %> n1']
  static override args = {node: Args.string({name: 'NODE', description: 'Node name (default: this node).'})}
  static override flags = {wait: waitFlag, timeout: timeoutFlag}

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(NodeUnstandby)
    const node = args.node ?? await localNodeName(flags)
    const result = await this.applyChange(flags, {op: 'node.set', name: node, standby: false}, `node ${node}: standby=false`)
    return flags.wait && !flags.simulate ? this.settle(flags, result) : result
  }
}
