// End-to-end fault tests: partitions, monitor failures, a DC crash after an
// acknowledged write, and fencing of a paused holder. Real daemons, agents and CLI.
import assert from 'node:assert/strict'
import {readFile, rm} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {callDaemon} from '../../src/client/client.js'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))

async function oneHolder(cluster: TestCluster, among: number[], ip = VIP): Promise<number> {
  let holder = 0
  await cluster.waitFor(async () => {
    const holders = (await cluster.holders(ip)).filter((n) => among.includes(n))
    holder = holders.length === 1 ? holders[0] : 0
    return holder !== 0
  }, 30_000, `${ip} held by exactly one of ${among.join(',')}`)
  return holder
}

function dcOf(status: {dc: string}): number {
  return Number(status.dc.slice(1))
}

describe('e2e faults: 3 nodes', function () {
  this.timeout(240_000)
  let cluster: TestCluster

  beforeEach(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3, env: {HACTL_FENCE_PATH: FENCE_DIR}})
    await cluster.startAll()
    await cluster.waitQuorate()
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(40))
    await cluster?.destroy()
  })

  it('partition 2|1: the minority stops, the majority runs, the minority refuses writes; healing keeps one copy', async () => {
    assert.equal((await cluster.cli(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'])).exitCode, 0)
    const holder = await oneHolder(cluster, [1, 2, 3])
    const majority = [1, 2, 3].filter((n) => n !== holder)
    await cluster.net.partition([holder], majority)
    const survivor = await oneHolder(cluster, majority)
    await cluster.waitFor(async () => !(await cluster.holders(VIP)).includes(holder), 10_000, 'the minority stopped its address')
    await cluster.waitQuorate(majority)
    const minority = await cluster.status(holder)
    assert.equal(minority.quorate, false)
    const refused = await cluster.cli(holder, ['resource', 'add', 'agent', 'd', 'ocf:hactl:dummy'])
    assert.equal(refused.exitCode, 3, refused.stderr)
    assert.match(refused.stderr, /no quorum/)
    const status = await cluster.cli(holder, ['status'])
    assert.equal(status.exitCode, 0, 'reads work without quorum')
    assert.match(status.stdout, /quorum: NO/)
    await cluster.net.heal()
    await cluster.waitQuorate([1, 2, 3], 30_000)
    assert.deepEqual(await cluster.holders(VIP), [survivor])
  })

  it('a monitor failure restarts in place; the third moves it (migration-threshold=3)', async () => {
    const added = await cluster.cli(1, ['resource', 'add', 'agent', 'd', 'ocf:hactl:dummy', '--op', 'monitor interval=1s timeout=5s', '--meta', 'migration-threshold=3'])
    assert.equal(added.exitCode, 0, added.stderr)
    await cluster.waitQuorate()
    const where = async () => (await cluster.status(1)).resources.find((r: {id: string}) => r.id === 'd')
    const first = (await where()).nodes[0] as string
    const node = Number(first.slice(1))
    const state = `${cluster.runDir(node)}/rsctmp/dummy-d.state`
    for (let failure = 1; failure <= 3; failure++) {
      await readFile(state)
      await rm(state)
      await cluster.waitFor(async () => {
        const s = await cluster.status(1)
        const f = s.failures.find((x: {resource: string, node: string}) => x.resource === 'd' && x.node === first)
        return f?.failCount === failure && s.settled
      }, 30_000, `failure ${failure} counted and recovered`)
      const now = await where()
      assert.equal(now.role, 'started')
      assert.deepEqual(now.nodes, failure < 3 ? [first] : now.nodes.filter((n: string) => n !== first))
    }
    const status = await cluster.cli(1, ['status'])
    assert.match(status.stdout, new RegExp(`d monitor on ${first}: 3 failures`))
    const cleanup = await cluster.cli(1, ['resource', 'cleanup', 'd'])
    assert.equal(cleanup.exitCode, 0, cleanup.stderr)
    await cluster.waitFor(async () => (await cluster.status(1)).failures.length === 0, 20_000, 'cleanup forgot the failures')
  })

  it('a write acknowledged before the DC crashes is there after', async () => {
    const dc = dcOf(await cluster.status(1))
    const other = [1, 2, 3].find((n) => n !== dc)!
    const written = await cluster.cli(other, ['property', 'set', 'resource-stickiness=42', '--json'])
    assert.equal(written.exitCode, 0, written.stderr)
    const epoch = written.json.result.epoch
    cluster.kill(dc, 'SIGKILL')
    await cluster.net.setLinkUp(dc, 0, false)
    const survivors = [1, 2, 3].filter((n) => n !== dc)
    await cluster.waitFor(async () => {
      const s = await cluster.status(survivors[0])
      return s?.quorate && s.dc !== `n${dc}`
    }, 20_000, 'a new DC')
    const config = await callDaemon(cluster.runDir(survivors[0]), 'config.get', {})
    assert.equal(config.properties['resource-stickiness'], '42')
    assert.ok(config.epoch >= epoch)
    const after = await cluster.cli(survivors[1], ['property', 'set', 'resource-stickiness=43'])
    assert.equal(after.exitCode, 0, after.stderr)
  })

  it('a holder paused past the token timeout is fenced before its VIP starts elsewhere', async () => {
    for (const args of [
      cluster.fenceDeviceArgs(),
      ['property', 'set', 'stonith-enabled=true'],
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'],
    ]) {
      const result = await cluster.cli(1, args)
      assert.equal(result.exitCode, 0, result.stderr)
    }
    const holder = await oneHolder(cluster, [1, 2, 3])
    const others = [1, 2, 3].filter((n) => n !== holder)
    const watch = cluster.watchAddress(VIP, [1, 2, 3])
    await watch.ready()
    cluster.kill(holder, 'SIGSTOP')
    const survivor = await oneHolder(cluster, others)
    await cluster.waitFor(() => watch.events.some((e) => e.node === survivor && e.added), 5_000, 'the survivor\'s add was seen')
    watch.stop()
    // Ordering from one process's own log, not from when this test read it: the DC
    // logs fence-done after the fence agent exited (the paused host's address flushed,
    // its link down) and only then dispatches the start on the survivor.
    const dc = dcOf(await cluster.status(survivor))
    const log = cluster.logs.get(dc)!
    const fenced = log.findIndex((l) => l.includes('fence-done') && l.includes(`node=n${holder}`))
    const started = log.findIndex((l) => l.includes('dispatch') && l.includes(`action=vip_start_n${survivor}`))
    assert.ok(fenced >= 0, 'the DC fenced the paused holder')
    assert.ok(started > fenced, `the start on n${survivor} was dispatched after the fence completed:\n${log.slice(-20).join('\n')}`)
    assert.ok(!watch.events.some((e) => e.node !== holder && e.node !== survivor && e.added), 'no third holder')
    assert.deepEqual(await cluster.holders(VIP), [survivor], 'the fenced host holds nothing')
  })
})
