// End-to-end: real daemons in network namespaces, real agents, the real CLI.
// Bounds here are protocol timeouts with generous margins, never performance
// figures (those are in bench/failover.ts).
import assert from 'node:assert/strict'
import {requireNetns} from '../lib/netns.js'
import {TestCluster} from '../lib/cluster.js'
import {checkContract} from '../lib/contract.js'

const VIP = '10.213.0.100'

async function addVip(cluster: TestCluster, node = 1, name = 'vip', ip = VIP): Promise<void> {
  const added = await cluster.cli(node, ['resource', 'add', 'vip', name, '--ip', ip, '--cidr', '24', '--op', 'monitor interval=1s timeout=5s'])
  assert.equal(added.exitCode, 0, added.stderr)
}

async function oneHolder(cluster: TestCluster, except: number[] = [], ip = VIP): Promise<number> {
  let holder = 0
  await cluster.waitFor(async () => {
    const holders = (await cluster.holders(ip)).filter((n) => !except.includes(n))
    holder = holders.length === 1 ? holders[0] : 0
    return holder !== 0
  }, 20_000, `${ip} held by exactly one node${except.length ? ` other than ${except.join(',')}` : ''}`)
  return holder
}

describe('e2e: a 3-node cluster of real daemons', function () {
  this.timeout(180_000)
  let cluster: TestCluster

  before(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3})
    await cluster.startAll()
    await cluster.waitQuorate()
  })

  after(async () => {
    await cluster?.destroy()
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.tail(40))
  })

  it('the control socket is 0660 and the state files are root\'s alone', async () => {
    const {stat} = await import('node:fs/promises')
    const socket = await stat(`${cluster.runDir(1)}/hactl.sock`)
    assert.ok(socket.isSocket())
    assert.equal(socket.mode & 0o777, 0o660)
    assert.equal((await stat(cluster.stateDir(1))).mode & 0o777, 0o700)
    assert.equal((await stat(`${cluster.stateDir(1)}/cib.json`)).mode & 0o777, 0o600)
  })

  it('a VIP added through the CLI runs on exactly one node, and every node says so', async () => {
    const property = await cluster.cli(1, ['property', 'set', 'resource-stickiness=100'])
    assert.equal(property.exitCode, 0, property.stderr)
    await addVip(cluster)
    const holder = await oneHolder(cluster)
    await cluster.waitQuorate()
    const whatIf = await cluster.cli(3, ['simulate', '--node-down', `n${holder}`, '--json'])
    assert.equal(whatIf.exitCode, 0, whatIf.stderr)
    const starts = whatIf.json.result.transition.actions.filter((a: {op: string, resource: string}) => a.op === 'start' && a.resource === 'vip')
    assert.equal(starts.length, 1, 'simulate on the live cluster moves the VIP off the node that goes down')
    assert.notEqual(starts[0].node, `n${holder}`)
    for (const command of ['status', 'membership']) {
      const result = await cluster.cli(2, [command, '--json'])
      assert.equal(result.exitCode, 0, result.stderr)
      await checkContract(command, result.json)
    }
    for (const node of [1, 2, 3]) {
      const status = await cluster.status(node)
      const vip = status.resources.find((r: {id: string}) => r.id === 'vip')
      assert.deepEqual(vip.nodes, [`n${holder}`], `status on n${node}`)
    }
  })

  it('standby moves it away; unstandby leaves it where it is (stickiness)', async () => {
    const before = await oneHolder(cluster)
    const standby = await cluster.cli(1, ['node', 'standby', `n${before}`])
    assert.equal(standby.exitCode, 0, standby.stderr)
    const after = await oneHolder(cluster, [before])
    assert.deepEqual(await cluster.holders(VIP), [after])
    const unstandby = await cluster.cli(2, ['node', 'unstandby', `n${before}`])
    assert.equal(unstandby.exitCode, 0, unstandby.stderr)
    await cluster.waitQuorate()
    assert.deepEqual(await cluster.holders(VIP), [after])
  })

  it('standby --wait returns once the move is done; move removes its own constraint when that changes nothing', async () => {
    const before = await oneHolder(cluster)
    const standby = await cluster.cli(1, ['node', 'standby', `n${before}`, '--wait', '--json'])
    assert.equal(standby.exitCode, 0, standby.stderr)
    assert.equal(standby.json.result.settled, true)
    const holders = await cluster.holders(VIP)
    assert.equal(holders.length, 1)
    assert.notEqual(holders[0], before, 'moved by the time --wait returned')
    assert.equal((await cluster.cli(1, ['node', 'unstandby', `n${before}`, '--wait'])).exitCode, 0)
    const move = await cluster.cli(2, ['resource', 'move', 'vip', `n${before}`, '--json'])
    assert.equal(move.exitCode, 0, move.stderr)
    await checkContract('resource move', move.json)
    assert.deepEqual(await cluster.holders(VIP), [before])
    const constraints = await cluster.cli(2, ['constraint', 'list', '--json'])
    assert.deepEqual(constraints.json.result.filter((c: {id: string}) => c.id.startsWith('cli-')), [], 'stickiness keeps it there: the constraint is gone')
  })

  it('a group starts in order on one node', async () => {
    // The dummy's state file defaults to HA_RSCTMP, which each daemon sets under its own run directory.
    for (const name of ['g1', 'g2', 'g3']) {
      const added = await cluster.cli(1, ['resource', 'add', 'agent', name, 'ocf:hactl:dummy', '--group', 'grp'])
      assert.equal(added.exitCode, 0, added.stderr)
    }
    await cluster.waitQuorate()
    const status = await cluster.status(1)
    const members = status.resources.filter((r: {group: string}) => r.group === 'grp')
    assert.equal(members.length, 3)
    const where = new Set(members.map((r: {nodes: string[]}) => r.nodes.join(',')))
    assert.equal(where.size, 1, `group members on ${[...where].join(' | ')}`)
    assert.ok(![...where][0].includes(','), 'each member on one node')
    // The DC dispatched them in order: g1, then g2, then g3.
    const dispatched = cluster.logs.get(Number(status.dc.slice(1)))!.filter((l) => /dispatch .*action=g[123]_start/.test(l))
    assert.deepEqual(dispatched.map((l) => /action=(g\d)_start/.exec(l)![1]), ['g1', 'g2', 'g3'])
    // restart stops and starts it where it runs (and what follows it in the group).
    const dcLog = cluster.logs.get(Number(status.dc.slice(1)))!
    const before = dcLog.length
    const restart = await cluster.cli(1, ['resource', 'restart', 'g2'])
    assert.equal(restart.exitCode, 0, restart.stderr)
    await cluster.waitQuorate()
    const after = dcLog.slice(before).filter((l) => l.includes('dispatch')).map((l) => /action=(\S+)/.exec(l)![1])
    assert.ok(after.indexOf('g2_stop_' + [...where][0]) >= 0 && after.indexOf('g2_start_' + [...where][0]) > after.indexOf('g2_stop_' + [...where][0]), after.join(' '))
    assert.ok(after.indexOf('g3_stop_' + [...where][0]) < after.indexOf('g2_stop_' + [...where][0]), 'g3 follows g2: it stops first')
    assert.equal((await cluster.status(1)).resources.filter((r: {group: string, role: string}) => r.group === 'grp' && r.role === 'started').length, 3)
  })

  it('cluster stop on the holder moves its resources away first, then leaves cleanly', async () => {
    const holder = await oneHolder(cluster)
    const child = cluster.daemons.get(holder)!
    const stop = await cluster.cli(holder, ['cluster', 'stop'])
    assert.equal(stop.exitCode, 0, stop.stderr)
    await child
    cluster.daemons.delete(holder)
    const others = [1, 2, 3].filter((n) => n !== holder)
    assert.deepEqual((await cluster.holders(VIP)).filter((n) => n === holder), [], 'nothing left behind')
    await oneHolder(cluster, [holder])
    await cluster.waitFor(async () => (await cluster.status(others[0]))?.nodes.some((n: {name: string, online: boolean}) => n.name === `n${holder}` && !n.online), 10_000, `n${holder} seen gone`)
    await cluster.waitQuorate(others)
    const status = await cluster.status(others[0])
    assert.deepEqual(status.nodes.find((n: {name: string}) => n.name === `n${holder}`), {name: `n${holder}`, id: holder, online: false, standby: false, maintenance: false, unclean: false})
    const log = cluster.logs.get(holder)!
    const stopped = log.findIndex((l) => l.includes('daemon-stopped'))
    assert.ok(stopped >= 0, 'the daemon said it stopped')
    cluster.start(holder)
    await cluster.waitQuorate([1, 2, 3], 30_000)
  })

  it('kill -9 of the holder: the VIP comes back on a survivor, once', async () => {
    const holder = await oneHolder(cluster)
    cluster.kill(holder, 'SIGKILL')
    await cluster.net.setLinkUp(holder, 0, false)
    // The guard drops the killed daemon's address (a crashed host's would stay
    // until it reboots); the link is down, so the survivors never see it either way.
    const survivor = await oneHolder(cluster, [holder])
    assert.notEqual(survivor, holder)
    const survivors = [1, 2, 3].filter((n) => n !== holder)
    await cluster.waitQuorate(survivors)
    const status = await cluster.status(survivors[0])
    assert.ok(status.nodes.some((n: {name: string, online: boolean}) => n.name === `n${holder}` && !n.online))
    // Bring the node back as a rebooted host: no address, link up, daemon restarted.
    await cluster.net.exec(holder, ['ip', 'addr', 'flush', 'dev', 'eth0', 'label', 'eth0:*'], {reject: false})
    await cluster.net.exec(holder, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0'], {reject: false})
    await cluster.net.setLinkUp(holder, 0, true)
    cluster.start(holder)
    await cluster.waitQuorate([1, 2, 3], 30_000)
    assert.deepEqual(await cluster.holders(VIP), [survivor], 'the returning node probes and starts nothing twice')
  })
})
