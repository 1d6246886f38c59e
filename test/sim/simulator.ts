// Deterministic simulation of a whole cluster of membership state machines on
// a simulated network (TigerBeetle's VOPR in miniature). One seed decides the
// cluster size, quorum options, loss, delay, duplication and the schedule of
// partitions (symmetric and one-way), crashes, restarts and pauses. A safety
// check runs after every step that changed a node's status; after the chaos
// phase the network heals and every live node must converge on one view that
// holds all of them within a bound (the liveness phase).
import {MembershipMachine, type MembershipConfig, type Outgoing, type ViewStatus} from '../../src/core/membership/index.js'
import {delayMaxFor, linkLossFor, pauseFor, settleAfterToken} from '../../src/core/membership/config.js'
import {seededRandom, type Random} from '../../src/core/random.js'
import {MinHeap} from '../../src/core/min-heap.js'
import type {QuorumConfig} from '../../src/core/quorum/votequorum.js'

export interface SimOptions {
  seed: number
  nodes?: number
  /** Simulated duration, ms. */
  durationMs?: number
  heartbeatMs?: number
  tokenMs?: number
  trace?: (line: string) => void
}

export interface SimResult {
  seed: number
  ok: boolean
  violation?: string
  atMs?: number
  summary: string
  stats: {events: number, delivered: number, dropped: number, views: number, maxViewId: number}
}

class Violation extends Error {}

interface SimNode {
  id: number
  machine: MembershipMachine | null
  inc: number
  seq: number
  paused: boolean
  buffer: Array<{from: number, inc: number, seq: number, msg: Outgoing['msg']}>
  status: ViewStatus | null
  maxViewId: number
}

type Scheduled = {at: number, order: number, run: () => void}

/** Timed events, in time order; ties broken by insertion order for determinism. */
export class Agenda {
  private readonly heap = new MinHeap<Scheduled>((a, b) => a.at < b.at || (a.at === b.at && a.order < b.order))
  private order = 0
  push(at: number, run: () => void): void {
    this.heap.push({at, order: this.order++, run})
  }

  pop(): Scheduled | undefined {
    return this.heap.pop()
  }
}

const TICK_MS = 10

function quorumFor(random: Random, ids: number[], votes: Map<number, number>): {quorum: QuorumConfig, label: string} {
  const nodes = ids.map((id) => ({id, votes: votes.get(id)!}))
  const total = nodes.reduce((s, n) => s + n.votes, 0)
  const base: QuorumConfig = {nodes, twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 10_000, autoTieBreaker: false}
  // two_node and last_man_standing are left out: votequorum lets both sides of
  // a split be quorate with them (fencing decides), so "one quorate partition"
  // is not theirs to keep. Unit tests cover their arithmetic.
  switch (random.int(0, 4)) {
    case 0: return {quorum: {...base, waitForAll: true}, label: 'wait_for_all'}
    case 1: return {quorum: {...base, autoTieBreaker: true}, label: 'auto_tie_breaker'}
    case 2: return {quorum: {...base, expectedVotes: total + random.int(0, 2)}, label: 'expected_votes'}
    default: return {quorum: base, label: 'majority'}
  }
}

export function simulate(options: SimOptions): SimResult {
  const random = seededRandom(options.seed)
  const count = options.nodes ?? random.int(3, 16)
  const durationMs = options.durationMs ?? 6000
  const heartbeatMs = options.heartbeatMs ?? 50
  const tokenMs = options.tokenMs ?? 250
  const ids = Array.from({length: count}, (_, i) => i + 1)
  const votes = new Map(ids.map((id) => [id, random.chance(0.2) ? random.int(0, 3) : 1]))
  if (ids.every((id) => votes.get(id) === 0)) votes.set(1, 1)
  const {quorum, label} = quorumFor(random, ids, votes)
  const loss = random.chance(0.3) ? 0 : random.next() * 0.3
  const dupRate = random.next() * 0.1
  const delayMaxMs = delayMaxFor(heartbeatMs)
  const chaosEndMs = Math.floor(durationMs * 0.55)
  const bound = 2 * tokenMs + settleAfterToken(heartbeatMs) + 4 * tokenMs + 10 * heartbeatMs
  const summary = `seed=${options.seed} nodes=${count} quorum=${label} votes=${ids.map((id) => votes.get(id)).join(',')} loss=${(loss * 100).toFixed(1)}% dup=${(dupRate * 100).toFixed(1)}% duration=${durationMs}ms`
  const trace = options.trace ?? (() => {})
  trace(summary)

  const agenda = new Agenda()
  let now = 0
  let nextInc = 1
  const blocked = new Set<string>()
  let currentLoss = loss
  let lateRate = 0.03
  const stats = {events: 0, delivered: 0, dropped: 0, views: 0, maxViewId: 0}
  const nodes = new Map<number, SimNode>()

  const configFor = (id: number): MembershipConfig => ({
    selfId: id, nodes: quorum.nodes, heartbeatMs, tokenMs, linkLossMs: linkLossFor(tokenMs), consensusMs: 100, settleMs: settleAfterToken(heartbeatMs), pauseMs: pauseFor(heartbeatMs), quorum,
  })

  const boot = (node: SimNode) => {
    node.inc = nextInc++
    node.seq = 0
    node.machine = new MembershipMachine(configFor(node.id), node.inc)
    node.status = null
    node.maxViewId = 0
    node.paused = false
    node.buffer = []
    const offset = random.int(0, TICK_MS - 1)
    const inc = node.inc
    const tick = () => {
      if (node.machine === null || node.inc !== inc) return
      if (!node.paused) runStep(node, {type: 'tick'})
      agenda.push(now + TICK_MS + random.int(0, 2), tick)
    }
    agenda.push(now + offset, tick)
  }

  const send = (from: SimNode, out: Outgoing) => {
    const seq = out.seq
    const targets = out.to === 'all' ? ids.filter((id) => id !== from.id) : [out.to]
    for (const to of targets) {
      const copies = random.chance(dupRate) ? 2 : 1
      for (let c = 0; c < copies; c++) {
        if (blocked.has(`${from.id}>${to}`) || random.chance(currentLoss)) {
          stats.dropped++
          continue
        }
        const packet = {from: from.id, inc: from.inc, seq, msg: out.msg}
        // Safety must not depend on delay: mostly LAN-like, sometimes very late.
        const delay = random.chance(lateRate) ? random.int(0, 4 * heartbeatMs) : random.int(0, delayMaxMs)
        agenda.push(now + delay, () => deliver(nodes.get(to)!, packet))
      }
    }
  }

  const deliver = (node: SimNode, packet: SimNode['buffer'][number]) => {
    if (node.machine === null) return
    if (node.paused) {
      node.buffer.push(packet)
      return
    }
    stats.delivered++
    runStep(node, {type: 'receive', packet})
  }

  const runStep = (node: SimNode, event: Parameters<MembershipMachine['step']>[0]) => {
    stats.events++
    const ready = node.machine!.step(event, now)
    for (const out of ready.outbox) send(node, out)
    if (ready.notifications.length === 0) return
    const status = ready.notifications[ready.notifications.length - 1]
    if (status.viewId < node.maxViewId) throw new Violation(`view id went backwards on node ${node.id}: ${node.maxViewId} -> ${status.viewId}`)
    if (status.viewId > node.maxViewId) stats.views++
    node.maxViewId = status.viewId
    stats.maxViewId = Math.max(stats.maxViewId, status.viewId)
    node.status = status
    trace(`${now}ms node ${node.id} view ${status.viewId} ${status.phase} members=[${status.members.map((m) => m.id).join(',')}] quorate=${status.quorate} dc=${status.dc} reason=${status.reason}`)
    checkSafety()
  }

  const live = () => [...nodes.values()].filter((n) => n.machine !== null && !n.paused)

  const checkSafety = () => {
    const quorate = live().filter((n) => n.status?.quorate)
    for (let i = 0; i < quorate.length; i++) {
      for (let j = i + 1; j < quorate.length; j++) {
        const a = quorate[i].status!
        const b = quorate[j].status!
        if (a.dc !== b.dc) throw new Violation(`two DCs: node ${quorate[i].id} follows DC ${a.dc} (view ${a.viewId}) while node ${quorate[j].id} follows DC ${b.dc} (view ${b.viewId})`)
        const inA = new Set(a.members.map((m) => m.id))
        if (!b.members.some((m) => inA.has(m.id))) throw new Violation(`two quorate partitions: view ${a.viewId} [${[...inA]}] on node ${quorate[i].id} and view ${b.viewId} [${b.members.map((m) => m.id)}] on node ${quorate[j].id}`)
      }
    }
  }

  const chaos = () => {
    if (now >= chaosEndMs) return
    const action = random.int(0, 9)
    const a = random.pick(ids)
    const b = random.pick(ids.filter((id) => id !== a))
    const node = nodes.get(a)!
    switch (action) {
      case 0: case 1: { // symmetric partition of a random group
        const side = new Set(ids.filter(() => random.chance(0.5)))
        for (const x of ids) for (const y of ids) if (side.has(x) !== side.has(y)) blocked.add(`${x}>${y}`)
        trace(`${now}ms partition [${[...side]}] | rest`)
        break
      }
      case 2: blocked.add(`${a}>${b}`); trace(`${now}ms one-way ${a} -> ${b} cut`); break
      case 3: blocked.clear(); trace(`${now}ms links healed`); break
      case 4: if (node.machine) { node.machine = null; trace(`${now}ms crash ${a}`) } break
      case 5: if (!node.machine) { boot(node); trace(`${now}ms restart ${a} inc ${node.inc}`) } break
      case 6: if (node.machine && !node.paused) pause(node, random.int(20, 3 * tokenMs)); break
      case 7: currentLoss = random.next() * 0.3; trace(`${now}ms loss ${(currentLoss * 100).toFixed(1)}%`); break
      default: break
    }
    agenda.push(now + random.int(50, 600), chaos)
  }

  const pause = (node: SimNode, ms: number) => {
    node.paused = true
    trace(`${now}ms pause ${node.id} for ${ms}ms`)
    const inc = node.inc
    agenda.push(now + ms, () => {
      if (node.inc !== inc || node.machine === null) return
      node.paused = false
      const buffered = node.buffer
      node.buffer = []
      runStep(node, {type: 'tick'})
      for (const packet of buffered) deliver(node, packet)
    })
  }

  const heal = () => {
    trace(`${now}ms heal: links up, no loss, everyone running`)
    blocked.clear()
    currentLoss = 0
    lateRate = 0
    for (const node of nodes.values()) {
      if (node.machine === null) boot(node)
    }
    agenda.push(now + 3 * tokenMs, () => {
      // Resume paused nodes (their timers fire again) before measuring.
    })
    agenda.push(chaosEndMs + bound, checkConverged)
  }

  const checkConverged = () => {
    const all = [...nodes.values()]
    const stuck = all.filter((n) => n.paused)
    if (stuck.length > 0) return
    const statuses = all.map((n) => n.machine!.status())
    const first = statuses[0]
    const agreed = statuses.every((s) => s.phase === 'usable' && s.viewId === first.viewId && s.members.length === count)
    if (!agreed) {
      const detail = all.map((n, i) => `${n.id}:${statuses[i].phase}/v${statuses[i].viewId}[${statuses[i].members.map((m) => m.id)}]`).join(' ')
      for (const n of all) {
        const m = n.machine as any
        trace(`state ${n.id}: ${m.phase} current=${JSON.stringify(m.current)} promised=${m.promised} maxSeen=${JSON.stringify(m.maxSeen)} pending=${JSON.stringify(m.pending && [m.pending.id, m.pending.coord, m.pending.members.map((x: any) => x.id)])} round=${JSON.stringify(m.round && [m.round.view.id, m.round.startedAt])} entangled=${JSON.stringify(m.entangled.map((e: any) => [e.view.id, e.view.coord, [...e.uncleared]]))} fresh=${m.freshPeers(now)}`)
      }
      throw new Violation(`not converged ${bound}ms after healing: ${detail}`)
    }
  }

  for (const id of ids) {
    const node: SimNode = {id, machine: null, inc: 0, seq: 0, paused: false, buffer: [], status: null, maxViewId: 0}
    nodes.set(id, node)
    agenda.push(random.int(0, 200), () => boot(node))
  }
  agenda.push(random.int(100, 400), chaos)
  agenda.push(chaosEndMs, heal)

  try {
    for (let item = agenda.pop(); item && item.at <= durationMs; item = agenda.pop()) {
      now = item.at
      item.run()
    }
    if (chaosEndMs + bound <= durationMs) checkConverged()
    return {seed: options.seed, ok: true, summary, stats}
  } catch (error) {
    if (!(error instanceof Violation)) throw error
    return {seed: options.seed, ok: false, violation: error.message, atMs: now, summary, stats}
  }
}
