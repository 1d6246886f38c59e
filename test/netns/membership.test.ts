// Membership over real UDP in network namespaces: join, crash, link down,
// partitions, loss, multicast and unicast, hostile packets. Bounds here are
// protocol bounds with generous margins, not performance figures (bench/ has those).
import {strict as assert} from 'node:assert'
import {requireNetns, TestNet} from '../lib/netns.js'
import {MemberCluster} from './member-cluster.js'

const SETTLE_MS = 8000

describe('membership in network namespaces', function () {
  this.timeout(120_000)
  let net: TestNet | undefined
  let cluster: MemberCluster | undefined

  before(async function () {
    await requireNetns(this)
  })

  afterEach(async () => {
    await cluster?.stop()
    await net?.destroy()
    cluster = undefined
    net = undefined
  })

  async function boot(nodes: number, options: ConstructorParameters<typeof MemberCluster>[2] = {}, spare = 0): Promise<MemberCluster> {
    net = await TestNet.create({nodes: nodes + spare, links: options.links ?? 1})
    const members = Array.from({length: nodes}, (_, i) => i + 1)
    cluster = new MemberCluster(net, members, options)
    await cluster.setup()
    cluster.startAll()
    await cluster.waitFor(`${nodes} nodes agree`, () => cluster!.agreed(members, members, true), SETTLE_MS)
    return cluster
  }

  /**
   * The views each of `nodes` installed or left during `run`, and whether any of them found
   * itself paused meanwhile. A loaded host stalls an event loop past the pause threshold, and
   * a paused node re-agrees by design: a window with a pause says nothing about the fault a
   * test looks at, so the tests below observe again (up to 5 times) until a window has none.
   */
  async function observe(c: MemberCluster, nodes: number[], run: () => Promise<void>): Promise<{changes: number[], paused: boolean}> {
    const views = (n: number) => (c.lines.get(n) ?? []).filter((l) => l.type === 'view')
    const before = nodes.map((n) => views(n).length)
    await run()
    const added = nodes.map((n, i) => views(n).slice(before[i]))
    return {changes: added.map((v) => v.length), paused: added.some((v) => v.some((l) => l.reason === 'paused'))}
  }

  /**
   * After a fault, the views settle into `settled` and then stay there: no view change in a
   * 3 s window. The window starts once `settled` holds and no node has installed a view for
   * QUIET_MS: `settled` can hold for a moment while a node is still finishing its last round
   * (seen: the lone node of a one-way cut installed two more views of itself 3 ms after the
   * pair agreed), and a view installed then is convergence, not flapping.
   */
  async function steadyWindow(c: MemberCluster, what: string, settled: () => boolean): Promise<void> {
    const QUIET_MS = 500
    const lastViewAt = () => Math.max(...[1, 2, 3].map((n) => (c.lines.get(n) ?? []).filter((l) => l.type === 'view').at(-1)?.wall ?? 0))
    let seen = {changes: [] as number[], paused: true}
    for (let attempt = 1; attempt <= 5 && seen.paused; attempt++) {
      await c.waitFor(`${what}, with no view installed for ${QUIET_MS} ms`, () => settled() && Date.now() - lastViewAt() >= QUIET_MS, SETTLE_MS)
      seen = await observe(c, [1, 2, 3], () => new Promise((r) => setTimeout(r, 3000)))
    }
    assert.ok(!seen.paused, 'a node was paused in each of 5 windows of 3 s: the host is too loaded to observe a steady cut')
    assert.deepEqual(seen.changes, [0, 0, 0], 'no view change during 3 s of a steady one-way cut')
  }

  for (const transport of ['udp', 'udpu'] as const) {
    it(`3 nodes over ${transport === 'udp' ? 'multicast' : 'unicast'}: join, kill -9, restart as a new incarnation`, async () => {
      const c = await boot(3, {transport})
      const firstId = c.lastView(1)!.viewId
      c.kill(3)
      await c.waitFor('survivors agree without node 3', () => c.agreed([1, 2], [1, 2], true), SETTLE_MS)
      assert.ok(c.lastView(1)!.viewId > firstId, 'view id grows')
      c.start(3)
      await c.waitFor('node 3 rejoins', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
      assert.equal(c.lastView(3)!.dc, 1)
    })
  }

  it('5 nodes: link down isolates a node, which loses quorum; the rest keep it', async () => {
    const c = await boot(5)
    await net!.setLinkUp(5, 0, false)
    await c.waitFor('4 agree, node 5 alone and not quorate', () => c.agreed([1, 2, 3, 4], [1, 2, 3, 4], true) && c.agreed([5], [5], false), SETTLE_MS)
    await net!.setLinkUp(5, 0, true)
    await c.waitFor('5 agree again', () => c.agreed([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], true), SETTLE_MS)
  })

  it('5 nodes: symmetric partition 2|3, only the majority is quorate, DC moves to it', async () => {
    const c = await boot(5)
    await net!.partition([1, 2], [3, 4, 5])
    await c.waitFor('3|2 split', () => c.agreed([3, 4, 5], [3, 4, 5], true) && c.agreed([1, 2], [1, 2], false), SETTLE_MS)
    assert.equal(c.lastView(4)!.dc, 3)
    await net!.heal()
    await c.waitFor('healed', () => c.agreed([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], true), SETTLE_MS)
    assert.equal(c.lastView(4)!.dc, 1)
  })

  it('3 nodes: a one-way cut drops the link at both ends and does not make views flap', async () => {
    const c = await boot(3)
    await net!.cut(1, 3)
    // 1-2 and 2-3 still work both ways; 1-3 is not mutual any more: a clique of two stays quorate.
    await steadyWindow(c, 'a quorate pair without the 1-3 link', () => c.agreed([1, 2], [1, 2], true))
    await net!.heal()
    await c.waitFor('healed', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
  })

  it('3 nodes: a one-way cut between the two lowest ids gives one stable quorate pair, not two coordinators pulling the third', async () => {
    const c = await boot(3)
    await net!.cut(1, 2)
    // 1 and 2 each lead their own fresh set ({1,3} and {2,3}); only one may hold 3.
    await steadyWindow(c, 'a quorate pair with 3, the other alone', () => (c.agreed([1, 3], [1, 3], true) && c.agreed([2], [2], false)) || (c.agreed([2, 3], [2, 3], true) && c.agreed([1], [1], false)))
    await net!.heal()
    await c.waitFor('healed', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
  })

  it('3 nodes with two links: one link down changes nothing', async () => {
    const c = await boot(3, {links: 2})
    // Taken down and observed again when a node was paused meanwhile (see observe()).
    let seen = {changes: [] as number[], paused: true}
    for (let attempt = 1; attempt <= 5 && seen.paused; attempt++) {
      if (attempt > 1) await net!.setLinkUp(2, 0, true)
      await c.waitFor('3 nodes agree', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
      seen = await observe(c, [1, 2, 3], async () => {
        await net!.setLinkUp(2, 0, false)
        await new Promise((r) => setTimeout(r, 2000))
      })
    }
    if (process.env.HACTL_DEBUG) for (const n of [1, 2, 3]) console.log(n, JSON.stringify((c.lines.get(n) ?? []).filter((l) => l.type === 'view').map((l) => [l.t, l.viewId, l.phase, (l.members as any[]).map((m) => m.id).join(''), l.reason])))
    assert.ok(!seen.paused, 'a node was paused in each of 5 windows: the host is too loaded to observe this')
    assert.deepEqual(seen.changes, [0, 0, 0], 'no view change when one of two links goes down')
    assert.ok(c.agreed([1, 2, 3], [1, 2, 3], true))
    const snap = await c.snapshot(1)
    assert.deepEqual(snap.links[0].peersUp, [3])
    assert.deepEqual(snap.links[1].peersUp, [2, 3])
  })

  it('3 nodes keep one view under 20 % loss', async () => {
    const c = await boot(3)
    await net!.setLoss(20)
    const id = c.lastView(1)!.viewId
    await new Promise((r) => setTimeout(r, 5000))
    // Not a false-eviction measurement (bench/membership.ts does that): the cluster stays quorate.
    assert.ok(c.agreed([1, 2, 3], [1, 2, 3], true), `agreed under loss (view ${id} -> ${c.lastView(1)!.viewId})`)
  })

  it('hostile packets are dropped and counted by reason; the view survives', async () => {
    const c = await boot(3, {}, 1)
    const id = c.lastView(1)!.viewId
    const sender = 4
    const send = (kind: string) => net!.exec(sender, ['node', '--import', 'tsx', 'test/netns/raw-sender.ts', '--config', c.configPath, '--kind', kind, '--count', '20', '--local', net!.addr(sender)])
    for (const kind of ['garbage', 'truncated', 'oversized', 'foreign', 'wrongkey', 'replay']) await send(kind)
    await new Promise((r) => setTimeout(r, 500))
    const dropped = (await c.snapshot(1)).counters.dropped as Record<string, number>
    assert.ok(dropped['bad-magic'] >= 1, `garbage counted: ${JSON.stringify(dropped)}`)
    assert.ok(dropped.truncated >= 20, `truncated counted: ${JSON.stringify(dropped)}`)
    assert.ok(dropped['foreign-cluster'] >= 20, `foreign counted: ${JSON.stringify(dropped)}`)
    assert.ok(dropped['auth-failed'] >= 20, `wrong key counted: ${JSON.stringify(dropped)}`)
    assert.ok(dropped.replayed + dropped.duplicate >= 19, `replays counted: ${JSON.stringify(dropped)}`)
    assert.ok(dropped.oversized >= 20, `oversized counted: ${JSON.stringify(dropped)}`)
    if (process.env.HACTL_DEBUG) for (const n of [1, 2, 3]) console.log(n, JSON.stringify((c.lines.get(n) ?? []).filter((l) => l.type === 'view').map((l) => [l.t, l.viewId, l.phase, (l.members as any[]).map((m) => m.id).join(''), l.reason])))
    assert.equal(c.lastView(1)!.viewId, id, 'no view change')
    assert.ok(c.agreed([1, 2, 3], [1, 2, 3], true))
  })

  it('application datagrams reach the other nodes', async () => {
    const c = await boot(3)
    c.kill(1, 'SIGUSR1')
    await c.waitFor('app message at 2 and 3', () => [2, 3].every((n) => (c.lines.get(n) ?? []).some((l) => l.type === 'app' && l.text === 'hello from 1')), 5000)
  })
})
