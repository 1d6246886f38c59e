// The netns cluster harness lives in src/lab (hactl demo uses it too).
import {strict as assert} from 'node:assert'
import {TestCluster, type TestClusterOptions} from '../../src/lab/lab-cluster.js'
import {requireNetns} from './netns.js'

export * from '../../src/lab/lab-cluster.js'

/**
 * One cluster for the enclosing describe block: created, started and quorate before
 * its tests, destroyed after them (also when they fail), its daemons' last log lines
 * printed after a failed test. Call it at describe level; the getter returns the cluster.
 */
export function useCluster(options: TestClusterOptions, tailLines = 40): () => TestCluster {
  let cluster: TestCluster | undefined
  before(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create(options)
    await cluster.startAll()
    await cluster.waitQuorate()
  })
  after(async () => {
    await cluster?.destroy()
  })
  afterEach(function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(tailLines))
  })
  return () => {
    assert.ok(cluster, 'the cluster is not set up (useCluster before hook)')
    return cluster
  }
}

/** hactl ARGS on NODE, which must exit 0: its result, or an assertion naming the command and its output. */
export async function okCli(cluster: TestCluster, node: number, args: string[]): Promise<{stdout: string, stderr: string, json: any}> {
  const result = await cluster.cli(node, args)
  assert.equal(result.exitCode, 0, `hactl ${args.join(' ')}: ${result.stderr}${result.stdout}`)
  return result
}
