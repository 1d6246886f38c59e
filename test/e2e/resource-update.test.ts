// `resource update` reaches a running resource (issue 14): the node records the
// digest of the parameters an instance was started with; a changed definition
// restarts it (or reload-agent when the agent reloads every changed parameter),
// and its recurring monitor runs with the new parameters. Real daemons in network
// namespaces, the real CLI, the agent's observable effect (ocf:hactl:dummy's state file).
import assert from 'node:assert/strict'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {okCli, useCluster} from '../lib/cluster.js'
import {hactl} from '../lib/cli.js'

describe('e2e: resource update reaches a running resource', function () {
  this.timeout(240_000)
  const cluster = useCluster({nodes: 3})

  const ok = (node: number, args: string[]) => okCli(cluster(), node, args)

  async function holder(id: string): Promise<number> {
    const status = await cluster().status(1)
    const nodes: string[] = status.resources.find((r: {id: string}) => r.id === id)?.nodes ?? []
    assert.equal(nodes.length, 1, `${id} runs once: ${nodes.join(',')}`)
    return Number(nodes[0].slice(1))
  }

  /** Every transition summary line the DC recorded since the test began. */
  async function summaries(): Promise<string[]> {
    const dc = Number(String((await cluster().status(1)).dc).slice(1))
    const history = await hactl(['history', '--state-dir', cluster().stateDir(dc), '--json'])
    assert.equal(history.exitCode, 0, history.stderr)
    return JSON.parse(history.stdout).result.flatMap((r: {summary: string[]}) => r.summary)
  }

  it('a reloadable parameter is reloaded in place, any other restarts the resource; the monitor then uses the new parameters', async () => {
    const first = join(cluster().dir, 'd1-first.state')
    const second = join(cluster().dir, 'd1-second.state')
    await ok(1, ['resource', 'add', 'agent', 'd1', 'ocf:hactl:dummy', `state=${first}`, '--op', 'monitor interval=1s timeout=10s'])
    await cluster().waitQuorate()
    const node = await holder('d1')
    assert.equal(await readFile(first, 'utf8'), 'fake=dummy\n')

    // fake is reloadable="1" and the agent has reload-agent: applied in place, no stop.
    await ok(2, ['resource', 'update', 'd1', 'fake=two'])
    await cluster().waitFor(async () => (await readFile(first, 'utf8').catch(() => '')) === 'fake=two\n', 30_000, 'd1 reloaded with fake=two')
    await cluster().waitQuorate()
    assert.ok((await summaries()).includes('* Reload d1 ( n' + node + ' ) due to resource definition change'), (await summaries()).join('\n'))
    assert.ok(!(await summaries()).some((l) => l.startsWith('* Restart d1')), 'not restarted')

    // state is not reloadable: stop with the old parameters, start with the new ones. --simulate says so first, changing nothing.
    // Asked on the DC: its books are the engine's input (another node has the DC's last published state, which may lag a moment).
    const leader = Number(String((await cluster().status(1)).dc).slice(1))
    const preview = await ok(leader, ['resource', 'update', 'd1', `state=${second}`, '--simulate'])
    assert.match(preview.stdout, new RegExp(`\\* Restart d1 \\( n${node} \\) due to resource definition change`))
    assert.ok(existsSync(first) && !existsSync(second), 'a simulation changes nothing')
    const reloadPreview = await ok(leader, ['resource', 'update', 'd1', 'fake=three', '--simulate'])
    assert.match(reloadPreview.stdout, new RegExp(`\\* Reload d1 \\( n${node} \\) due to resource definition change`))
    await ok(3, ['resource', 'update', 'd1', `state=${second}`])
    await cluster().waitFor(async () => existsSync(second) && !existsSync(first), 30_000, 'd1 restarted with the new state file')
    await cluster().waitQuorate()
    assert.equal(await readFile(second, 'utf8'), 'fake=two\n')
    assert.equal(await holder('d1'), node, 'restarted where it ran')
    assert.ok((await summaries()).includes(`* Restart d1 ( n${node} ) due to resource definition change`), (await summaries()).join('\n'))
    assert.deepEqual((await cluster().status(1)).failures ?? [], [])

    // The monitor follows the new parameters: with the old file back and the new one gone, it fails.
    await writeFile(first, 'fake=two\n')
    await rm(second)
    await cluster().waitFor(async () => ((await cluster().status(1))?.failures ?? []).some((f: {resource: string}) => f.resource === 'd1'), 30_000, 'the monitor of the new state file failed')
    await cluster().waitFor(async () => existsSync(second), 30_000, 'd1 recovered')
    await rm(first, {force: true})
    await ok(1, ['resource', 'cleanup', 'd1'])
    await cluster().waitQuorate()
  })

  it('a VIP given a new address drops the old one and holds the new one, on the same node', async () => {
    const [before, after] = ['10.213.0.120', '10.213.0.121']
    await ok(1, ['resource', 'add', 'vip', 'v2', '--ip', before, '--cidr', '24'])
    await cluster().waitQuorate()
    const node = await holder('v2')
    assert.deepEqual(await cluster().holders(before), [node])
    await ok(2, ['resource', 'update', 'v2', `ip=${after}`])
    await cluster().waitFor(async () => (await cluster().holders(after)).length === 1, 30_000, 'the new address is held')
    await cluster().waitQuorate()
    assert.deepEqual(await cluster().holders(after), [node], 'restarted where it ran')
    assert.deepEqual(await cluster().holders(before), [], 'the old address is gone: the stop ran with the parameters of the start')
    // Removing a running resource stops it first, as pcs resource delete does (it used to stay up, unmanaged).
    const removed = await ok(1, ['resource', 'remove', 'v2'])
    assert.match(removed.stdout, /^Attempting to stop: v2\.\.\.\nStopped\nremoved v2 \(epoch \d+\)$/)
    await cluster().waitQuorate()
    assert.deepEqual(await cluster().holders(after), [])
  })

  it('a changed monitor interval re-arms the monitor without restarting the resource', async () => {
    const file = join(cluster().dir, 'd1-second.state')
    const before = (await summaries()).length
    await ok(1, ['resource', 'op', 'remove', 'd1', 'monitor'])
    await ok(1, ['resource', 'op', 'add', 'd1', 'monitor', 'interval=2s', 'timeout=10s'])
    await cluster().waitQuorate()
    const node = await holder('d1')
    await cluster().waitFor(() => cluster().logs.get(node)!.some((l) => l.includes('monitor-rearmed') && l.includes('d1')), 30_000, 'the monitor re-armed')
    assert.ok(!(await summaries()).slice(before).some((l) => l.includes('d1')), 'd1 was not restarted')
    await rm(file)
    await cluster().waitFor(async () => ((await cluster().status(1))?.failures ?? []).some((f: {resource: string}) => f.resource === 'd1'), 30_000, 'the re-armed monitor noticed')
  })
})
