import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {HactlError} from '../../cli/errors.js'
import {callDaemon} from '../../client/client.js'

export default class NodeRemove extends EditCommand {
  static override summary = 'Remove a node from the running cluster (pcs cluster node remove), or from a configuration file.'
  static override description = `Live: the node leaves cluster.json on every running node at once (no restart) and the daemons forget it: its vote leaves the expected votes, its records go, nothing is scheduled on it. A node that is online is refused (exit 1) unless --force, which first stops it (its clean leave: resources move away) and removes it once it left, as pcs does. Quorum safety: expected votes drop only once the node is out of the view, so two partitions are never both quorate during the change. Run it on another node than NAME; afterwards run 'hactl cluster destroy' on the removed host. The node's entry and location constraints in the resource configuration go too. With -f only the file's node entry and constraints go.`
  static override examples = ['<%= config.bin %> <%= command.id %> n4', '<%= config.bin %> <%= command.id %> n4 --force', '<%= config.bin %> -f cluster-config.json <%= command.id %> n4']
  static override aliases = ['node delete', 'cluster node remove', 'cluster node delete']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Node name.'})}
  static override flags = {
    force: Flags.boolean({summary: 'Live: stop the node first when it is online, then remove it.'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(NodeRemove)
    if (flags.file !== undefined || flags.simulate) return this.applyChange(flags, {op: 'node.remove', name: args.name}, `removed node ${args.name}`)
    let result
    try {
      result = await callDaemon(flags['run-dir'], 'nodes.change', {op: 'remove', name: args.name, force: flags.force})
    } catch (error) {
      if (error instanceof HactlError && error.code === 'unknown-method') throw new HactlError('unsupported', 'this daemon cannot change the node list while running (no control method nodes.change); nothing was done')
      throw error
    }
    this.say(`removed node ${args.name} from the cluster: ${result.nodes.length} nodes (${result.nodes.map((n) => n.name).join(', ')}), cluster.json version ${result.nodesVersion} on every running node`)
    // Its declaration and location constraints in the resource configuration (pcs: crm_node --remove).
    // The node list just changed, so a view change may still be settling: a replicated write
    // that says so ('dc-changed', may or may not be applied) is checked and asked again.
    let epoch = 0
    for (let attempt = 1; ; attempt++) {
      const config = await callDaemon(flags['run-dir'], 'config.get', {}) as {epoch: number, nodes?: Array<{name: string}>}
      epoch = config.epoch
      if (!(config.nodes?.some((n) => n.name === args.name) ?? false)) break
      try {
        epoch = (await this.applyChange(flags, {op: 'node.remove', name: args.name}, `removed node ${args.name} from the resource configuration`)).epoch
        break
      } catch (error) {
        // Only a membership change in flight is asked again (the loop re-reads the configuration first).
        const transient = error instanceof HactlError && ['dc-changed', 'no-quorum', 'busy', 'timeout'].includes(error.code)
        if (!transient || attempt >= 5) throw error
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
    return {epoch, change: `removed node ${args.name}`, nodes: result.nodes.map((n) => n.name), nodesVersion: result.nodesVersion} as unknown as EditResult
  }
}
