// Replayed traffic over real UDP in network namespaces: authenticated packets a
// node sent in an earlier run, or before a pause, are recorded and sent again
// once the node is stopped or paused for longer than 4 token timeouts (where
// the replay window used to forget the newer incarnation). They must be counted
// as replayed, and the node must not be marked up on the link; a receiver that
// restarts must still refuse them (it persists the incarnations it has seen).
// Waits here are protocol bounds (token timeouts), not performance figures.
import {strict as assert} from 'node:assert'
import {join} from 'node:path'
import {requireNetns, TestNet} from '../lib/netns.js'
import {MemberCluster} from './member-cluster.js'

const SETTLE_MS = 8000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('replayed membership traffic in network namespaces', function () {
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

  const SNIFFER = 4
  const CAPTURED = 40

  async function boot(): Promise<MemberCluster> {
    net = await TestNet.create({nodes: 4, links: 1})
    cluster = new MemberCluster(net, [1, 2, 3], {stateDirs: true})
    await cluster.setup()
    cluster.startAll()
    await cluster.waitFor('3 nodes agree', () => cluster!.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
    return cluster
  }

  async function capture(c: MemberCluster, node: number, file: string): Promise<number> {
    const {stdout} = await net!.exec(SNIFFER, ['node', '--import', 'tsx', 'test/netns/raw-sender.ts', '--config', c.configPath, '--kind', 'capture', '--from', String(node), '--count', String(CAPTURED), '--out', file, '--local', net!.addr(SNIFFER)])
    const result = JSON.parse(stdout) as {captured: number, incarnation: number}
    assert.equal(result.captured, CAPTURED)
    return result.incarnation
  }

  async function replay(c: MemberCluster, file: string): Promise<void> {
    await net!.exec(SNIFFER, ['node', '--import', 'tsx', 'test/netns/raw-sender.ts', '--config', c.configPath, '--kind', 'replay-file', '--in', file, '--local', net!.addr(SNIFFER)])
  }

  const replayed = async (c: MemberCluster, node: number) => ((await c.snapshot(node)).counters.dropped as Record<string, number>).replayed

  /** Waits until node's replayed counter reached `target`; then checks node 3 is not up anywhere at node. */
  async function expectRefused(c: MemberCluster, node: number, target: number): Promise<void> {
    let snap = await c.snapshot(node)
    for (let i = 0; i < 50 && snap.counters.dropped.replayed < target; i++) {
      await sleep(100)
      snap = await c.snapshot(node)
    }
    assert.ok(snap.counters.dropped.replayed >= target, `node ${node} counted ${snap.counters.dropped.replayed} replayed packets, expected at least ${target}: ${JSON.stringify(snap.counters.dropped)}`)
    assert.ok(!snap.links[0].peersUp.includes(3), `node 3 marked up on the link at node ${node}: ${JSON.stringify(snap.links[0])}`)
    assert.ok(!snap.reachable.includes(3), `node 3 reachable at node ${node}`)
    assert.deepEqual(snap.view.members.map((m: {id: number}) => m.id), [1, 2])
  }

  it('packets of an earlier run are refused after the node restarted and stopped, also by a restarted receiver', async () => {
    const c = await boot()
    const file = join(c.dir, 'run1.hex')
    const firstIncarnation = await capture(c, 3, file)
    // A new run of node 3 (a new, persisted incarnation), then it stops for good.
    c.kill(3)
    await c.waitFor('survivors agree without node 3', () => c.agreed([1, 2], [1, 2], true), SETTLE_MS)
    c.start(3)
    await c.waitFor('node 3 rejoins', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
    const secondIncarnation = (await c.snapshot(3)).incarnation as number
    assert.ok(secondIncarnation > firstIncarnation, `incarnation grows: ${firstIncarnation} -> ${secondIncarnation}`)
    c.kill(3)
    await c.waitFor('survivors agree without node 3', () => c.agreed([1, 2], [1, 2], true), SETTLE_MS)
    // Past the old window: the newer incarnation has been silent for more than 4 tokens.
    await sleep(5 * c.config.totem.token)
    const before = await replayed(c, 1)
    const logsBefore = (c.lines.get(1) ?? []).length
    await replay(c, file)
    await expectRefused(c, 1, before + CAPTURED)
    // Anyone can send these: the log says so once, not 40 times.
    const logged = (c.lines.get(1) ?? []).slice(logsBefore).filter((l) => l.type === 'log' && l.event === 'packet-dropped' && l.reason === 'replayed')
    assert.ok(logged.length >= 1 && logged.length <= 2, `rate-limited log lines: ${logged.length}`)

    // The receiver restarts: it remembers node 3's newest incarnation from its state directory.
    c.kill(1)
    const mark = (c.lines.get(1) ?? []).length
    c.start(1)
    // Views of the new process only (the lines of node 1 go on in the same list).
    const rejoined = () => (c.lines.get(1) ?? []).slice(mark).some((l) => l.type === 'view' && l.phase === 'usable' && l.quorate === true)
    await c.waitFor('node 1 rejoins node 2', () => rejoined() && c.agreed([1, 2], [1, 2], true), SETTLE_MS)
    assert.equal(await replayed(c, 1), 0, 'a new process counts from zero')
    await replay(c, file)
    await expectRefused(c, 1, CAPTURED)
  })

  it('packets captured before a pause are refused while the node is paused', async () => {
    const c = await boot()
    const file = join(c.dir, 'before-pause.hex')
    await capture(c, 3, file)
    c.kill(3, 'SIGSTOP')
    try {
      await c.waitFor('survivors agree without node 3', () => c.agreed([1, 2], [1, 2], true), SETTLE_MS)
      await sleep(5 * c.config.totem.token)
      const before = await replayed(c, 1)
      await replay(c, file)
      await expectRefused(c, 1, before + CAPTURED)
    } finally {
      c.kill(3, 'SIGCONT')
    }
    await c.waitFor('node 3 back after the pause', () => c.agreed([1, 2, 3], [1, 2, 3], true), SETTLE_MS)
  })
})
