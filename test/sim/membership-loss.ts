// Deterministic model of the membership layer under steady loss, jitter and
// pauses, for the detection trade-off: how often a live node is evicted (false
// suspicion) and how fast a crashed one is excluded. It drives the same pure
// MembershipMachine as the daemon, on a simulated clock; nothing here asserts a
// time (scripts/sim-loss.ts prints the figures; the safety simulator is
// simulator.ts).
//
// Network model: every copy of a datagram is dropped independently with
// probability `loss` (the netns benchmarks drop per receiving port too), and
// delayed by a LAN base (0..delayMax) plus a uniform extra jitter (0..jitterMs),
// so packets may be reordered. Each node's timer fires at the machine's next
// deadline, late by 0..timerLateMs (a busy event loop), and optionally a node
// stalls (pauseMs) every pauseEveryMs on average.
import {MembershipMachine, type MembershipConfig, type Outgoing, type ViewStatus} from '../../src/core/membership/index.js'
import {delayMaxFor, linkLossFor, pauseFor, settleAfterToken} from '../../src/core/membership/config.js'
import {seededRandom} from '../../src/core/random.js'
import type {QuorumConfig} from '../../src/core/quorum/votequorum.js'
import {Agenda} from './simulator.js'

export interface LossOptions {
  seed: number
  nodes: number
  heartbeatMs: number
  tokenMs: number
  consensusMs?: number
  /** Probability that one copy of a datagram is lost, 0..1. */
  loss: number
  /** Extra uniform delay per copy, ms (on top of the LAN delay). */
  jitterMs: number
  /** How late a timer may fire, ms (uniform). */
  timerLateMs?: number
  durationMs: number
  /** Crash a node every this many ms (restarting it half-way), to measure detection; 0: never. */
  crashEveryMs?: number
  /** A random node stalls for stallMs every stallEveryMs on average; 0: never. */
  stallEveryMs?: number
  stallMs?: number
  /** Every status change and crash, then each machine's state at the end (for debugging a seed). */
  trace?: (line: string) => void
}

export interface LossResult {
  /** Agreed views, counted once per view id (any node that installed it). */
  viewsAgreed: number
  /** Agreed quorate views that left out a node that was alive (not crashed, not yet booting) when the view was agreed. */
  evictions: number
  /** A node left an agreed view although nothing crashed: by reason. */
  gatherings: Record<string, number>
  /** Crash trials: crash to the first survivor dropping the view (suspicion), and to the survivors' agreed quorate view. */
  detectMs: number[]
  agreeMs: number[]
}

export function simulateLoss(o: LossOptions): LossResult {
  const random = seededRandom(o.seed)
  const ids = Array.from({length: o.nodes}, (_, i) => i + 1)
  const quorum: QuorumConfig = {nodes: ids.map((id) => ({id, votes: 1})), twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 10_000, autoTieBreaker: false}
  const config = (id: number): MembershipConfig => ({
    selfId: id, nodes: quorum.nodes, heartbeatMs: o.heartbeatMs, tokenMs: o.tokenMs, linkLossMs: linkLossFor(o.tokenMs), consensusMs: o.consensusMs ?? 100,
    settleMs: settleAfterToken(o.heartbeatMs), pauseMs: pauseFor(o.heartbeatMs), quorum,
  })
  const delayMax = delayMaxFor(o.heartbeatMs)
  const timerLate = o.timerLateMs ?? 2
  const agenda = new Agenda()
  let now = 0
  let nextInc = 1
  interface Node {id: number, machine: MembershipMachine | null, inc: number, stalledUntil: number, timerAt: number, status: ViewStatus | null, upSince: number}
  const nodes = new Map<number, Node>(ids.map((id) => [id, {id, machine: null, inc: 0, stalledUntil: 0, timerAt: Infinity, status: null, upSince: 0}]))
  const result: LossResult = {viewsAgreed: 0, evictions: 0, gatherings: {}, detectMs: [], agreeMs: []}
  const agreedIds = new Set<string>()
  let crash: {victim: number, at: number, detected: boolean} | null = null

  const arm = (node: Node) => {
    if (!node.machine) return
    const at = Math.max(node.machine.nextDeadline(now), now) + 1 + random.next() * timerLate
    if (at >= node.timerAt && node.timerAt > now) return
    node.timerAt = at
    const inc = node.inc
    agenda.push(at, () => {
      if (node.inc !== inc || node.timerAt !== at) return
      node.timerAt = Infinity
      step(node, {type: 'tick'})
    })
  }

  const step = (node: Node, event: Parameters<MembershipMachine['step']>[0]) => {
    if (!node.machine) return
    if (now < node.stalledUntil) {
      // A stalled event loop: everything waits until it runs again.
      const inc = node.inc
      agenda.push(node.stalledUntil, () => { if (node.inc === inc) step(node, event) })
      return
    }
    const ready = node.machine.step(event, now)
    if (o.trace) for (const st of ready.notifications) o.trace(`${now.toFixed(1)} node ${node.id} ${st.phase} view ${st.viewId} [${st.members.map((m) => m.id)}] quorate=${st.quorate} reason=${st.reason}`)
    for (const out of ready.outbox) send(node, out)
    for (const status of ready.notifications) observe(node, status)
    arm(node)
  }

  const send = (from: Node, out: Outgoing) => {
    const targets = out.to === 'all' ? ids.filter((id) => id !== from.id) : [out.to]
    for (const to of targets) {
      if (random.chance(o.loss)) continue
      const packet = {from: from.id, inc: from.inc, seq: out.seq, msg: out.msg}
      const delay = random.next() * delayMax + random.next() * o.jitterMs
      agenda.push(now + delay, () => {
        const node = nodes.get(to)!
        if (node.machine) step(node, {type: 'receive', packet})
      })
    }
  }

  const alive = () => ids.filter((id) => nodes.get(id)!.machine !== null)

  const observe = (node: Node, status: ViewStatus) => {
    const before = node.status
    node.status = status
    if (before?.phase === 'usable' && status.phase !== 'usable') {
      if (crash && !crash.detected && node.id !== crash.victim) {
        crash.detected = true
        result.detectMs.push(now - crash.at)
      } else if (!crash) {
        result.gatherings[status.reason] = (result.gatherings[status.reason] ?? 0) + 1
      }
    }
    if (status.phase !== 'usable') return
    const members = new Set(status.members.map((m) => m.id))
    if (crash && status.quorate && !members.has(crash.victim)) {
      const survivors = alive().filter((id) => id !== crash!.victim)
      const done = survivors.every((id) => {
        const s = nodes.get(id)!.status
        return s?.phase === 'usable' && s.quorate && s.viewId === status.viewId
      })
      if (done) {
        result.agreeMs.push(now - crash.at)
        const victim = nodes.get(crash.victim)!
        crash = null
        // Restart the victim a little later, as a new incarnation.
        agenda.push(now + 300, () => boot(victim))
        return
      }
    }
    const key = `${status.viewId}`
    if (agreedIds.has(key)) return
    agreedIds.add(key)
    result.viewsAgreed++
    // A live node that has been up long enough to have joined, left out of a quorate view.
    const left = alive().filter((id) => !members.has(id) && now - nodes.get(id)!.upSince > 2 * o.tokenMs + 20 * o.heartbeatMs)
    if (status.quorate && left.length > 0 && !(crash && left.length === 1 && left[0] === crash.victim)) result.evictions++
  }

  const boot = (node: Node) => {
    node.inc = nextInc++
    node.machine = new MembershipMachine(config(node.id), node.inc)
    node.status = null
    node.timerAt = Infinity
    node.upSince = now
    step(node, {type: 'tick'})
  }

  for (const id of ids) agenda.push(random.next() * 50, () => boot(nodes.get(id)!))
  if (o.crashEveryMs) {
    const schedule = () => {
      // Crash only from a whole, agreed cluster.
      const whole = ids.every((id) => {
        const s = nodes.get(id)!.status
        return s?.phase === 'usable' && s.members.length === o.nodes
      })
      if (!crash && whole) {
        const victim = nodes.get(random.pick(ids))!
        victim.machine = null
        victim.inc = -1
        crash = {victim: victim.id, at: now, detected: false}
        o.trace?.(`${now.toFixed(1)} crash ${victim.id}`)
      }
      agenda.push(now + o.crashEveryMs! * (0.5 + random.next()), schedule)
    }
    agenda.push(3000, schedule)
  }
  if (o.stallEveryMs && o.stallMs) {
    const stall = () => {
      const node = nodes.get(random.pick(ids))!
      node.stalledUntil = Math.max(node.stalledUntil, now + o.stallMs!)
      agenda.push(now + o.stallEveryMs! * 2 * random.next(), stall)
    }
    agenda.push(3000, stall)
  }
  for (let item = agenda.pop(); item && item.at <= o.durationMs; item = agenda.pop()) {
    now = item.at
    item.run()
  }
  if (o.trace) {
    for (const n of nodes.values()) {
      const m = n.machine as any
      if (!m) continue
      o.trace(`state ${n.id}: ${m.phase} current=${JSON.stringify(m.current)} promised=${m.promised} maxSeen=${JSON.stringify(m.maxSeen)} pending=${JSON.stringify(m.pending && [m.pending.id, m.pending.coord, m.pending.members.map((x: any) => x.id)])} round=${JSON.stringify(m.round && [m.round.view.id, m.round.startedAt])} entangled=${JSON.stringify(m.entangled.map((e: any) => [e.view.id, e.view.coord, [...e.uncleared]]))} fresh=${m.freshPeers(now)} peers=${JSON.stringify([...m.peers].map(([id, r]: any) => [id, r.inc, Math.round(now - r.heardAt), Math.round(now - r.heardUsAt), r.report]))}`)
    }
  }
  return result
}
