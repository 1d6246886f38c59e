import {Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {HactlError} from '../cli/errors.js'
import {stateDirFlag} from '../cli/flags.js'
import type {TransitionRecord} from '../core/history/index.js'

export default class History extends HactlCommand<TransitionRecord[]> {
  static override summary = 'The DC\'s transitions, with what triggered them, their actions and outcome.'
  static override description = 'Kept in the state directory of every node (the last 50), each with the policy engine\'s whole input: hactl simulate --replay N plans it again. The DC sends each transition record to every member of its view, and its whole history to a node that joins, so after a DC change the new DC (any node) still lists the earlier transitions and their DC. Numbers (N) are each node\'s own.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json --last 5']
  static override flags = {
    'state-dir': stateDirFlag,
    last: Flags.integer({summary: 'Only the last N transitions.', min: 1}),
    inputs: Flags.boolean({summary: 'With --json: include each transition\'s saved input (configuration and cluster state).'}),
  }

  async run(): Promise<TransitionRecord[]> {
    const {flags} = await this.parse(History)
    const {readHistory, readInput} = await import('../daemon/history-store.js')
    const history = await readHistory(flags['state-dir']).catch((error: NodeJS.ErrnoException) => {
      throw new HactlError(error.code === 'EACCES' ? 'permission-denied' : 'unreadable', `cannot read the history in ${flags['state-dir']}: ${error.code === 'EACCES' ? 'permission denied (run as root)' : error.message}`, 1)
    })
    let records = history.records
    if (flags.last !== undefined) records = records.slice(-flags.last)
    if (records.length === 0) this.say('no transitions recorded on this node')
    for (const r of records) {
      const took = r.completedAtMs !== undefined ? ` in ${r.completedAtMs - r.atMs} ms` : ''
      this.say(`#${r.n}  ${new Date(r.atMs).toISOString()}  transition ${r.transitionId} by ${r.dc}, epoch ${r.epoch}: ${r.actions.length} action${r.actions.length === 1 ? '' : 's'}, ${r.outcome}${took}`)
      this.say(`    trigger: ${r.trigger.join('; ')}`)
      for (const line of r.summary) this.say(`    ${line}`)
      if (r.failedActions.length > 0) this.say(`    failed: ${r.failedActions.join(', ')}`)
    }
    if (!flags.inputs) return records
    return Promise.all(records.map(async (r) => {
      const input = await readInput(flags['state-dir'], r.n)
      return input ? {...r, input} : r
    }))
  }
}
