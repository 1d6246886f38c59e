import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'

export default class NodeAdd extends EditCommand {
  static override summary = 'Declare a node in the resource configuration.'
  static override description = 'Offline (-f) the node is declared in the file, so constraints and attributes can name it. On a live cluster the node must also be in cluster.json on every node: run `hactl cluster setup` with the new node list, or `hactl cluster join` on the new node.'
  static override examples = ['<%= config.bin %> -f cluster-config.json <%= command.id %> n4']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Node name.'})}
  static override flags = {
    id: Flags.integer({summary: 'Node id in cluster.json (live growth).', min: 1, max: 65535}),
    addr: Flags.string({summary: 'Address per link (repeatable; live growth).', multiple: true}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(NodeAdd)
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/.test(args.name)) throw inputError(`node name ${JSON.stringify(args.name)} may contain only letters, digits, _ . : -`)
    if (flags.id !== undefined || flags.addr !== undefined) {
      // Growing cluster.json while the daemons run is not built yet: say what to do instead.
      throw inputError(flags.file !== undefined
        ? '--id and --addr describe the node in cluster.json; with -f only the name is declared'
        : 'growing a running cluster is not supported yet: run hactl cluster setup with the new node list (--force) on one node, hactl cluster join on the others, and restart the daemons one by one')
    }
    return this.applyChange(flags, {op: 'node.add', name: args.name}, `declared node ${args.name}`)
  }
}
