// `hactl simulate --replay N`: plans transition N of this node's history again
// from its saved input and shows whether the actions are identical.
import {HactlError, inputError} from './errors.js'
import type {Replay} from '../core/history/index.js'

export interface ReplayResult extends Replay {
  transitionId: number
  dc: string
  trigger: string[]
  summary: string[]
}

export async function replayTransition(stateDir: string, n: number): Promise<{result: ReplayResult, text: string}> {
  const {readHistory, readInput} = await import('../daemon/history-store.js')
  const {replay} = await import('../core/history/index.js')
  const history = await readHistory(stateDir).catch((error: NodeJS.ErrnoException) => {
    throw new HactlError('unreadable', `cannot read the history in ${stateDir}: ${error.code === 'EACCES' ? 'permission denied (run as root)' : error.message}`, 1)
  })
  const record = history.records.find((r) => r.n === n)
  if (!record) {
    const known = history.records.length === 0 ? 'none recorded on this node' : `${history.records[0].n}-${history.records[history.records.length - 1].n}`
    throw inputError(`--replay ${n}: no such transition in ${stateDir} (recorded: ${known})`)
  }
  const input = await readInput(stateDir, n)
  if (!input) throw new HactlError('no-input', `transition #${n} has no saved input in ${stateDir}/history-inputs (removed by hand, or not yet written)`, 1)
  const outcome = replay(record, input)
  const {renderResult, schedule} = await import('../core/policy/index.js')
  const {planningConfig} = await import('../core/orchestration/index.js')
  const rendered = renderResult(schedule(planningConfig(input.config, input.nodes), input.state)).trimEnd()
  const lines = [
    `Replay of #${n}: transition ${record.transitionId} by ${record.dc} at ${new Date(record.atMs).toISOString()}, epoch ${record.epoch}`,
    `Trigger: ${record.trigger.join('; ')}`,
    rendered,
    outcome.identical
      ? `Identical: the ${outcome.replayed.length} action(s) planned again from the saved input are the ${outcome.recorded.length} recorded.`
      : `DIFFERENT: only recorded: ${outcome.onlyRecorded.join(', ') || '-'}; only replayed: ${outcome.onlyReplayed.join(', ') || '-'}`,
  ]
  return {result: {...outcome, transitionId: record.transitionId, dc: record.dc, trigger: record.trigger, summary: record.summary}, text: lines.join('\n')}
}
