import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {stopFirst} from '../../cli/stop-first.js'
import {actionTouches, primitivesOf} from '../../cli/resource-members.js'
import {callDaemon} from '../../client/client.js'
import type {ClusterStatus} from '../../client/status.js'
import type {ConfigEdit} from '../../core/config/edits.js'
import type {ResourceConfig} from '../../core/config/types.js'

/**
 * What unclone takes out of the clone (see removeClone in core/config/edits.ts): the
 * clone itself, or only a member of a cloned group that has others. Its running
 * copies (`id:N`) are stopped first on the live cluster.
 */
function uncloned(config: ResourceConfig, name: string): {stop: string, primitives: string[], restore?: string} | undefined {
  const clone = config.clones.find((c) => c.id === name || c.child === name)
  if (clone) return {stop: clone.id, primitives: primitivesOf(config, clone.id)}
  const group = config.groups.find((g) => g.members.includes(name))
  const groupClone = group && config.clones.find((c) => c.child === group.id)
  if (!group || !groupClone) return undefined
  if (group.members.length === 1) return {stop: groupClone.id, primitives: [name]}
  return {stop: name, primitives: [name], restore: config.resources.find((r) => r.id === name)?.meta['target-role'] ?? ''}
}

export default class ResourceUnclone extends EditCommand {
  static override summary = 'Remove a clone, keeping the resource or group it clones (pcs resource unclone).'
  static override description = `NAME is the clone's id or the id of the resource or group it clones. As pcs does: the clone's constraints go with it (they were written for many copies) and the resource stays, to run as one copy. A member of a cloned group that has other members leaves the group instead, and the clone stays. On a live cluster the copies still running are stopped first (target-role=Stopped on the clone, or on the member; wait; --timeout), then the clone goes and the resource starts once: the engine does not stop copies the configuration no longer names, and Pacemaker would restart them too (multiple-active=stop_start). --no-stop skips that and leaves the copies running, unmanaged.`
  static override examples = ['<%= config.bin %> <%= command.id %> ping-clone', '<%= config.bin %> <%= command.id %> ping']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'The clone, or the resource or group it clones.'})}
  static override flags = {
    'no-stop': Flags.boolean({summary: 'On the live cluster: remove the clone without stopping its copies first (they keep running, unmanaged).'}),
    timeout: Flags.integer({summary: 'Seconds to wait for the copies to stop before giving up (the clone stays, stopped).', default: 60, min: 1}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceUnclone)
    const edit: ConfigEdit = {op: 'clone.remove', id: args.name}
    const change = `uncloned ${args.name}`
    if (flags.file !== undefined || flags.simulate || flags['no-stop']) return this.applyChange(flags, edit, change)
    const runDir = flags['run-dir']
    const config = await callDaemon(runDir, 'config.get', {})
    const what = uncloned(config, args.name)
    // Copies are `id:N`; the primitive's own id is what runs once the clone is gone.
    const copies = (status: ClusterStatus) => status.resources.filter((r) => r.id.includes(':') && actionTouches(r.id, what?.primitives ?? []) && r.nodes.length > 0)
    if (what === undefined || copies(await callDaemon(runDir, 'status', {})).length === 0) return this.applyChange(flags, edit, change)
    this.say(`Attempting to stop the copies of ${args.name}...`)
    await stopFirst(runDir, what.stop, copies, flags.timeout, flags['if-epoch'],
      (nodes) => `the copies of ${args.name} did not stop within ${flags.timeout} s (still on ${nodes}): the clone stays, with target-role=Stopped on ${what.stop}; see hactl status`)
    this.say('Stopped')
    // The member case: its own target-role comes back (an empty value removes it).
    const batch: ConfigEdit = what.restore === undefined ? edit : {op: 'batch', edits: [edit, {op: 'resource.meta', id: args.name, meta: {'target-role': what.restore}}]}
    return this.applyChange({...flags, 'if-epoch': undefined}, batch, change)
  }
}
