import {callDaemon} from '../client/client.js'
import type {ClusterStatus} from '../client/status.js'
import {HactlError} from './errors.js'

/**
 * Waits until the cluster has applied a configuration epoch and has nothing left
 * to do, showing the transition's progress with listr2 on a terminal.
 */
export async function waitSettled(runDir: string, epoch: number, timeoutMs: number, quiet: boolean): Promise<ClusterStatus> {
  const deadline = Date.now() + timeoutMs
  const poll = async (onProgress: (status: ClusterStatus) => void): Promise<ClusterStatus> => {
    for (;;) {
      const status = await callDaemon(runDir, 'status', {})
      onProgress(status)
      if (status.epoch >= epoch && status.settled && status.source === 'dc') return status
      if (Date.now() > deadline) {
        throw new HactlError('timeout', `the cluster did not settle within ${Math.round(timeoutMs / 1000)} s${status.transition ? ` (transition ${status.transition.id}: ${status.transition.done}/${status.transition.total} actions done)` : ''}; see hactl status`, 1)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  if (quiet) return poll(() => undefined)
  if (!process.stdout.isTTY) {
    // On a pipe: plain lines, each progress line once (listr2's simple renderer repeats them).
    const {DistinctLines} = await import('./watch-lines.js')
    const distinct = new DistinctLines()
    process.stdout.write(`Configuration epoch ${epoch} committed\nWaiting for the cluster to carry it out\n`)
    const settled = await poll((status) => {
      const line = status.transition ? distinct.next(progressLine(status.transition)) : undefined
      if (line !== undefined) process.stdout.write(`  ${line}\n`)
    })
    process.stdout.write('The cluster has settled\n')
    return settled
  }
  const {Listr} = await import('listr2')
  let settled: ClusterStatus | undefined
  await new Listr([
    {title: `Configuration epoch ${epoch} committed`, task: () => undefined},
    {
      title: 'Waiting for the cluster to carry it out',
      task: async (_ctx, task) => {
        settled = await poll((status) => {
          if (status.transition) task.output = progressLine(status.transition)
        })
        task.title = 'The cluster has settled'
      },
      rendererOptions: {persistentOutput: true},
    },
  ], {renderer: 'default', exitOnError: true}).run()
  return settled!
}

function progressLine(t: NonNullable<ClusterStatus['transition']>): string {
  return `transition ${t.id}: ${t.done}/${t.total} actions done; ${t.summary.map((l) => l.trim()).join('; ')}`
}
