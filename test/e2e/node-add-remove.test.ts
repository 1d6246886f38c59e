// Live node add and remove (issue 14, pcs cluster node add/remove): a running
// 3-node cluster grows to 4 without restarting anyone, the new node joins with
// `hactl cluster join` + start, quorum counts 4 votes, a resource runs there;
// removed again (stopped first, or --force), quorum is back to 3 votes and
// status has no ghost. Real daemons in namespaces, the real CLI.
import assert from 'node:assert/strict'
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {BIN, TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'
import {callDaemon} from '../../src/client/client.js'

const VIP = '10.213.0.104'

describe('e2e live node add and remove: 3 nodes grow to 4 and shrink back', function () {
  this.timeout(300_000)
  let cluster: TestCluster

  beforeEach(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3, hosts: 4})
    await cluster.startAll()
    await cluster.waitQuorate()
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(40))
    await cluster?.destroy()
  })

  async function ok(node: number, args: string[]): Promise<string> {
    const result = await cluster.cli(node, args)
    assert.equal(result.exitCode, 0, `hactl ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }

  async function votes(node: number): Promise<{expected: number, total: number, members: string[]}> {
    const m = await callDaemon(cluster.runDir(node), 'membership', {}) as {view: {expectedVotes: number, totalVotes: number, members: Array<{name: string}>}}
    return {expected: m.view.expectedVotes, total: m.view.totalVotes, members: m.view.members.map((x) => x.name).sort()}
  }

  async function nodesIn(node: number): Promise<string[]> {
    const config = JSON.parse(await readFile(join(cluster.configDir(node), 'cluster.json'), 'utf8'))
    return config.nodes.map((n: {name: string}) => n.name).sort()
  }

  /** Adds n4 live on n1 and starts it from the printed join token. */
  async function addN4(pcsForm = false): Promise<void> {
    // pcs's own form works too: hactl cluster node add n4 addr=ADDR.
    const words = pcsForm ? ['cluster', 'node', 'add', 'n4', `addr=${cluster.net.addr(4)}`] : ['node', 'add', 'n4', '--addr', cluster.net.addr(4)]
    const added = await cluster.cli(1, [...words, '--json'])
    assert.equal(added.exitCode, 0, added.stderr)
    const result = added.json.result
    assert.equal(result.node.name, 'n4')
    assert.equal(result.node.id, 4)
    assert.ok(typeof result.joinToken === 'string', 'a join token for n4')
    // Every running daemon rewrote its cluster.json (atomically, 0644) and counts 4 expected votes before n4 runs.
    for (const node of [1, 2, 3]) {
      await cluster.waitFor(async () => (await nodesIn(node)).join() === 'n1,n2,n3,n4', 15_000, `n${node}'s cluster.json lists n4`)
      assert.equal((await stat(join(cluster.configDir(node), 'cluster.json'))).mode & 0o777, 0o644)
      await cluster.waitFor(async () => (await votes(node)).expected === 4, 15_000, `n${node} expects 4 votes`)
    }
    // Three of four votes: still quorate while n4 is not running.
    await cluster.waitQuorate([1, 2, 3])
    const join4 = await execa(process.execPath, [BIN, 'cluster', 'join', result.joinToken, '--config-dir', cluster.configDir(4)], {reject: false})
    assert.equal(join4.exitCode, 0, join4.stderr)
    cluster.start(4)
    await cluster.waitFor(async () => (await cluster.status(4)) !== undefined, 15_000, 'n4 answers')
    await cluster.waitQuorate([1, 2, 3, 4], 30_000)
    for (const node of [1, 4]) {
      const v = await votes(node)
      assert.deepEqual(v, {expected: 4, total: 4, members: ['n1', 'n2', 'n3', 'n4']})
    }
  }

  async function assertThreeNodes(): Promise<void> {
    for (const node of [1, 2, 3]) {
      await cluster.waitFor(async () => (await nodesIn(node)).join() === 'n1,n2,n3', 15_000, `n${node}'s cluster.json without n4`)
      await cluster.waitFor(async () => {
        const v = await votes(node)
        return v.expected === 3 && v.total === 3
      }, 15_000, `n${node} counts 3 of 3 votes`)
    }
    await cluster.waitQuorate([1, 2, 3])
    const status = await cluster.status(1)
    assert.deepEqual(status.nodes.map((n: {name: string}) => n.name).sort(), ['n1', 'n2', 'n3'], 'no ghost n4 in status')
    const human = await ok(2, ['status'])
    assert.doesNotMatch(human, /\bn4\b/, 'n4 is not in hactl status')
  }

  it('adds n4 live, runs a resource there, refuses removing it online, removes it once stopped', async () => {
    await addN4()
    // A resource can run on the new node.
    await ok(1, ['resource', 'add', 'vip', 'vip4', '--ip', VIP, '--cidr', '24'])
    await ok(1, ['constraint', 'location', 'vip4', 'prefers', 'n4=INFINITY'])
    await cluster.waitFor(async () => (await cluster.holders(VIP)).join() === '4', 30_000, 'the VIP runs on n4')

    // Removing an online node is refused, nothing changed.
    const refused = await cluster.cli(1, ['node', 'remove', 'n4'])
    assert.equal(refused.exitCode, 1, refused.stderr)
    assert.match(refused.stderr, /^hactl: node n4 is online: stop it first .*--force/m)
    assert.deepEqual(await nodesIn(1), ['n1', 'n2', 'n3', 'n4'])

    // Stopped first (its clean leave moves the VIP away), then removed.
    await ok(4, ['cluster', 'stop'])
    await cluster.waitFor(async () => !(await votes(1)).members.includes('n4'), 30_000, 'n4 left the view')
    cluster.kill(4)
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1 && !(await cluster.holders(VIP)).includes(4), 30_000, 'the VIP moved off n4')
    const removed = await ok(1, ['node', 'remove', 'n4'])
    assert.match(removed, /removed node n4 from the cluster: 3 nodes/)
    await assertThreeNodes()
    const config = JSON.parse(await ok(1, ['config', 'show', '--json'])).result
    assert.doesNotMatch(JSON.stringify(config), /"n4"/, 'no constraint or node entry names n4')
    const holders = await cluster.holders(VIP)
    assert.equal(holders.length, 1, 'the VIP runs once')
    // No ghost: once a daemon forgot n4, nothing it plans names n4 (the constraint still did until the CLI removed it).
    for (const node of [1, 2, 3]) {
      const log = cluster.logs.get(node)!
      const forgot = log.findIndex((l) => /membership-nodes-changed nodes=n1,n2,n3$/.test(l))
      assert.ok(forgot >= 0, `n${node} logged forgetting n4`)
      const ghost = log.slice(forgot).filter((l) => / transition .*n4 \)/.test(l) || / dispatch .*node=n4/.test(l))
      assert.deepEqual(ghost, [], `n${node} planned nothing on n4 after forgetting it`)
    }
  })

  it('--force stops an online node and removes it (pcs spelling: cluster node add|remove)', async () => {
    await addN4(true)
    const removed = await cluster.cli(2, ['cluster', 'node', 'remove', 'n4', '--force'])
    assert.equal(removed.exitCode, 0, removed.stderr)
    await assertThreeNodes()
    await cluster.waitFor(async () => (await cluster.status(4)) === undefined, 30_000, 'n4 stopped')
    cluster.kill(4)
  })

  it('bad input: errors name the value, exit 2, nothing changed', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['node', 'add', 'n4', '--addr', 'not-an-ip'], /address "not-an-ip" is not an IP address/],
      [['node', 'add', 'n4', '--addr', cluster.net.addr(2)], /already used by node n2/],
      [['node', 'add', 'n2', '--addr', cluster.net.addr(4)], /node "n2" is already in the cluster/],
      [['node', 'add', 'bad/name', '--addr', cluster.net.addr(4)], /node name "bad\/name"/],
      [['node', 'add', 'n4', '--addr', cluster.net.addr(4), '--id', '2'], /node id 2 is already used by n2/],
      [['node', 'remove', 'n9'], /node "n9" is not in the cluster/],
      [['node', 'remove', 'n1'], /n1 is this node/],
    ]
    for (const [args, message] of cases) {
      const result = await cluster.cli(1, args)
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`)
      assert.match(result.stderr, message)
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`)
    }
    for (const node of [1, 2, 3]) assert.deepEqual(await nodesIn(node), ['n1', 'n2', 'n3'])
    assert.equal((await votes(1)).expected, 3)
  })
})
