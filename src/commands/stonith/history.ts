import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {runDirFlag} from '../../cli/flags.js'
import {fenceEventLine} from '../../cli/render-status.js'
import {callDaemon} from '../../client/client.js'
import type {FenceEvent} from '../../client/status.js'

export default class StonithHistory extends HactlCommand<FenceEvent[]> {
  static override summary = 'The fence operations the cluster ran, oldest first (pcs stonith history).'
  static override description = 'Fences the cluster decided (a node lost uncleanly) and those asked with hactl node fence, as the DC knows them (the last 100): which device, which DC ran it (delegate), where it was asked (origin), and when it completed. A new DC keeps the history its predecessor published.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> n3 --json']
  static override args = {node: Args.string({name: 'NODE', required: false, description: 'Only the fences of this node.'})}
  static override flags = {'run-dir': runDirFlag}

  async run(): Promise<FenceEvent[]> {
    const {args, flags} = await this.parse(StonithHistory)
    const status = await callDaemon(flags['run-dir'], 'status', {})
    const events = (status.fencing ?? []).filter((e) => args.node === undefined || e.target === args.node)
    if (events.length === 0) this.say(args.node === undefined ? 'No fencing history' : `No fencing history for ${args.node}`)
    for (const e of events) this.say(fenceEventLine(e))
    return events
  }
}
