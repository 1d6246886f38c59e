import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import {callDaemon} from '../../client/client.js'

export default class ResourceCleanup extends HactlCommand<unknown> {
  static override summary = "Forget a resource's failures and re-probe it, on every node or on NODE (live cluster); without a resource, every resource that has failures."
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> <%= command.id %> web-ip n1', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({name: 'NAME', description: 'Resource, group or clone (default: every resource with failures, as pcs resource cleanup).'}), node: Args.string({name: 'NODE', description: 'Only on this node.'})}
  static override aliases = ['resource refresh']
  static override flags = {...configFlags}

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ResourceCleanup)
    if (flags.file !== undefined) throw inputError('cleanup acts on the running cluster; it has no meaning for a configuration file (-f)')
    if (args.name === undefined) {
      // pcs resource cleanup: every resource with a failure (a clone's copy x:N is cleaned as x).
      const status = await callDaemon(flags['run-dir'], 'status', {})
      const ids = [...new Set(status.failures.map((f) => f.resource.replace(/:\d+$/, '')))]
      for (const id of ids) await callDaemon(flags['run-dir'], 'resource.cleanup', {id})
      this.say(ids.length === 0 ? 'no resource has failures: nothing to clean up' : `cleanup of ${ids.join(', ')} requested`)
      return {resources: ids}
    }
    const result = await callDaemon(flags['run-dir'], 'resource.cleanup', {id: args.name, node: args.node})
    this.say(`cleanup of ${args.name} requested`)
    return result
  }
}
