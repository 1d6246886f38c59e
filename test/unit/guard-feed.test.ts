// The daemon's feed rule (src/daemon/guard-link.ts, feedDue) against the lease it
// renews: on seeded histories of membership steps (a heartbeat every H, late by
// up to an event-loop lag, and peers' packets at random times in between), a
// daemon that runs feeds on every heartbeat and at most every half heartbeat,
// never leaves the guard unfed for a whole lease, and a daemon that stalls fed last no
// later than the stall and no earlier than its last heartbeat: the trip starts by
// lastHeard + H + L, the bound src/core/guard/budget.ts and `hactl cluster timing` count on.
import assert from 'node:assert/strict'
import {guardLeaseMs} from '../../src/core/guard/index.js'
import {seededRandom} from '../../src/core/random.js'
import {feedDue} from '../../src/daemon/guard-link.js'

interface Step {at: number, heartbeat: boolean}

/** Steps of a running daemon: heartbeats every H (+1 ms, as the service arms) plus lag, two peers' packets each H. */
function history(seed: number, heartbeatMs: number, lagMs: number, endMs: number, heartbeats = true): Step[] {
  const random = seededRandom(seed).next
  const steps: Step[] = []
  for (let at = 0; at < endMs; at += heartbeatMs + 1 + random() * lagMs) steps.push({at, heartbeat: heartbeats})
  for (let peer = 0; peer < 2; peer++) {
    for (let at = random() * heartbeatMs; at < endMs; at += heartbeatMs * (0.5 + random())) steps.push({at, heartbeat: false})
  }
  return steps.sort((a, b) => a.at - b.at)
}

function feeds(steps: Step[], heartbeatMs: number): number[] {
  const out: number[] = []
  let last = -Infinity
  for (const s of steps) {
    if (feedDue(s.heartbeat, s.at - last, heartbeatMs)) {
      last = s.at
      out.push(s.at)
    }
  }
  return out
}

describe('guard feed rule', () => {
  for (const [token, heartbeat] of [[180, 40], [300, 50], [1000, 100], [120, 40]] as const) {
    const lease = guardLeaseMs(token, heartbeat)
    it(`token ${token} heartbeat ${heartbeat}: a feed on every heartbeat, no gap of a lease (${lease} ms), the stall bound holds`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        // Lag up to a third of the slack the lease leaves over one heartbeat.
        const lag = Math.max(0, (lease - heartbeat - 1) / 3)
        const steps = history(seed, heartbeat, lag, 5_000)
        const fed = feeds(steps, heartbeat)
        const heartbeats = steps.filter((s) => s.heartbeat).map((s) => s.at)
        // Every heartbeat feeds; packets add feeds no closer than half a heartbeat.
        for (const at of heartbeats) assert.ok(fed.includes(at), `seed ${seed}: heartbeat at ${at} did not feed`)
        for (let i = 1; i < fed.length; i++) assert.ok(heartbeats.includes(fed[i]) || fed[i] - fed[i - 1] >= heartbeat / 2)
        for (let i = 1; i < fed.length; i++) assert.ok(fed[i] - fed[i - 1] < lease, `seed ${seed}: unfed for ${fed[i] - fed[i - 1]} ms, lease ${lease}`)
        // A stall at any step: the last feed is between the last heartbeat and the stall.
        const random = seededRandom(seed * 7919).next
        const stall = random() * 5_000
        const lastFeed = fed.filter((f) => f <= stall).at(-1)!
        const lastHeartbeat = heartbeats.filter((h) => h <= stall).at(-1)!
        assert.ok(lastFeed >= lastHeartbeat && lastFeed <= stall)
        // The trip (lastFeed + lease) starts before lastHeard + H + L, with lastHeard >= the last heartbeat.
        assert.ok(lastFeed + lease < lastHeartbeat + heartbeat + 1 + lag + lease)
      }
    })
  }

  it('a machine that sends no heartbeats (after a bug) still feeds at least every 1.5 H', () => {
    const heartbeat = 40
    const lease = guardLeaseMs(180, heartbeat)
    for (let seed = 1; seed <= 100; seed++) {
      const fed = feeds(history(seed, heartbeat, 0, 3_000, false), heartbeat)
      for (let i = 1; i < fed.length; i++) assert.ok(fed[i] - fed[i - 1] <= 1.5 * heartbeat + 1 && fed[i] - fed[i - 1] < lease)
    }
  })
})
