import {Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {stopFirst} from '../../cli/stop-first.js'
import type {ClusterStatus} from '../../client/status.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {actionTouches, primitivesOf} from '../../cli/resource-members.js'
import {callDaemon} from '../../client/client.js'

export default class ResourceRemove extends EditCommand {
  static override summary = 'Remove a resource, with the constraints that name it (a group goes with its members, a clone with its child).'
  static override description = 'On a live cluster a resource still running is stopped first, as pcs resource delete does ("Attempting to stop: R... Stopped"): target-role=Stopped, wait until no node runs it (--timeout), then remove. A removed resource that still ran would be left running, unmanaged: the engine does not stop what the configuration no longer names. --no-stop removes at once.'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip']
  static override aliases = ['resource delete']
  static override args = {name: resourceNameArg}
  static override flags = {
    'no-stop': Flags.boolean({summary: 'On the live cluster: remove without stopping it first (it keeps running, unmanaged).'}),
    timeout: Flags.integer({summary: 'Seconds to wait for the stop before giving up (nothing removed).', default: 60, min: 1}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceRemove)
    const edit = {op: 'resource.remove', id: args.name} as const
    if (flags.file !== undefined || flags.simulate || flags['no-stop']) return this.applyChange(flags, edit, `removed ${args.name}`)
    const runDir = flags['run-dir']
    const config = await callDaemon(runDir, 'config.get', {})
    const primitives = primitivesOf(config, args.name)
    const running = (status: ClusterStatus) => status.resources.filter((r) => actionTouches(r.id, primitives) && r.nodes.length > 0)
    if (primitives.length === 0 || running(await callDaemon(runDir, 'status', {})).length === 0) return this.applyChange(flags, edit, `removed ${args.name}`)
    this.say(`Attempting to stop: ${args.name}...`)
    await stopFirst(runDir, args.name, running, flags.timeout, flags['if-epoch'],
      (nodes) => `${args.name} did not stop within ${flags.timeout} s (still on ${nodes}): nothing removed, target-role=Stopped stays; see hactl status`)
    this.say('Stopped')
    return this.applyChange({...flags, 'if-epoch': undefined}, edit, `removed ${args.name}`)
  }
}
