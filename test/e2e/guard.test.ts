// The resource guard on real hosts: a holder whose daemon is killed (host up) or
// paused must have dropped its VIP before a survivor starts it, with the defaults
// (no fencing, the safety delay). The checker follows every namespace's addresses
// with `ip monitor` and fails on any instant with two holders.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {AddressEvent} from '../../src/lab/address-watch.js'
import {holderTimeline, intervalsWhere, type Interval} from '../../src/lab/chaos/analysis.js'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'

/** Intervals during which two or more nodes held the address (the campaign's own checker). */
function twoHolderIntervals(events: AddressEvent[], initial: number[]): Array<Interval & {holders: number[]}> {
  const ordered = [...events].sort((x, y) => x.atMs - y.atMs)
  return intervalsWhere(holderTimeline(initial, ordered, 0), Infinity, (holders) => holders.length >= 2)
}

async function oneHolder(cluster: TestCluster, among: number[]): Promise<number> {
  let holder = 0
  await cluster.waitFor(async () => {
    const holders = await cluster.holders(VIP)
    holder = holders.length === 1 && among.includes(holders[0]) ? holders[0] : 0
    return holder !== 0
  }, 30_000, `${VIP} held by exactly one of ${among.join(',')}`)
  return holder
}

describe('e2e resource guard: 3 nodes, no fencing', function () {
  this.timeout(180_000)
  let cluster: TestCluster

  beforeEach(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3})
    await cluster.startAll()
    await cluster.waitQuorate()
    const added = await cluster.cli(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--group', 'g'])
    assert.equal(added.exitCode, 0, added.stderr)
    const dummy = await cluster.cli(1, ['resource', 'add', 'agent', 'app', 'ocf:hactl:dummy', '--group', 'g'])
    assert.equal(dummy.exitCode, 0, dummy.stderr)
    await cluster.waitQuorate()
  })

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && cluster) console.log(cluster.tail(40))
    await cluster?.destroy()
  })

  it('kill -9 of the holder\'s daemon: the guard drops the VIP before a survivor starts it; the restarted daemon takes the guard over', async () => {
    const holder = await oneHolder(cluster, [1, 2, 3])
    const watch = cluster.watchAddress(VIP, [1, 2, 3])
    await watch.ready()
    const dropped = watch.next((e) => e.node === holder && !e.added)
    const elsewhere = watch.next((e) => e.node !== holder && e.added)
    cluster.kill(holder, 'SIGKILL')
    const [gone, up] = await Promise.all([dropped, elsewhere])
    assert.ok(gone.atMs <= up.atMs, `the survivor started the VIP before the killed daemon's guard dropped it`)
    const survivors = [1, 2, 3].filter((n) => n !== holder)
    await cluster.waitQuorate(survivors)
    cluster.start(holder)
    await cluster.waitQuorate([1, 2, 3], 30_000)
    await oneHolder(cluster, survivors)
    watch.stop()
    assert.deepEqual(twoHolderIntervals(watch.events, [holder]), [])
    const log = await readFile(join(cluster.runDir(holder), 'guard.log'), 'utf8')
    assert.match(log, /guard-trip .*the daemon is gone/)
    // One guard served both daemons: started once, connected twice.
    assert.equal(log.match(/guard-started/g)?.length, 1, log)
    assert.equal(log.match(/guard-daemon-connected/g)?.length, 2, log)
  })

  it('SIGSTOP of the holder\'s daemon for 2 s: the VIP is dropped within the lease, never held twice, and one holder after it resumes', async () => {
    const holder = await oneHolder(cluster, [1, 2, 3])
    const watch = cluster.watchAddress(VIP, [1, 2, 3])
    await watch.ready()
    const dropped = watch.next((e) => e.node === holder && !e.added)
    const elsewhere = watch.next((e) => e.node !== holder && e.added)
    cluster.kill(holder, 'SIGSTOP')
    const [gone, up] = await Promise.all([dropped, elsewhere])
    assert.ok(gone.atMs <= up.atMs, `the survivor started the VIP before the paused daemon's guard dropped it`)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    cluster.kill(holder, 'SIGCONT')
    await cluster.waitQuorate([1, 2, 3], 30_000)
    const survivors = [1, 2, 3].filter((n) => n !== holder)
    await oneHolder(cluster, survivors)
    watch.stop()
    assert.deepEqual(twoHolderIntervals(watch.events, [holder]), [])
    const log = await readFile(join(cluster.runDir(holder), 'guard.log'), 'utf8')
    assert.match(log, /guard-trip .*silent for/)
    // The resumed daemon learned what its guard stopped.
    assert.ok((cluster.logs.get(holder) ?? []).some((l) => l.includes('guard-tripped')), 'the daemon logs the trip it was told about')
  })

  it('a clean stop releases the guard: it exits and drops nothing it should not', async () => {
    const holder = await oneHolder(cluster, [1, 2, 3])
    await cluster.stop(holder)
    const survivors = [1, 2, 3].filter((n) => n !== holder)
    await oneHolder(cluster, survivors)
    await cluster.waitFor(async () => /guard-exit why="released"/.test(await readFile(join(cluster.runDir(holder), 'guard.log'), 'utf8')), 10_000, 'the guard exits after a release')
    const log = await readFile(join(cluster.runDir(holder), 'guard.log'), 'utf8')
    assert.doesNotMatch(log, /guard-trip /)
  })
})
