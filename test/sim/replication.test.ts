// Deterministic simulation of the replicated configuration: many seeded chaos runs
// with invariants checked at every step, and named scenarios on the same harness.
import assert from 'node:assert/strict'
import {isReady} from '../../src/core/replication/index.js'
import {writtenKeys} from './replication/checks.js'
import {SimCluster} from './replication/cluster.js'
import {Prng} from './replication/prng.js'
import {runSeed} from './replication/run.js'

const QUIET = {loss: 0, duplicate: 0, delayMax: 1, viewLagMax: 0}

function quietCluster(size: number): SimCluster {
  return new SimCluster(new Prng(7), size, QUIET)
}

function runUntil(c: SimCluster, done: () => boolean, ticksMax = 200): void {
  for (let t = 0; t < ticksMax && !done(); t++) c.tick()
  assert.ok(done(), `condition not reached within ${ticksMax} ticks`)
}

function readyDc(c: SimCluster) {
  runUntil(c, () => c.readyDcs().length === 1 && c.readyDcs()[0].state.view!.members.length === c.nodes.filter((n) => n.up).length)
  return c.readyDcs()[0]
}

describe('replication simulation', function () {
  this.timeout(600_000)

  it('keeps every invariant across many seeded chaos runs (SIM_SEEDS, SIM_SEED to replay)', () => {
    const one = process.env.SIM_SEED
    const count = Number(process.env.SIM_SEEDS ?? 1000)
    const seeds = one !== undefined ? [Number(one)] : Array.from({length: count}, (_, i) => i + 1)
    let acknowledged = 0
    for (const seed of seeds) acknowledged += runSeed(seed).acknowledged
    // Guards against a harness that stopped writing: the runs must acknowledge writes.
    assert.ok(acknowledged > seeds.length, `only ${acknowledged} writes acknowledged in ${seeds.length} runs`)
  })

  it('an acknowledged write survives the DC crashing right after it answered', () => {
    const c = quietCluster(5)
    const dc = readyDc(c)
    const write = c.clientWrite(dc.id)
    runUntil(c, () => write.answered !== undefined)
    assert.equal(write.answered?.ok, true)
    c.crash(dc.id)
    const next = readyDc(c)
    assert.notEqual(next.id, dc.id)
    assert.ok(writtenKeys(next.state.committed!.config)[write.key])
  })

  it('a forwarded write whose DC crashes before answering gets an honest "unknown outcome"', () => {
    const c = quietCluster(3)
    const dc = readyDc(c)
    const write = c.clientWrite(3)
    c.tick() // The forward reaches the DC, which starts replicating, and dies.
    c.crash(dc.id)
    runUntil(c, () => write.answered !== undefined)
    assert.equal(write.answered?.ok, false)
    if (!write.answered.ok) {
      assert.equal(write.answered.error.code, 'dc-changed')
      assert.equal(write.answered.error.outcome, 'unknown')
    }
  })

  it('a minority partition refuses writes with a one-line reason, reads still work', () => {
    const c = quietCluster(5)
    readyDc(c)
    const before = c.node(4).state.record.config
    c.partition([0, 0, 0, 1, 1])
    runUntil(c, () => c.node(4).views.length === 0 && c.node(4).state.view!.members.length === 2)
    const write = c.clientWrite(4)
    assert.deepEqual(write.answered, {ok: false, error: {
      code: 'no-quorum', outcome: 'not-applied', message: 'this partition has no quorum (2 of 5 votes); writes are refused (reads work)',
    }})
    assert.equal(c.node(4).state.record.config, before)
  })

  it('the highest epoch wins when a node that fell behind becomes DC again', () => {
    const c = quietCluster(3)
    readyDc(c)
    c.partition([1, 0, 0]) // Node 1, the DC, is cut off; 2 and 3 go on writing.
    runUntil(c, () => isReady(c.node(2).state))
    const writes = [c.clientWrite(2), c.clientWrite(3), c.clientWrite(2)]
    runUntil(c, () => writes.every((w) => w.answered !== undefined))
    assert.ok(writes.every((w) => w.answered?.ok))
    const epoch = c.node(2).state.committed!.config.epoch
    assert.ok(c.node(1).state.record.config.epoch < epoch)
    c.heal()
    runUntil(c, () => isReady(c.node(1).state) && c.node(1).state.view!.members.length === 3)
    const adopted = c.node(1).state.committed!.config
    assert.equal(adopted.epoch, epoch)
    for (const w of writes) assert.ok(writtenKeys(adopted)[w.key])
  })

  it('--if-epoch lets exactly one of two concurrent writers win', () => {
    const c = quietCluster(3)
    readyDc(c)
    const a = c.clientWrite(2, {cas: true})
    const b = c.clientWrite(3, {cas: true})
    assert.equal(a.ifEpoch, b.ifEpoch)
    runUntil(c, () => a.answered !== undefined && b.answered !== undefined)
    const outcomes = [a, b].map((w) => w.answered!.ok ? 'ok' : w.answered!.error.code).sort()
    assert.deepEqual(outcomes, ['epoch-mismatch', 'ok'])
  })
})

describe('replication of a large configuration', function () {
  this.timeout(120_000)

  it('replicates 10,000 resources once, then sends later changes as edits, not documents', () => {
    const c = quietCluster(3)
    readyDc(c)
    const resources = Array.from({length: 10_000}, (_, i) => ({
      id: `r${i}`, agent: 'ocf:hactl:dummy', params: {state: `/run/hactl/r${i}`}, meta: {},
      operations: [{name: 'monitor', interval: '10s', timeout: '20s'}], utilization: {},
    }))
    const replace = c.submit(2, {op: 'config.replace', config: {epoch: 0, properties: {}, nodes: [], resources, groups: [], clones: [], constraints: []}})
    runUntil(c, () => replace.answered !== undefined)
    assert.equal(replace.answered?.ok, true)
    c.largestMessageBytes.clear()
    const update = c.submit(3, {op: 'resource.meta', id: 'r9999', meta: {'target-role': 'Stopped'}})
    runUntil(c, () => update.answered !== undefined && c.nodes.every((n) => n.state.committed?.config.epoch === c.node(1).state.record.config.epoch))
    assert.equal(update.answered?.ok, true)
    for (const n of c.nodes) {
      assert.equal(n.state.record.config.resources.length, 10_000)
      assert.equal(n.disk.config.resources[9999].meta['target-role'], 'Stopped')
    }
    // The forward and the appends are small; only the answer to the writer carries the document.
    assert.ok((c.largestMessageBytes.get('append') ?? Infinity) < 1000, JSON.stringify([...c.largestMessageBytes]))
    assert.equal(c.largestMessageBytes.get('append+config'), undefined)
  })

  it('brings a node that missed changes while down up to date with edits, not the document', () => {
    const c = quietCluster(3)
    readyDc(c)
    const resources = Array.from({length: 2000}, (_, i) => ({id: `r${i}`, agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}}))
    const replace = c.submit(1, {op: 'config.replace', config: {epoch: 0, properties: {}, nodes: [], resources, groups: [], clones: [], constraints: []}})
    runUntil(c, () => replace.answered !== undefined && c.node(3).disk.config.resources.length === 2000)
    c.crash(3)
    readyDc(c)
    const writes = [c.clientWrite(2), c.clientWrite(1), c.clientWrite(2)]
    runUntil(c, () => writes.every((w) => w.answered?.ok === true))
    c.largestMessageBytes.clear()
    c.restart(3)
    runUntil(c, () => c.node(3).state.committed?.config.epoch === c.node(1).state.record.config.epoch)
    for (const w of writes) assert.ok(writtenKeys(c.node(3).disk.config)[w.key])
    assert.equal(c.largestMessageBytes.get('append+config'), undefined, JSON.stringify([...c.largestMessageBytes]))
  })
})
