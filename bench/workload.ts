// The workload the daemon benchmarks share: a 3-node cluster with a VIP monitored
// every 2 s and a dummy service monitored every 10 s, stickiness 100.
import {callDaemon} from '../src/client/client.js'
import {TestCluster} from '../test/lib/cluster.js'

export const VIP = '10.213.0.100'

export async function startWorkload(env: Record<string, string> = {}): Promise<TestCluster> {
  const cluster = await TestCluster.create({nodes: 3, env})
  try {
    await cluster.startAll()
    await cluster.waitQuorate()
    await callDaemon(cluster.runDir(1), 'config.edit', {edit: {op: 'property.set', properties: {'resource-stickiness': '100'}}})
    for (const args of [
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--op', 'monitor interval=2s timeout=5s'],
      ['resource', 'add', 'agent', 'svc', 'ocf:hactl:dummy'],
    ]) {
      const result = await cluster.cli(1, args)
      if (result.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${result.stderr}`)
    }
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'the VIP on one node')
    await cluster.waitQuorate()
    return cluster
  } catch (error) {
    await cluster.destroy()
    throw error
  }
}
