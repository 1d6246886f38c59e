// hactl cluster stop [NODE...] [--all], as pcs cluster stop: a named node stops
// through this node's daemon with the clean leave; a stop that would lose quorum is
// refused without --force and stops nothing; --all stops every daemon, fencing
// nobody. Real daemons, a real fence device (fence_netns), the real CLI.
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.101'
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))

describe('e2e cluster stop: 3 nodes, fencing on', function () {
  this.timeout(240_000)
  let cluster: TestCluster

  beforeEach(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3, env: {HACTL_FENCE_PATH: FENCE_DIR}})
    await cluster.startAll()
    await cluster.waitQuorate()
    for (const args of [
      ['resource', 'add', 'agent', 'fence-all', 'fence:fence_netns', `ns_prefix=hactl-${cluster.net.run}-`, `switch=${cluster.net.sw}`],
      ['property', 'set', 'stonith-enabled=true'],
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'],
    ]) {
      const result = await cluster.cli(1, args)
      assert.equal(result.exitCode, 0, result.stderr)
    }
    await cluster.waitQuorate()
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'the VIP runs')
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(40))
    await cluster?.destroy()
  })

  const exited = (node: number) => cluster.status(node).then((s) => s === undefined)

  function assertNobodyFenced(): void {
    for (const [node, log] of cluster.logs) {
      for (const target of [1, 2, 3]) {
        const fence = log.find((l) => /fence/.test(l) && l.includes(`node=n${target}`))
        assert.equal(fence, undefined, `n${node} logged no fencing of n${target}: ${fence}`)
      }
    }
  }

  it('stops a named node from another one; refuses bad names and, without --force, a stop that loses quorum', async () => {
    const before = await cluster.status(1)
    // Bad input: exit 2, one line naming the value, nothing stopped.
    const unknown = await cluster.cli(1, ['cluster', 'stop', 'n9'])
    assert.equal(unknown.exitCode, 2, unknown.stderr)
    assert.match(unknown.stderr, /"n9" is not a node of this cluster/)
    const mixed = await cluster.cli(1, ['cluster', 'stop', '--all', 'n2'])
    assert.equal(mixed.exitCode, 2, mixed.stderr)
    // Two of three at once would lose quorum: refused, nothing stops.
    const both = await cluster.cli(1, ['cluster', 'stop', 'n2', 'n3'])
    assert.equal(both.exitCode, 1, both.stderr)
    assert.match(both.stderr, /stopping n2, n3 will cause a loss of the quorum.*--force/)
    const still = await cluster.status(1)
    assert.equal(still.viewId, before.viewId, 'the view did not change')
    for (const node of [1, 2, 3]) assert.equal(await exited(node), false, `n${node} still runs`)

    // A named remote node stops cleanly; the command returns once it left.
    const holder = (await cluster.holders(VIP))[0]
    const stop = await cluster.cli(1, ['cluster', 'stop', 'n3'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    assert.match(stop.stdout, /stopped n3/)
    await cluster.waitFor(() => exited(3), 30_000, 'n3 exited')
    cluster.kill(3)
    await cluster.waitQuorate([1, 2], 30_000)
    const entry = (await cluster.status(1)).nodes.find((n: {name: string}) => n.name === 'n3')
    assert.equal(entry.online, false)
    assert.equal(entry.unclean, false, 'n3 left cleanly')
    const holders = await cluster.holders(VIP)
    assert.equal(holders.length, 1, `the VIP runs once (holders: ${holders.join(',')})`)
    if (holder !== 3) assert.equal(holders[0], holder, 'the VIP stayed where it was')

    // Now stopping either survivor loses quorum: refused without --force, by name or locally.
    for (const args of [['cluster', 'stop'], ['cluster', 'stop', 'n1']]) {
      const refused = await cluster.cli(2, args)
      assert.equal(refused.exitCode, 1, refused.stderr)
      assert.match(refused.stderr, /will cause a loss of the quorum/)
    }
    for (const node of [1, 2]) assert.equal(await exited(node), false, `n${node} still runs`)
    assertNobodyFenced()
  })

  it('--all stops every daemon, fences nobody and leaves the VIP nowhere', async () => {
    const stop = await cluster.cli(2, ['cluster', 'stop', '--all'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    assert.match(stop.stdout, /asked n1, n3 to stop/)
    assert.match(stop.stdout, /the daemon stopped/)
    await cluster.waitFor(async () => (await Promise.all([1, 2, 3].map(exited))).every(Boolean), 60_000, 'every daemon exited')
    for (const node of [1, 2, 3]) cluster.kill(node)
    assert.deepEqual(await cluster.holders(VIP), [], 'the VIP runs nowhere')
    assertNobodyFenced()
    // Nobody powered off: every switch port is up.
    for (const node of [1, 2, 3]) {
      const link = await cluster.net.exec('sw', ['ip', '-o', 'link', 'show', cluster.net.port(node)])
      assert.match(String(link.stdout), /state UP/, `n${node}'s port is up (not fenced)`)
    }
  })
})
