// The guard's lease arithmetic against a deliberately dumb reference that looks
// at every millisecond: driven the way the guard process drives it (a tick at
// nextDeadline), the machine must trip exactly when, and with exactly what, the
// reference does, on 20,000 seeded histories.
import assert from 'node:assert/strict'
import {guardLeaseMs, initialGuard, nextDeadline, parseGuardMessage, stepGuard, type GuardEvent, type GuardState, type HeldInstance} from '../../src/core/guard/index.js'
import {seededRandom} from '../../src/core/random.js'

interface Trip {atMs: number, kind: string, ids: string[]}

function instance(id: string, vip: boolean): HeldInstance {
  return {id, ...(vip ? {address: {ip: `10.0.0.${id.length}`}} : {}), stop: {file: '/bin/true', args: [], env: {}, timeoutMs: 1000}}
}

/** Millisecond by millisecond: connected, something held, silent for a whole lease -> trip. */
function reference(events: Array<{atMs: number, event: GuardEvent}>, leaseMs: number, endMs: number): Trip[] {
  let connected = false
  let lease = leaseMs
  let last = 0
  let held: string[] = []
  const trips: Trip[] = []
  let i = 0
  for (let t = 0; t <= endMs; t++) {
    while (i < events.length && events[i].atMs === t) {
      const e = events[i++].event
      if (e.type === 'hello') {
        connected = true
        lease = e.leaseMs
        last = t
      } else if (e.type === 'feed') last = t
      else if (e.type === 'hold') {
        held = e.held.map((h) => h.id)
        last = t
      } else if (e.type === 'disconnect' && connected) {
        connected = false
        if (held.length) trips.push({atMs: t, kind: 'feed-ended', ids: [...held].reverse()})
        held = []
      } else if (e.type === 'drop') {
        last = t
        if (held.length) trips.push({atMs: t, kind: 'requested', ids: [...held].reverse()})
        held = []
      }
    }
    if (connected && held.length > 0 && t - last >= lease) {
      trips.push({atMs: t, kind: 'lease-expired', ids: [...held].reverse()})
      held = []
    }
  }
  return trips
}

function machine(events: Array<{atMs: number, event: GuardEvent}>, leaseMs: number, endMs: number): Trip[] {
  let state: GuardState = initialGuard(leaseMs)
  const trips: Trip[] = []
  const apply = (event: GuardEvent, atMs: number) => {
    const result = stepGuard(state, event)
    state = result.state
    for (const o of result.outputs) if (o.type === 'trip') trips.push({atMs, kind: o.cause.kind, ids: o.stops.map((s) => s.id)})
  }
  for (const {atMs, event} of events) {
    // The guard's timer fires at the deadline, before later events are read.
    for (let d = nextDeadline(state); d !== null && d < atMs; d = nextDeadline(state)) apply({type: 'tick', nowMs: d}, d)
    apply(event, atMs)
    // A deadline that is already due at this instant (a zero lease margin) fires now.
    for (let d = nextDeadline(state); d !== null && d <= atMs; d = nextDeadline(state)) apply({type: 'tick', nowMs: atMs}, atMs)
  }
  for (let d = nextDeadline(state); d !== null && d <= endMs; d = nextDeadline(state)) apply({type: 'tick', nowMs: d}, d)
  return trips
}

describe('guard lease', () => {
  it('matches a millisecond-by-millisecond reference on 20,000 seeded histories', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const rng = seededRandom(seed)
      const random = () => rng.next()
      const int = (n: number) => Math.floor(random() * n)
      const leaseMs = 20 + int(300)
      const events: Array<{atMs: number, event: GuardEvent}> = []
      let t = 0
      for (let k = 0; k < 30; k++) {
        t += int(leaseMs * 2)
        const r = random()
        const event: GuardEvent = r < 0.1 ? {type: 'hello', nowMs: t, leaseMs}
          : r < 0.55 ? {type: 'feed', nowMs: t}
            : r < 0.8 ? {type: 'hold', nowMs: t, held: Array.from({length: int(4)}, (_, i) => instance(`r${i}${'x'.repeat(int(3))}`, random() < 0.5)).filter((h, i, all) => all.findIndex((o) => o.id === h.id) === i)}
              : r < 0.9 ? {type: 'disconnect', nowMs: t}
                : {type: 'drop', nowMs: t, reason: 'test'}
        events.push({atMs: t, event})
      }
      const end = t + leaseMs * 3
      assert.deepEqual(machine(events, leaseMs, end), reference(events, leaseMs, end), `seed ${seed}`)
    }
  })

  it('a release with nothing held exits; with something held it trips first', () => {
    let s = stepGuard(initialGuard(100), {type: 'hello', nowMs: 0, leaseMs: 100}).state
    assert.deepEqual(stepGuard(s, {type: 'release', nowMs: 1}).outputs, [{type: 'exit'}])
    s = stepGuard(s, {type: 'hold', nowMs: 1, held: [instance('a', true), instance('bb', false)]}).state
    const out = stepGuard(s, {type: 'release', nowMs: 2}).outputs
    assert.equal(out.length, 2)
    assert.equal(out[0].type, 'trip')
    assert.deepEqual(out[0].type === 'trip' && out[0].addresses, [{ip: '10.0.0.1'}])
    assert.deepEqual(out[0].type === 'trip' && out[0].stops.map((x) => x.id), ['bb', 'a'])
    assert.equal(out[1].type, 'exit')
  })

  it('strip removes the held addresses and keeps holding', () => {
    let s = stepGuard(initialGuard(100), {type: 'hello', nowMs: 0, leaseMs: 100}).state
    s = stepGuard(s, {type: 'hold', nowMs: 1, held: [instance('a', true), instance('bb', false)]}).state
    const {state, outputs} = stepGuard(s, {type: 'strip', nowMs: 2})
    assert.deepEqual(outputs, [{type: 'strip', addresses: [{ip: '10.0.0.1'}]}])
    assert.deepEqual(state.held.map((h) => h.id), ['a', 'bb'])
    assert.equal(nextDeadline(state), 102)
  })

  it('a guard that ran late counts each feed from when it was written, not when it read it', () => {
    let s = stepGuard(initialGuard(100), {type: 'hello', nowMs: 0, leaseMs: 100}).state
    s = stepGuard(s, {type: 'hold', nowMs: 0, held: [instance('a', true)]}).state
    // The guard sleeps from 10 to 180 ms. A daemon alive throughout wrote a feed at 150:
    // read at 180, it renews the lease to 250 — no false trip.
    const alive = stepGuard(s, {type: 'feed', nowMs: 180, sentAgoMs: 30}).state
    assert.equal(nextDeadline(alive), 250)
    assert.deepEqual(stepGuard(alive, {type: 'tick', nowMs: 180}).outputs, [])
    // A daemon that died at 60 left its last feed, written at 55, unread: it renews
    // nothing past 155, so the tick after the read trips at once.
    const dead = stepGuard(s, {type: 'feed', nowMs: 180, sentAgoMs: 125}).state
    assert.equal(nextDeadline(dead), 155)
    assert.equal(stepGuard(dead, {type: 'tick', nowMs: 180}).outputs[0]?.type, 'trip')
    // The line the daemon writes parses with its time; an old daemon's bare feed still parses.
    assert.deepEqual(parseGuardMessage('{"t":"feed","at":123456.789}'), {t: 'feed', at: 123456.789})
    assert.deepEqual(parseGuardMessage('{"t":"feed"}'), {t: 'feed'})
    assert.deepEqual(parseGuardMessage('{"t":"feed","at":-1}'), {t: 'feed'})
  })

  it('nothing held: no deadline, no trip, whatever the silence', () => {
    const s = stepGuard(initialGuard(100), {type: 'hello', nowMs: 0, leaseMs: 100}).state
    assert.equal(nextDeadline(s), null)
    assert.deepEqual(stepGuard(s, {type: 'tick', nowMs: 1e9}).outputs, [])
  })

  it('the lease leaves the stop budget and a heartbeat inside the safety delay', () => {
    assert.equal(guardLeaseMs(300, 50), 200)
    assert.equal(guardLeaseMs(1000, 100), 800)
    assert.equal(guardLeaseMs(200, 60), 100)
    for (let token = 50; token <= 10_000; token += 37) for (const hb of [10, 50, 100, 333]) {
      if (hb * 2 > token) continue
      const lease = guardLeaseMs(token, hb)
      assert.ok(lease + hb <= token, `token ${token} hb ${hb}: lease ${lease}`)
      assert.ok(lease >= Math.min(2 * hb, token / 2) - 1 || lease === 20, `token ${token} hb ${hb}: lease ${lease} too short`)
    }
  })

  it('the protocol parser refuses what is not a message, and keeps no prototype keys', () => {
    for (const bad of ['', 'null', '[]', '{"t":"hello"}', '{"t":"hold","seq":1,"held":[{"id":"a"}]}', '{"t":"constructor"}', '{"t":"__proto__"}',
      '{"t":"hello","v":1,"pid":1,"leaseMs":5}', '{"t":"hold","seq":1,"held":[{"id":"a","stop":{"file":"x","args":[1],"env":{},"timeoutMs":1}}]}']) {
      assert.equal(parseGuardMessage(bad), null, bad)
    }
    const ok = parseGuardMessage('{"t":"hold","seq":2,"held":[{"id":"a","address":{"ip":"10.0.0.1","prefix":24},"stop":{"file":"/x","args":["stop"],"env":{"__proto__":"y","A":"b"},"timeoutMs":100}}]}')
    assert.ok(ok && ok.t === 'hold')
    assert.equal(ok.held[0].stop.env.A, 'b')
  })
})
