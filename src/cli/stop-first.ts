import type {ClusterStatus} from '../client/status.js'
import {callDaemon} from '../client/client.js'
import {HactlError} from './errors.js'

/**
 * What pcs does before removing a running resource ("Attempting to stop: R... Stopped"):
 * target-role=Stopped on `target`, then wait until the cluster carried that out and
 * `running` finds nothing left. After `timeoutS`, `stuck(nodes)` is the error (exit 1);
 * target-role=Stopped stays, the message says so.
 */
export async function stopFirst(runDir: string, target: string, running: (status: ClusterStatus) => ClusterStatus['resources'], timeoutS: number, ifEpoch: number | undefined, stuck: (nodes: string) => string): Promise<void> {
  const stopped = await callDaemon(runDir, 'config.edit', {edit: {op: 'resource.meta', id: target, meta: {'target-role': 'Stopped'}}, ifEpoch})
  const deadline = Date.now() + timeoutS * 1000
  for (;;) {
    const status = await callDaemon(runDir, 'status', {})
    const still = running(status)
    if (status.epoch >= stopped.epoch && status.settled && still.length === 0) return
    if (Date.now() > deadline) throw new HactlError('stop-timeout', stuck([...new Set(still.flatMap((r) => r.nodes))].join(', ') || 'a node'), 1)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
