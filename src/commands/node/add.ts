import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {HactlError, inputError} from '../../cli/errors.js'
import {encodeJoinToken} from '../../cli/join-token.js'
import {callDaemon} from '../../client/client.js'
import {readAuthkey} from '../../daemon/authkey.js'

export interface NodeAddResult extends Partial<EditResult> {
  node?: {id: number, name: string, addrs: string[], votes: number}
  nodes?: string[]
  nodesVersion?: number
  joinToken?: string
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/

export default class NodeAdd extends EditCommand {
  static override summary = 'Add a node to the running cluster (pcs cluster node add), or declare one in a configuration file.'
  static override description = `Live, with --addr: the node list in cluster.json grows on every running node at once (no restart): each daemon rewrites its cluster.json, counts the new node's vote in the expected votes and accepts its traffic. The command prints a join token: on the new node run 'hactl cluster join TOKEN' and 'hactl cluster start'. Needs a quorate partition. Quorum safety: expected votes rise on the nodes before the new node can vote, so two partitions are never both quorate during the change. Without --addr (or with -f) the node is only declared in the resource configuration, so constraints and attributes can name it.`
  static override examples = ['<%= config.bin %> <%= command.id %> n4 --addr 192.168.122.14', '<%= config.bin %> <%= command.id %> n4 addr=192.168.122.14', '<%= config.bin %> -f cluster-config.json <%= command.id %> n4']
  static override strict = false
  static override aliases = ['cluster node add']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Node name.'})}
  static override flags = {
    id: Flags.integer({summary: 'Node id in cluster.json (default: the lowest free one).', min: 1, max: 65535}),
    addr: Flags.string({summary: 'Address per link (repeatable): grows the running cluster.', multiple: true}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(NodeAdd)
    // pcs cluster node add NAME addr=ADDR [addr=ADDR2]: the same as --addr.
    for (const word of (argv as string[]).slice(1)) {
      if (!word.startsWith('addr=') || word.length === 'addr='.length) throw inputError(`${JSON.stringify(word)} is not addr=ADDRESS (usage: node add NAME [--addr ADDR | addr=ADDR]... [--id N])`)
      flags.addr = [...flags.addr ?? [], word.slice('addr='.length)]
    }
    if (!NAME.test(args.name)) throw inputError(`node name ${JSON.stringify(args.name)} may contain only letters, digits, _ . : -`)
    if (flags.id !== undefined && flags.addr === undefined) throw inputError('--id needs --addr: the node id and addresses go into cluster.json together')
    if (flags.addr === undefined) return this.applyChange(flags, {op: 'node.add', name: args.name}, `declared node ${args.name}`)
    if (flags.file !== undefined) throw inputError('--id and --addr describe the node in cluster.json of a running cluster; with -f only the name is declared')
    if (flags.simulate) throw inputError('--simulate does not apply to growing the cluster (cluster.json, not the resource configuration)')
    let result
    try {
      result = await callDaemon(flags['run-dir'], 'nodes.change', {op: 'add', name: args.name, addrs: flags.addr, ...(flags.id === undefined ? {} : {id: flags.id})})
    } catch (error) {
      if (error instanceof HactlError && error.code === 'unknown-method') throw new HactlError('unsupported', 'this daemon cannot change the node list while running (no control method nodes.change); nothing was done')
      throw error
    }
    const node = result.nodes.find((n) => n.name === args.name)!
    let joinToken: string | undefined
    try {
      joinToken = encodeJoinToken(result.bootstrap, await readAuthkey(result.bootstrap.authkey_file))
    } catch {
      joinToken = undefined
    }
    this.say(`added node ${node.name} (id ${node.id}, ${node.addrs.join(', ')}) to the cluster: ${result.nodes.length} nodes, cluster.json version ${result.nodesVersion} on every running node`)
    this.say(joinToken === undefined
      ? `On ${node.name}: copy /etc/hactl/cluster.json and the authkey from this node, then run 'hactl cluster start'`
      : `On ${node.name} run (the token holds the authkey: pass it over ssh, keep it out of logs):\n  hactl cluster join ${joinToken}\n  hactl cluster start`)
    return {change: `added node ${node.name}`, node, nodes: result.nodes.map((n) => n.name), nodesVersion: result.nodesVersion, ...(joinToken === undefined ? {} : {joinToken})} as unknown as EditResult
  }
}
