import {Args} from '@oclif/core'
import {HactlCommand} from '../../../cli/base-command.js'
import {inputError} from '../../../cli/errors.js'
import {configFlags} from '../../../cli/flags.js'
import {statusAndConfig} from '../../../cli/status-fast.js'
import {actionTouches, primitivesOf} from '../../../cli/resource-members.js'
import type {StatusFailure} from '../../../client/status.js'

export default class ResourceFailcountShow extends HactlCommand<StatusFailure[]> {
  static override summary = 'Show a resource\'s fail counts per node, or on NODE (pcs resource failcount show).'
  static override description = 'A group or clone shows its members\' and instances\' counts. Reset them with \'hactl resource failcount reset\' (the same as cleanup).'
  static override examples = ['<%= config.bin %> <%= command.id %> web', '<%= config.bin %> <%= command.id %> web n2']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Resource, group or clone.'}), node: Args.string({name: 'NODE', description: 'Only on this node.'})}
  static override flags = {...configFlags}

  async run(): Promise<StatusFailure[]> {
    const {args, flags} = await this.parse(ResourceFailcountShow)
    if (flags.file !== undefined) throw inputError('fail counts belong to the running cluster; there are none in a configuration file (-f)')
    const {status, config} = await statusAndConfig(flags['run-dir'], false)
    const primitives = config ? primitivesOf(config, args.name) : [args.name]
    if (config && primitives.length === 0) throw inputError(`resource ${JSON.stringify(args.name)} does not exist`, 'not-found')
    if (args.node !== undefined && !status.nodes.some((n) => n.name === args.node)) throw inputError(`node ${JSON.stringify(args.node)} is not a cluster node (nodes: ${status.nodes.map((n) => n.name).join(', ')})`, 'not-found')
    const counts = status.failures.filter((f) => actionTouches(f.resource, primitives) && (args.node === undefined || f.node === args.node))
    if (counts.length === 0) this.say(`No failcounts for ${args.name}${args.node ? ` on ${args.node}` : ''}`)
    for (const f of counts) {
      this.say(`${f.resource} on ${f.node}: fail-count=${f.failCount >= 1_000_000 ? 'INFINITY' : f.failCount} (${f.op})${f.lastFailureMs ? ` last failure ${new Date(f.lastFailureMs).toISOString()}` : ''}`)
    }
    return counts
  }
}
