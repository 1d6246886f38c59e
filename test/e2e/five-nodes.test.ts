// A 5-node cluster: a 3|2 partition keeps the VIP on the majority side, and a
// crash of the holder moves it to a survivor.
import assert from 'node:assert/strict'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const ALL = [1, 2, 3, 4, 5]

describe('e2e: a 5-node cluster', function () {
  this.timeout(240_000)
  let cluster: TestCluster

  before(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 5})
    await cluster.startAll()
    await cluster.waitQuorate(ALL, 30_000)
  })

  after(async () => cluster?.destroy())

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.tail(30))
  })

  async function holders(): Promise<number[]> {
    return cluster.holders(VIP)
  }

  it('partition 3|2 with the VIP on the minority side: it ends on the majority side only', async () => {
    const added = await cluster.cli(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'])
    assert.equal(added.exitCode, 0, added.stderr)
    await cluster.waitFor(async () => (await holders()).length === 1, 20_000, 'VIP up')
    const [holder] = await holders()
    const minority = [holder, ALL.find((n) => n !== holder)!]
    const majority = ALL.filter((n) => !minority.includes(n))
    await cluster.net.partition(minority, majority)
    await cluster.waitFor(async () => {
      const h = await holders()
      return h.length === 1 && majority.includes(h[0])
    }, 30_000, 'the VIP on exactly one majority node')
    for (const node of minority) {
      const refused = await cluster.cli(node, ['property', 'set', 'resource-stickiness=7'])
      assert.equal(refused.exitCode, 3, `n${node}: ${refused.stderr}`)
    }
    await cluster.net.heal()
    await cluster.waitQuorate(ALL, 30_000)
    assert.equal((await holders()).length, 1)
  })

  it('kill -9 of the holder: a survivor takes the VIP', async () => {
    const [holder] = await holders()
    cluster.kill(holder, 'SIGKILL')
    await cluster.net.setLinkUp(holder, 0, false)
    await cluster.waitFor(async () => (await holders()).filter((n) => n !== holder).length === 1, 30_000, 'failover')
  })
})
