// Clean leave is a protocol (issue 14): a node stopped with `hactl cluster stop`
// asks the DC to leave whether it holds resources or not; the DC records the clean
// leave, moves what the node holds and grants it; the node then leaves the
// membership. Such a node is never unclean and never fenced. `hactl cluster stop
// NODE...|--all` (pcs cluster stop) asks other members to do the same; a stop that
// would lose quorum is refused without --force. Real daemons, a real fence device
// (fence_netns), the real CLI.
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))

describe('e2e clean leave: 3 nodes, fencing on', function () {
  this.timeout(240_000)
  let cluster: TestCluster

  beforeEach(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3, env: {HACTL_FENCE_PATH: FENCE_DIR}})
    await cluster.startAll()
    await cluster.waitQuorate()
    for (const args of [
      cluster.fenceDeviceArgs(),
      ['property', 'set', 'stonith-enabled=true'],
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'],
    ]) {
      const result = await cluster.cli(1, args)
      assert.equal(result.exitCode, 0, result.stderr)
    }
    await cluster.waitQuorate()
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(40))
    await cluster?.destroy()
  })

  const exited = (node: number) => cluster.status(node).then((s) => s === undefined)

  /** No daemon logged a fencing of `node`, and the fence device did not power it off: its switch port is still up. */
  async function assertNotFenced(node: number): Promise<void> {
    for (const [other, log] of cluster.logs) {
      const fence = log.find((l) => /fence/.test(l) && l.includes(`node=n${node}`))
      assert.equal(fence, undefined, `n${other} logged no fencing of n${node}: ${fence}`)
    }
    const link = await cluster.net.exec('sw', ['ip', '-o', 'link', 'show', cluster.net.port(node)])
    assert.match(String(link.stdout), /state UP/, `n${node}'s port is up (not fenced)`)
  }

  /** Stops `node` with the CLI; the others must see it leave cleanly and fence nobody. */
  async function stopCleanly(node: number): Promise<void> {
    const others = [1, 2, 3].filter((n) => n !== node)
    const stopped = await cluster.cli(node, ['cluster', 'stop'])
    assert.equal(stopped.exitCode, 0, stopped.stderr)
    await cluster.waitFor(async () => {
      const seen = await Promise.all(others.map((n) => cluster.status(n)))
      return seen.every((s) => s?.nodes.some((n: {name: string, online: boolean}) => n.name === `n${node}` && !n.online))
    }, 30_000, `n${node} left the others' view`)
    await cluster.waitQuorate(others, 30_000)
    cluster.kill(node) // already gone: forget the process
    const status = await cluster.status(others[0])
    const entry = status.nodes.find((n: {name: string}) => n.name === `n${node}`)
    assert.equal(entry.online, false, `n${node} left`)
    assert.equal(entry.unclean, false, `n${node} is not unclean`)
    await assertNotFenced(node)
    const holders = await cluster.holders(VIP)
    assert.equal(holders.length, 1, `the VIP runs once (holders: ${holders.join(',')})`)
    assert.notEqual(holders[0], node)
  }

  it('a node holding nothing (not the DC), stopped with hactl cluster stop, is neither fenced nor unclean', async () => {
    const status = await cluster.status(1)
    const dc = Number(status.dc.slice(1))
    const holder = (await cluster.holders(VIP))[0]
    const idle = [1, 2, 3].find((n) => n !== dc && n !== holder)!
    await stopCleanly(idle)
  })

  it('the DC, stopped with hactl cluster stop, is neither fenced nor unclean; the new DC still shows the operations the old one saw', async () => {
    const status = await cluster.status(1)
    const dc = Number(status.dc.slice(1))
    const holderBefore = (await cluster.holders(VIP))[0]
    // The new DC learns the history from the status the old one published (as Pacemaker keeps it in the CIB).
    await cluster.waitFor(async () => ((await cluster.status(1))?.operations ?? []).some((o: {resource: string, op: string}) => o.resource === 'vip' && o.op === 'start'), 10_000, 'the start of the VIP in the published status')
    await stopCleanly(dc)
    const survivor = [1, 2, 3].find((n) => n !== dc)!
    const full = await cluster.cli(survivor, ['status', '--full'])
    assert.equal(full.exitCode, 0, full.stderr)
    assert.match(full.stdout, new RegExp(`Operations:\\n(.*\\n)*  \\* Node: n${holderBefore}:\\n(    .*\\n)*    \\* vip: start: rc=0 \\(ok\\)`), full.stdout)
  })

  it('cluster stop NODE from another node; bad names and, without --force, a stop that loses quorum are refused', async () => {
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'the VIP runs')
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
    for (const node of [1, 2, 3]) await assertNotFenced(node)
  })

  it('cluster stop --all stops every daemon, fences nobody and leaves the VIP nowhere', async () => {
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'the VIP runs')
    const stop = await cluster.cli(2, ['cluster', 'stop', '--all'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    assert.match(stop.stdout, /asked n1, n3 to stop/)
    assert.match(stop.stdout, /the daemon stopped/)
    await cluster.waitFor(async () => (await Promise.all([1, 2, 3].map(exited))).every(Boolean), 60_000, 'every daemon exited')
    for (const node of [1, 2, 3]) cluster.kill(node)
    assert.deepEqual(await cluster.holders(VIP), [], 'the VIP runs nowhere')
    for (const node of [1, 2, 3]) await assertNotFenced(node)
  })
})
