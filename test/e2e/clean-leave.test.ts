// Clean leave is a protocol (issue 14): a node stopped with `hactl cluster stop`
// asks the DC to leave whether it holds resources or not; the DC records the clean
// leave, moves what the node holds and grants it; the node then leaves the
// membership. Such a node is never unclean and never fenced. Real daemons, a real
// fence device (fence_netns), the real CLI.
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
      ['resource', 'add', 'agent', 'fence-all', 'fence:fence_netns', `ns_prefix=hactl-${cluster.net.run}-`, `switch=${cluster.net.sw}`],
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
    for (const other of others) {
      const log = cluster.logs.get(other)!
      const fence = log.find((l) => /fence/.test(l) && l.includes(`node=n${node}`))
      assert.equal(fence, undefined, `n${other} logged no fencing of n${node}`)
    }
    const holders = await cluster.holders(VIP)
    assert.equal(holders.length, 1, `the VIP runs once (holders: ${holders.join(',')})`)
    assert.notEqual(holders[0], node)
    // The fence device did not power the node off: its switch port is still up.
    const link = await cluster.net.exec('sw', ['ip', '-o', 'link', 'show', cluster.net.port(node)])
    assert.match(String(link.stdout), /state UP/, `n${node}'s port is up (not fenced)`)
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
})
