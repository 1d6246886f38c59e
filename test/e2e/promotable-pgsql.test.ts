// End-to-end: PostgreSQL 15 streaming replication under hactl, in network
// namespaces: 3 nodes with a data directory each under the test's temporary
// folder, ocf:hactl:pgsql as a promotable clone (replication=sync), a VIP with the
// Promoted role, writes through the VIP from a client host. The primary's host
// crashes: the best standby is promoted, the VIP follows, and every acknowledged
// commit is on the new primary. The old primary comes back as a standby (pg_rewind),
// catches up, and `resource move db-clone NODE --promoted` switches over to it.
import assert from 'node:assert/strict'
import {rm} from 'node:fs/promises'
import {requireNetns} from '../lib/netns.js'
import {TestCluster} from '../lib/cluster.js'
import {PostgresLab, postgresAvailable} from '../../src/lab/postgres-lab.js'

const VIP = '10.213.0.150'
const CLIENT = 4

describe('e2e: PostgreSQL streaming replication as a promotable clone', function () {
  this.timeout(600_000)
  let cluster: TestCluster
  let lab: PostgresLab

  before(async function () {
    await requireNetns(this)
    if (!(await postgresAvailable())) {
      if (process.env.CI === 'true') throw new Error('PostgreSQL 15 is required here (apt-get install postgresql-15)')
      this.skip()
    }
    cluster = await TestCluster.create({nodes: 3, hosts: 4})
    await cluster.startAll()
    await cluster.waitQuorate()
    lab = await PostgresLab.create(cluster, {vip: VIP, replication: 'sync', nodes: [1, 2, 3]})
  })

  after(async () => {
    for (const node of [1, 2, 3]) if (cluster) cluster.kill(node)
    await lab?.stopAll()
    await cluster?.destroy()
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.tail(60))
  })

  async function waitRoles(from: number, what: string, check: (r: {promoted: number[], unpromoted: number[]}) => boolean) {
    let seen = {promoted: [] as number[], unpromoted: [] as number[]}
    await cluster.waitFor(async () => check(seen = await lab.roles(from)), 180_000, `${what} (last seen ${JSON.stringify(seen)})`)
    return seen
  }

  it('fails over to the best standby without losing an acknowledged commit, resyncs the old primary and switches back', async () => {
    await lab.configure()
    const first = await waitRoles(1, 'one Promoted, two Unpromoted', (r) => r.promoted.length === 1 && r.unpromoted.length === 2)
    const primary = first.promoted[0]!
    await cluster.waitFor(async () => (await cluster.holders(VIP)).join() === String(primary), 60_000, `the VIP on n${primary}`)
    let created = await lab.sql(CLIENT, 'create table hactl_demo (id int primary key, at timestamptz default now())')
    assert.equal(created.exitCode, 0, created.stderr)

    const writer = lab.writer(CLIENT)
    await cluster.waitFor(() => writer.acks.length >= 20, 60_000, '20 commits through the VIP')
    cluster.kill(primary)
    await cluster.net.powerOff(primary)
    const crashAt = Date.now()
    const others = [1, 2, 3].filter((n) => n !== primary)
    const after = await waitRoles(others[0]!, 'a standby promoted', (r) => r.promoted.length === 1 && r.promoted[0] !== primary)
    const next = after.promoted[0]!
    await cluster.waitFor(() => writer.acks.filter((a) => a.sentMs >= crashAt).length >= 20, 120_000, 'writes acknowledged again through the VIP (sent after the crash)')
    await writer.stop()
    assert.deepEqual(await cluster.holders(VIP), [next], 'the VIP follows the Promoted role')

    // sync: every acknowledged commit is on the new primary.
    const rows = await lab.sql(CLIENT, 'select id from hactl_demo order by id')
    assert.equal(rows.exitCode, 0, rows.stderr)
    const present = new Set(rows.stdout.split('\n').filter(Boolean).map(Number))
    const lost = writer.acks.filter((a) => !present.has(a.id)).map((a) => a.id)
    assert.deepEqual(lost, [], 'acknowledged commits missing on the new primary')

    // The old primary's host boots (empty /run) and its daemon starts: rewound, a standby, caught up.
    await rm(cluster.runDir(primary), {recursive: true, force: true})
    // Only what the rejoin logs counts: a start cancelled earlier (a loaded host's pause) is another matter.
    const bootAt = Date.now()
    await cluster.net.boot(primary)
    cluster.start(primary)
    await cluster.waitQuorate(undefined, 120_000)
    await waitRoles(next, `n${primary} back as Unpromoted`, (r) => r.promoted.join() === String(next) && r.unpromoted.includes(primary))
    const total = (await lab.sql(CLIENT, 'select count(*) from hactl_demo')).stdout.trim()
    await cluster.waitFor(async () => (await lab.sql(primary, 'select count(*) from hactl_demo', 'local')).stdout.trim() === total, 60_000, `n${primary} caught up to ${total} rows`)
    assert.equal((await lab.sql(primary, 'select pg_is_in_recovery()', 'local')).stdout.trim(), 't')
    const failed = cluster.logs.get(primary)!.filter((l) => Number(l.split(' ', 1)[0]) >= bootAt && /action-failed.*db/.test(l))
    assert.deepEqual(failed, [], 'the old primary rejoined without a failed action')

    // Switchover back to the old primary.
    const move = await cluster.cli(next, ['resource', 'move', 'db-clone', `n${primary}`, '--promoted'])
    assert.equal(move.exitCode, 0, move.stderr)
    await waitRoles(next, `n${primary} promoted again`, (r) => r.promoted.join() === String(primary))
    await cluster.waitFor(async () => (await cluster.holders(VIP)).join() === String(primary), 60_000, `the VIP back on n${primary}`)
    created = await lab.sql(CLIENT, 'insert into hactl_demo (id) values (1000000)')
    assert.equal(created.exitCode, 0, created.stderr)
    assert.equal((await lab.sql(primary, 'select pg_is_in_recovery()', 'local')).stdout.trim(), 'f')
  })
})
