import assert from 'node:assert/strict'
import {ManualClock} from '../../src/daemon/clock.js'
import {MemoryExecutor, MemoryStore, MemoryTransport} from '../../src/daemon/in-memory.js'
import {DeadlineScheduler} from '../../src/daemon/scheduler.js'
import {emptyConfig} from '../../src/core/config/defaults.js'
import type {ResourceConfig} from '../../src/core/config/types.js'

describe('daemon ports: the deadline scheduler and the in-memory versions', () => {
  it('one timer: every due deadline runs once, a cleared one never', async () => {
    const clock = new ManualClock(1_000)
    const scheduler = new DeadlineScheduler(clock)
    const ran: string[] = []
    scheduler.set('a', 1_000, () => ran.push('a'))
    scheduler.set('b', 1_000, () => ran.push('b'))
    scheduler.set('c', 1_000, () => ran.push('c'))
    scheduler.set('c', null, () => ran.push('c'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(ran.sort(), ['a', 'b'])
    scheduler.set('later', 5_000, () => ran.push('later'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(ran.sort(), ['a', 'b'], 'not due on the monotonic clock')
    scheduler.stop()
  })

  it('the in-memory store and transport copy what they carry', async () => {
    const store = new MemoryStore<{n: number}>()
    const record = {n: 1}
    await store.save(record)
    record.n = 2
    assert.deepEqual(await store.load(), {n: 1})
    store.failSaves = true
    await assert.rejects(store.save({n: 3}), /fsync/)
    const sent: Array<[number, number, unknown]> = []
    const transport = new MemoryTransport(1, {send: (from, to, m) => sent.push([from, to, m]), reset: () => {}})
    const message = {x: [1]}
    transport.send(2, message)
    message.x.push(2)
    assert.deepEqual(sent, [[1, 2, {x: [1]}]])
  })

  it('the in-memory executor keeps the report as the LRM does (a failed start counts INFINITY)', () => {
    const later: Array<() => void> = []
    const active = new Set<string>()
    const exec = new MemoryExecutor({
      later: (_ms, run) => later.push(run), now: () => 5,
      operate: (instance, _agent, op, done) => {
        later.push(() => {
          if (op === 'start') active.add(instance)
          else active.delete(instance)
          done(instance !== 'bad' ? 'ok' : 'failed')
        })
        return () => {}
      },
      probe: (instance) => active.has(instance) ? 'running' : 'stopped', probeLatencyMs: () => 1,
    })
    const add = (id: string) => ({id, agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}})
    const config: ResourceConfig = {...emptyConfig(), resources: [add('ok'), add('bad')]}
    exec.setConfig(config)
    const results: Array<[boolean, unknown]> = []
    exec.execute({id: 'x', op: 'start', resource: 'ok', node: 'n1', reason: '', dependsOn: []}, (ok, r) => results.push([ok, r]))
    exec.execute({id: 'y', op: 'start', resource: 'bad', node: 'n1', reason: '', dependsOn: []}, (ok, r) => results.push([ok, r]))
    while (later.length > 0) later.shift()!()
    assert.deepEqual(results[0], [true, {ok: {role: 'started', failCount: 0}}])
    assert.deepEqual(results[1], [false, {bad: {role: 'failed', failCount: 1_000_000, lastFailureMs: 5, failedOp: 'start'}}])
  })
})
