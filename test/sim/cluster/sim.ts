// Whole-cluster deterministic simulation: N hosts, each with a daemon made of
// the real pure machines — membership, replication, the node controller (with the
// DC's orchestration and the policy engine) — over the in-memory executor, plus a
// simulated resource guard, on a simulated network. One seed decides everything.
//
// Fault model (all from the seed):
//  - network: membership datagrams lost (0-30 %), duplicated, delayed (LAN-like,
//    sometimes several heartbeats late); peer links (TCP) ordered per pair, broken
//    (queue lost) now and then and on every view change, held during a partition
//    and delivered after it heals if the connection survived (< 10 s);
//    symmetric partitions, one-way cuts, heals;
//  - hosts: crash (power off: processes, addresses and resources gone, the disk
//    keeps what was fsynced — a random prefix of writes in flight), reboot;
//    whole-host pause (daemon, guard and agents frozen);
//  - daemons: kill -9 with the host up (agents and resources stay; the guard sees
//    its feed end), restart; SIGSTOP pause (the guard's lease runs out); a clean
//    stop (`hactl cluster stop`: the leave protocol), restart;
//  - disks: fsync failures for a while (the record is not durable and the daemon
//    exits fatally, as it does, and is restarted);
//  - clocks: wall-clock steps of an hour either way (the machines only ever see
//    the monotonic clock, which each host starts at its own offset);
//  - resources: start and stop latencies per agent (VIPs fast), rare failed starts
//    that leave the resource active (a failed start may be half done).
// The guard is the real pure machine of src/core/guard (lease = guardLeaseMs(token,
// heartbeat)) driven as src/guard/main.ts and the daemon's GuardLink drive it: fed on
// every membership step, told what the node holds before a start, stripped of its
// addresses when the node loses quorum, disconnected when the daemon dies (trip at
// once), ticked at the end of its lease when the daemon is paused (trip), released
// on a clean stop. A trip removes the addresses at once, then stops the rest through
// their agents (with their latencies) and reports to the daemon, which learns what
// was stopped. A whole-host pause freezes the guard too: only fencing (an option) helps.
//
// Invariants, after every event:
//  - a single-instance resource is active (starting, running or stopping) on at
//    most one host — except, without fencing, on a host that is or just was paused
//    whole (the documented exception; with fencing it is checked there too);
//  - nothing starts on a node whose controller is not in a quorate view;
//  - no acknowledged write is lost: a DC that becomes ready holds every write
//    acknowledged before; at the end, after healing, every node has them;
//  - view ids (per daemon run) and epochs (per host, on disk and committed) never go back;
//  - a node that left cleanly is never fenced for it while a member that recorded its
//    leave still runs (the record is in the daemons' memory: see the README's limits).
import type {ConfigEdit} from '../../../src/core/config/edits.js'
import type {ResourceConfig} from '../../../src/core/config/types.js'
import {CONTROLLER_DEFAULTS, initialController, nextDeadline, stepController, type ControllerEvent, type ControllerOutput, type ControllerState} from '../../../src/core/controller/index.js'
import {MembershipMachine, type MembershipConfig, type Outgoing, type ViewStatus} from '../../../src/core/membership/index.js'
import {linkLossFor, pauseFor, settleAfterToken} from '../../../src/core/membership/config.js'
import {NO_QUORUM_STOP_BUDGET_MS} from '../../../src/core/policy/nodes.js'
import {DEFAULT_TOTEM} from '../../../src/core/config/bootstrap.js'
import {seededRandom, type Random} from '../../../src/core/random.js'
import {initialState, isReady, positionOf, step as stepReplication, type Event as ReplicationEvent, type ReplicationState, type StoredRecord} from '../../../src/core/replication/index.js'
import {guardLeaseMs, initialGuard, stepGuard, type GuardEvent, type GuardState, type HeldInstance} from '../../../src/core/guard/index.js'
import {MemoryExecutor} from '../../../src/daemon/in-memory.js'
import {Agenda} from '../simulator.js'

export interface ClusterSimOptions {
  seed: number
  /** Simulated time, ms. */
  durationMs: number
  nodes?: number
  fencing?: boolean
  /** For the simulator's own test: a property that breaks safety must be caught. */
  noQuorumPolicy?: 'stop' | 'ignore'
  trace?: (line: string) => void
}

export interface ClusterSimResult {
  seed: number
  ok: boolean
  violation?: string
  atMs?: number
  summary: string
  simulatedMs: number
  stats: Record<string, number>
}

class Violation extends Error {}

// The shipped defaults: the invariant is checked with the timings users get.
const HEARTBEAT_MS = DEFAULT_TOTEM.heartbeat
const TOKEN_MS = DEFAULT_TOTEM.token
const LEASE_MS = guardLeaseMs(TOKEN_MS, HEARTBEAT_MS)
const REPLICATION_TICK_MS = 100
const VIP = 'vip'
const GROUP = ['fs', 'web']

type Phase = 'starting' | 'running' | 'stopping' | 'failed'

interface HostResource {
  phase: Phase
  agent: string
  /** Which operation owns the current phase: a later operation supersedes it. */
  op: number
}

interface Daemon {
  inc: number
  paused: boolean
  buffer: Array<() => void>
  membership: MembershipMachine
  memTickAt: number
  memSteppedAt: number
  replication: ReplicationState
  replTickAt: number
  replActiveAt: number
  ctl: ControllerState
  ctlTickAt: number
  exec: MemoryExecutor
  status: ViewStatus | null
  members: number[]
  maxViewId: number
  maxEpoch: number
  writing: Array<{record: StoredRecord, at: number, fails: boolean}>
  seq: number
}

interface Host {
  id: number
  name: string
  state: 'up' | 'down' | 'paused'
  boot: number
  monoBase: number
  wallOffsetMs: number
  resources: Map<string, HostResource>
  guard: GuardState
  /**
   * The last daemon left the cluster cleanly (and no daemon started since): the
   * members that recorded it, by their daemon's run. The record lives in their memory.
   */
  leftCleanly: Map<number, number> | null
  hostBuffer: Array<() => void>
  resumedAt: number
  disk: {record: StoredRecord | undefined, term: number | undefined}
  diskEpoch: number
  fsyncFailUntil: number
  daemon: Daemon | null
}

export function simulateCluster(options: ClusterSimOptions): ClusterSimResult {
  const random: Random = seededRandom(options.seed)
  const count = options.nodes ?? (random.chance(0.6) ? 3 : 5)
  const fencing = options.fencing ?? random.chance(0.3)
  const durationMs = options.durationMs
  const trace = options.trace ?? (() => {})
  const baseLoss = random.chance(0.4) ? 0 : random.next() * 0.1
  const dupRate = random.next() * 0.05
  const summary = `seed=${options.seed} nodes=${count} fencing=${fencing} loss=${(baseLoss * 100).toFixed(1)}% dup=${(dupRate * 100).toFixed(1)}% duration=${durationMs}ms`
  trace(summary)
  const stats: Record<string, number> = {events: 0, steps: 0, starts: 0, stops: 0, transitions: 0, writesAcked: 0, guardFired: 0, fences: 0, exceptionOverlaps: 0}
  const count1 = (k: string) => { stats[k] = (stats[k] ?? 0) + 1 }

  const agenda = new Agenda()
  let now = 0
  let nextInc = 1
  let loss = baseLoss
  const blocked = new Set<string>()
  const ids = Array.from({length: count}, (_, i) => i + 1)
  const nodes = ids.map((id) => ({id, name: `n${id}`, votes: 1}))
  const hosts = new Map<number, Host>()
  // Writes go to a few keys at a time, one outstanding write per key. A key whose
  // write got no answer (its daemon died) may still take that value later: it is
  // retired (still checked, never written again) and its slot gets a new key.
  interface Slot {key: string, busy: boolean, acked: {value: string, atMs: number} | null, maybe: Set<string>, pending?: string}
  const slots: Slot[] = Array.from({length: 8}, (_, i) => ({key: `k${i}g0`, busy: false, acked: null, maybe: new Set()}))
  const retired: Slot[] = []
  let writeSeq = 0
  const pendingClient = new Map<string, {slot: Slot | null, value: string, host: number}>()
  let setupState: 'none' | 'pending' | 'done' = 'none'
  const unanswered = (w: {slot: Slot | null, value: string}) => {
    if (w.slot === null) {
      if (setupState === 'pending') setupState = 'none'
      return
    }
    const slot = w.slot
    slot.busy = false
    slot.maybe.add(w.value)
    const index = slots.indexOf(slot)
    if (index >= 0) {
      retired.push(slot)
      slots[index] = {key: `${slot.key.split('g')[0]}g${Number(slot.key.split('g')[1]) + 1}`, busy: false, acked: null, maybe: new Set()}
    }
  }
  /** Every acknowledged write is in `config` (or a later write to its key, possibly one whose outcome was unknown). */
  const holdsAcked = (config: ResourceConfig, before: number): string | null => {
    for (const slot of [...slots, ...retired]) {
      if (!slot.acked || slot.acked.atMs >= before) continue
      const value = config.nodes.find((n) => n.name === 'n1')?.attributes[slot.key]
      if (value !== slot.acked.value && !(value !== undefined && (slot.maybe.has(value) || slot.pending === value))) return `${slot.key}=${slot.acked.value} (acknowledged at ${slot.acked.atMs}ms; found ${value ?? 'nothing'})`
    }
    return null
  }

  const fail = (message: string): never => {
    throw new Violation(message)
  }
  const mono = (h: Host) => h.monoBase + now

  // ---- scheduling with pause and death semantics ----

  /** An event on a host's own processes (agents, the guard): frozen while the host is paused, gone when it is down. */
  const atHost = (h: Host, delay: number, run: () => void) => {
    const boot = h.boot
    agenda.push(now + delay, () => {
      if (h.boot !== boot || h.state === 'down') return
      if (h.state === 'paused') h.hostBuffer.push(run)
      else run()
    })
  }
  /** An event on a daemon's event loop: frozen while it or its host is paused, gone when it died. */
  const atDaemon = (h: Host, d: Daemon, delay: number, run: () => void) => {
    agenda.push(now + delay, () => runOnDaemon(h, d, run))
  }
  const runOnDaemon = (h: Host, d: Daemon, run: () => void) => {
    if (h.daemon !== d || h.state === 'down') return
    if (h.state === 'paused' || d.paused) d.buffer.push(run)
    else {
      stats.events++
      run()
    }
  }

  // ---- the network ----

  const udp = (h: Host, d: Daemon, out: Outgoing) => {
    const targets = out.to === 'all' ? ids.filter((id) => id !== h.id) : [out.to]
    for (const to of targets) {
      const copies = random.chance(dupRate) ? 2 : 1
      for (let c = 0; c < copies; c++) {
        if (blocked.has(`${h.id}>${to}`) || random.chance(loss)) continue
        const packet = {from: h.id, inc: d.inc, seq: out.seq, msg: out.msg}
        const delay = random.chance(0.02) ? random.int(0, 4 * HEARTBEAT_MS) : random.int(0, 3)
        agenda.push(now + delay, () => {
          const target = hosts.get(to)!
          const td = target.daemon
          if (td) runOnDaemon(target, td, () => membershipStep(target, td, {type: 'receive', packet}))
        })
      }
    }
  }

  // Peer links: ordered per pair, a generation per pair (a reset loses the queue).
  const links = new Map<string, {gen: number, nextFree: number, held: Array<{message: unknown, at: number}>}>()
  const link = (a: number, b: number) => {
    const key = `${a}>${b}`
    let l = links.get(key)
    if (!l) links.set(key, l = {gen: 0, nextFree: 0, held: []})
    return l
  }
  const resetLink = (a: number, b: number) => {
    for (const [x, y] of [[a, b], [b, a]]) {
      const l = link(x, y)
      l.gen++
      l.held = []
    }
  }
  const tcpDeliver = (from: number, to: number, message: unknown) => {
    const l = link(from, to)
    const gen = l.gen
    const at = Math.max(l.nextFree, now + random.int(0, 3))
    l.nextFree = at
    agenda.push(at, () => {
      if (l.gen !== gen) return
      const target = hosts.get(to)!
      const td = target.daemon
      if (td) runOnDaemon(target, td, () => controllerStep(target, td, {type: 'peer', nowMs: mono(target), from, message}))
    })
  }
  const tcp = (from: number, to: number, message: unknown) => {
    if (random.chance(loss / 20)) {
      resetLink(from, to)
      return
    }
    const copy = structuredClone(message)
    if (blocked.has(`${from}>${to}`) || blocked.has(`${to}>${from}`)) {
      link(from, to).held.push({message: copy, at: now})
      return
    }
    tcpDeliver(from, to, copy)
  }
  const releaseHeld = () => {
    for (const [key, l] of links) {
      const [from, to] = key.split('>').map(Number)
      if (blocked.has(`${from}>${to}`) || blocked.has(`${to}>${from}`) || l.held.length === 0) continue
      const held = l.held.filter((m) => now - m.at < 10_000)
      l.held = []
      for (const m of held) tcpDeliver(from, to, m.message)
    }
  }

  // ---- resources on a host, and the guard ----

  let opSeq = 0
  // Stops within the no-quorum stop budget (150 ms); starts as long as they like: one
  // under way when quorum goes is cancelled (its agent killed), then stopped.
  const latency = (agent: string, op: 'start' | 'stop') => agent.endsWith(':vip')
    ? random.int(0, 3)
    : op === 'start' ? random.int(5, 500) : random.int(2, 60)

  const guardStep = (h: Host, event: GuardEvent) => {
    const {state, outputs} = stepGuard(h.guard, event)
    h.guard = state
    for (const output of outputs) {
      if (output.type === 'exit') continue
      // Addresses go at once (ip addr del takes microseconds).
      for (const [id, r] of h.resources) if (r.agent.endsWith(':vip')) {
        h.resources.delete(id)
        count1('stops')
      }
      if (output.type === 'strip') continue
      count1('guardFired')
      const ids = output.stops.map((x) => x.id)
      trace(`${now}ms ${h.name} guard trips (${output.cause.kind}): stops ${ids.join(',') || 'nothing'}`)
      let left = ids.length
      const report = () => {
        const d = h.daemon
        if (d) runOnDaemon(h, d, () => d.exec.stoppedBehind(ids))
      }
      if (left === 0) report()
      for (const id of ids) {
        const r = h.resources.get(id)
        const op = ++opSeq
        if (r) h.resources.set(id, {...r, phase: 'stopping', op})
        atHost(h, r ? latency(r.agent, 'stop') : 0, () => {
          if (h.resources.get(id)?.op === op) h.resources.delete(id)
          if (--left === 0) report()
        })
      }
    }
  }
  /** What the daemon tells its guard before a start (and after a stop): everything active or starting here. */
  const hold = (h: Host, extra?: string) => {
    const ids = [...h.resources.entries()].filter(([, r]) => r.phase !== 'stopping').map(([id]) => id)
    if (extra && !ids.includes(extra)) ids.push(extra)
    const held: HeldInstance[] = ids.map((id) => ({id, ...(id === VIP ? {address: {ip: '10.213.0.100'}} : {}), stop: {file: '/bin/true', args: [], env: {}, timeoutMs: 1_000}}))
    guardStep(h, {type: 'hold', nowMs: mono(h), held})
  }
  /** The daemon (or its whole host) stops running now: the guard looks again when the lease has run out. */
  const feedStops = (h: Host) => {
    atHost(h, Math.max(0, h.guard.lastFeedMs + h.guard.leaseMs - mono(h)), () => guardStep(h, {type: 'tick', nowMs: mono(h)}))
  }

  const operate = (h: Host, d: Daemon, instance: string, agent: string, op: 'start' | 'stop', done: (outcome: 'ok' | 'failed' | 'cancelled') => void): () => void => {
    const id = ++opSeq
    let finished = false
    const finish = (outcome: 'ok' | 'failed' | 'cancelled') => {
      if (finished) return
      finished = true
      if (h.daemon === d) runOnDaemon(h, d, () => {
        if (op === 'stop') hold(h)
        done(outcome)
      })
    }
    if (op === 'start') {
      count1('starts')
      if (!d.ctl.view?.quorate) fail(`${h.name} starts ${instance} without quorum (view ${d.ctl.view?.viewId ?? 0})`)
      // The guard holds it before the agent runs.
      hold(h, instance)
      h.resources.set(instance, {phase: 'starting', agent, op: id})
      check()
    } else {
      count1('stops')
      const r = h.resources.get(instance)
      if (r) h.resources.set(instance, {...r, phase: 'stopping', op: id})
    }
    const ok = op === 'stop' || !random.chance(0.02)
    atHost(h, latency(agent, op), () => {
      const r = h.resources.get(instance)
      if (r?.op === id) {
        if (op === 'stop') h.resources.delete(instance)
        else r.phase = ok ? 'running' : 'failed'
      }
      check()
      finish(ok ? 'ok' : 'failed')
    })
    // Killing the agent of a start leaves the instance maybe half started: active until stopped.
    return () => {
      const r = h.resources.get(instance)
      if (finished || r?.op !== id) return
      h.resources.set(instance, {...r, phase: 'failed', op: ++opSeq})
      finish('cancelled')
    }
  }

  // ---- a daemon: membership + replication + controller ----

  const membershipConfig = (id: number): MembershipConfig => ({
    selfId: id, nodes, heartbeatMs: HEARTBEAT_MS, tokenMs: TOKEN_MS, linkLossMs: linkLossFor(TOKEN_MS), consensusMs: 100, settleMs: settleAfterToken(HEARTBEAT_MS), pauseMs: pauseFor(HEARTBEAT_MS),
    quorum: {nodes, twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 10_000, autoTieBreaker: false},
  })

  const armMembership = (h: Host, d: Daemon) => {
    // As MembershipService arms: one millisecond after the deadline.
    const at = now + Math.max(0, d.membership.nextDeadline(mono(h)) - mono(h)) + 1
    if (at >= d.memTickAt && d.memTickAt > now) return
    d.memTickAt = at
    atDaemon(h, d, at - now, () => {
      if (d.memTickAt !== at) return
      d.memTickAt = Infinity
      membershipStep(h, d, {type: 'tick'})
    })
  }

  const membershipStep = (h: Host, d: Daemon, event: Parameters<MembershipMachine['step']>[0]) => {
    stats.steps++
    d.memSteppedAt = now
    guardStep(h, {type: 'feed', nowMs: mono(h)})
    const ready = d.membership.step(event, mono(h))
    for (const out of ready.outbox) udp(h, d, out)
    for (const status of ready.notifications) onView(h, d, status)
    armMembership(h, d)
  }

  const onView = (h: Host, d: Daemon, status: ViewStatus) => {
    if (status.viewId < d.maxViewId) fail(`${h.name}: view id went back ${d.maxViewId} -> ${status.viewId}`)
    d.maxViewId = status.viewId
    const members = status.members.map((m) => m.id)
    const changed = members.filter((m) => !d.members.includes(m)).concat(d.members.filter((m) => !members.includes(m)))
    for (const id of changed) if (id !== h.id) resetLink(h.id, id)
    d.members = members
    d.status = status
    trace(`${now}ms ${h.name} view ${status.viewId} ${status.phase} [${members}] quorate=${status.quorate} dc=${status.dc}`)
    replicationStep(h, d, {type: 'view', view: {viewId: status.viewId, members, quorate: status.quorate, dc: status.dc ?? undefined, expectedVotes: status.expectedVotes, votes: Object.fromEntries(ids.map((id) => [id, 1]))}})
    controllerStep(h, d, {type: 'view', nowMs: mono(h), reachable: d.membership.freshPeers(mono(h)), peerFresh: d.membership.peerFreshIds(mono(h)), heardAgoMs: d.membership.peerHeardAgo(mono(h)), heardUsAgoMs: d.membership.peerHeardUsAgo(mono(h)), view: {viewId: status.viewId, quorate: status.quorate, dc: status.dc, members, expectedVotes: status.expectedVotes, incarnations: Object.fromEntries(status.members.map((m) => [m.id, m.inc]))}})
  }

  /** As the daemon: every 100 ms while replication is busy, every second once quiet. */
  const armReplication = (h: Host, d: Daemon) => {
    const r = d.replication
    const quiet = now - d.replActiveAt >= 2 * r.options.retransmitTicksMax * REPLICATION_TICK_MS && r.forwarded.length === 0 && (r.dc === undefined || isReady(r))
    const at = now + (quiet ? 1_000 : REPLICATION_TICK_MS)
    if (d.replTickAt > now && d.replTickAt <= at) return
    d.replTickAt = at
    atDaemon(h, d, at - now, () => {
      if (d.replTickAt !== at) return
      d.replTickAt = 0
      replicationStep(h, d, {type: 'tick'})
    })
  }

  const replicationStep = (h: Host, d: Daemon, event: ReplicationEvent) => {
    stats.steps++
    const {state, outputs} = stepReplication(d.replication, event)
    d.replication = state
    if (event.type !== 'tick' || outputs.some((o) => o.type !== 'send' || o.message.type !== 'commit')) d.replActiveAt = now
    armReplication(h, d)
    for (const output of outputs) {
      switch (output.type) {
        case 'send': tcp(h.id, output.to, {v: 1, ch: 'repl', m: output.message}); break
        case 'persist': {
          const fails = now < h.fsyncFailUntil
          const last = d.writing.at(-1)?.at ?? now
          const at = Math.max(last, now + random.int(1, 15))
          const w = {record: output.record, at, fails}
          d.writing.push(w)
          atHost(h, at - now, () => {
            if (h.daemon !== d || d.writing[0] !== w) return
            d.writing.shift()
            if (w.fails) {
              // As the daemon does: a failed persist is a fatal exit (74); systemd restarts it.
              trace(`${now}ms ${h.name} fsync failed (epoch ${w.record.config.epoch}): fatal exit`)
              d.writing = []
              killDaemon(h, 'fatal: state-io')
              agenda.push(now + random.int(500, 3_000), () => { if (h.state !== 'down' && !h.daemon) startDaemon(h) })
              return
            }
            landOnDisk(h, w.record)
            runOnDaemon(h, d, () => replicationStep(h, d, {type: 'persisted', position: positionOf(w.record)}))
          })
          break
        }
        case 'persistTerm': h.disk.term = output.term; break
        case 'reply': controllerStep(h, d, {type: 'write-reply', nowMs: mono(h), requestId: output.requestId, result: output.result}); break
        case 'configChanged': controllerStep(h, d, {type: 'committed', nowMs: mono(h), config: output.config}); break
        case 'ready':
          controllerStep(h, d, {type: 'ready', nowMs: mono(h), viewId: output.viewId, config: output.config})
          // Checked where it acts: the controller takes the readiness only in that view (a
          // ready of a view the membership left during a pause, seen after the pause check
          // that an earlier output of the same step ran, is dropped there).
          if (h.daemon === d && d.ctl.dcReady && d.ctl.view?.viewId === output.viewId) {
            const missing = holdsAcked(output.config, now)
            if (missing) fail(`${h.name} became DC (view ${output.viewId}) without acknowledged write ${missing}`)
          }
          break
      }
    }
  }

  const landOnDisk = (h: Host, record: StoredRecord) => {
    if (record.config.epoch < h.diskEpoch) fail(`${h.name}: epoch on disk went back ${h.diskEpoch} -> ${record.config.epoch}`)
    h.diskEpoch = record.config.epoch
    h.disk.record = record
  }

  const controllerStep = (h: Host, d: Daemon, event: ControllerEvent) => {
    // As the daemon does: the membership is stepped first, so a stale view is noticed
    // before acting (a step is a pause check only after a gap longer than the pause
    // threshold: skipping it sooner changes nothing and saves half the simulation's time).
    if (event.type !== 'view' && now - d.memSteppedAt > pauseFor(HEARTBEAT_MS) / 2) membershipStep(h, d, {type: 'tick'})
    if (h.daemon !== d) return
    stats.steps++
    const {state, outputs} = stepController(d.ctl, event)
    d.ctl = state
    if (state.config && state.config.epoch < d.maxEpoch) fail(`${h.name}: committed epoch went back ${d.maxEpoch} -> ${state.config.epoch}`)
    d.maxEpoch = Math.max(d.maxEpoch, state.config?.epoch ?? 0)
    for (const output of outputs) carryOut(h, d, output)
    const at = nextDeadline(d.ctl)
    if (at !== null) {
      const simAt = now + Math.max(0, at - mono(h))
      if (!(d.ctlTickAt > now && d.ctlTickAt <= simAt)) {
        d.ctlTickAt = simAt
        atDaemon(h, d, simAt - now, () => {
          if (d.ctlTickAt !== simAt) return
          d.ctlTickAt = 0
          controllerStep(h, d, {type: 'tick', nowMs: mono(h), reachable: d.membership.freshPeers(mono(h)), peerFresh: d.membership.peerFreshIds(mono(h)), heardUsAgoMs: d.membership.peerHeardUsAgo(mono(h))})
        })
      }
    }
  }

  const carryOut = (h: Host, d: Daemon, output: ControllerOutput) => {
    switch (output.type) {
      case 'send': tcp(h.id, output.to, output.message); break
      case 'replication-message': replicationStep(h, d, {type: 'message', from: output.from, message: output.message}); break
      case 'replicate': replicationStep(h, d, {type: 'clientWrite', requestId: output.requestId, edit: output.edit, ifEpoch: output.ifEpoch}); break
      case 'write-done': {
        const w = pendingClient.get(output.clientId)
        pendingClient.delete(output.clientId)
        if (!w) break
        trace(`${now}ms write-done ${output.clientId} ${output.result.ok ? `ok epoch ${output.result.config.epoch}` : `${output.result.error.code} ${output.result.error.outcome}`}`)
        if (w.slot === null) {
          setupState = output.result.ok ? 'done' : 'none'
          break
        }
        if (output.result.ok) {
          w.slot.busy = false
          w.slot.acked = {value: w.value, atMs: now}
          w.slot.maybe.clear()
          count1('writesAcked')
        } else if (output.result.error.outcome === 'not-applied') w.slot.busy = false
        else unanswered(w)
        break
      }
      case 'lrm-config': d.exec.setConfig(output.config); break
      case 'lrm-execute': d.exec.execute(output.action, (ok, resources) => controllerStep(h, d, {type: 'action-done', nowMs: mono(h), transitionId: output.transitionId, actionId: output.action.id, ok, resources})); break
      case 'lrm-full-report': d.exec.fullReport((epoch, resources) => controllerStep(h, d, {type: 'local-report', nowMs: mono(h), full: true, epoch, resources})); break
      case 'lrm-cleanup': d.exec.cleanup(output.resource, () => controllerStep(h, d, {type: 'cleanup-done', nowMs: mono(h)})); break
      case 'lrm-stop-all': {
        if (output.reason === 'no quorum') {
          guardStep(h, {type: 'strip', nowMs: mono(h)})
          d.exec.cancelStarts()
        }
        const started = mono(h)
        d.exec.stopAll(output.reason, (active) => controllerStep(h, d, {type: 'stopped-all', nowMs: mono(h), reason: output.reason, durationMs: mono(h) - started, active}))
        break
      }
      case 'fence': {
        count1('fences')
        const target = hosts.get(Number(output.node.slice(1)))!
        trace(`${now}ms ${h.name} fences ${output.node}`)
        // Fencing a node that left cleanly is wrong while a member that recorded it still runs.
        const witness = [...target.leftCleanly ?? []].find(([id, inc]) => hosts.get(id)!.daemon?.inc === inc)
        if (witness) fail(`${h.name} fences ${target.name}, which left cleanly (n${witness[0]} recorded it and still runs)`)
        // The agent reports success only once the host is really off.
        atDaemon(h, d, random.int(20, 300), () => {
          powerOff(target, 'fenced')
          agenda.push(now + random.int(2_000, 6_000), () => boot(target))
          controllerStep(h, d, {type: 'fence-result', nowMs: mono(h), node: output.node, transitionId: output.transitionId, actionId: output.actionId, ok: true})
        })
        break
      }
      case 'publish-status': {
        // What the shell builds from the books: who holds what, who is unclean.
        const o = d.ctl.orchestrator
        const resources: Record<string, string[]> = {}
        for (const [name, book] of Object.entries(o.nodes)) {
          if (!book.online) continue
          for (const [id, r] of Object.entries(book.resources)) if (r.role === 'started' || r.role === 'failed') (resources[id] ??= []).push(name)
        }
        const status = {
          viewId: d.ctl.view?.viewId ?? 0,
          nodes: Object.entries(o.nodes).map(([name, b]) => ({name, unclean: b.unclean && !b.fenced})),
          resources: Object.entries(resources).map(([id, on]) => ({id, role: 'started', nodes: on})),
        }
        const state = {nowMs: o.nowMs, quorate: o.quorate, nodes: {}, resources: {}}
        for (const to of output.to) tcp(h.id, to, {v: 1, ch: 'dc', viewId: status.viewId, m: {t: 'status', status, state}})
        break
      }
      case 'dc-status': break
      case 'leave-membership': {
        trace(`${now}ms ${h.name} daemon leaves (${output.clean ? 'clean' : 'not clean'})`)
        h.daemon = null
        h.leftCleanly = output.clean ? new Map((d.ctl.view?.members ?? []).filter((id) => id !== h.id && hosts.get(id)!.daemon).map((id) => [id, hosts.get(id)!.daemon!.inc])) : null
        for (const id of ids) resetLink(h.id, id)
        for (const [k, w] of pendingClient) if (w.host === h.id) { pendingClient.delete(k); unanswered(w) }
        guardStep(h, {type: 'release', nowMs: mono(h)})
        agenda.push(now + random.int(500, 5_000), () => { if (h.state !== 'down' && !h.daemon) startDaemon(h) })
        break
      }
      case 'log':
        if (output.level === 'crit' || output.level === 'error') trace(`${now}ms ${h.name} ${output.level} ${output.event} ${JSON.stringify(output.fields)}`)
        if (output.event === 'transition') count1('transitions')
        if (/write|declared|transition$|dispatch|no-quorum|leave|seed/.test(output.event)) trace(`${now}ms ${h.name} ${output.event} ${JSON.stringify(output.fields)}`)
        break
    }
  }

  const startDaemon = (h: Host) => {
    const inc = nextInc++
    const ctl = initialController({
      ...CONTROLLER_DEFAULTS, selfId: h.id, nodes, tokenMs: TOKEN_MS, heartbeatMs: HEARTBEAT_MS, evictAfterMs: TOKEN_MS + settleAfterToken(HEARTBEAT_MS),
      requestIdPrefix: `${h.id}-${inc}`,
    }, mono(h))
    const d: Daemon = {
      inc, paused: false, buffer: [], membership: new MembershipMachine(membershipConfig(h.id), inc), memTickAt: 0, memSteppedAt: 0,
      replication: initialState(h.id, {record: h.disk.record, promisedTerm: h.disk.term}), replTickAt: 0, replActiveAt: now, ctl, ctlTickAt: 0,
      exec: null as unknown as MemoryExecutor, status: null, members: [], maxViewId: 0, maxEpoch: 0, writing: [], seq: 0,
    }
    d.exec = new MemoryExecutor({
      later: (ms, run) => atDaemon(h, d, ms, run),
      now: () => mono(h),
      operate: (instance, agent, op, done) => operate(h, d, instance, agent, op, done),
      probe: (instance) => {
        const r = h.resources.get(instance)
        return r === undefined ? 'stopped' : r.phase === 'failed' ? 'failed' : 'running'
      },
      probeLatencyMs: () => random.int(1, 20),
    })
    d.exec.onChange((update) => controllerStep(h, d, {type: 'local-report', nowMs: mono(h), full: false, epoch: d.ctl.config?.epoch ?? 0, resources: update}))
    h.daemon = d
    trace(`${now}ms ${h.name} daemon starts (inc ${inc})`)
    // The daemon takes over the running guard before anything can start.
    guardStep(h, {type: 'hello', nowMs: mono(h), leaseMs: LEASE_MS})
    h.leftCleanly = null
    if (h.disk.record) controllerStep(h, d, {type: 'committed', nowMs: mono(h), config: h.disk.record.config})
    membershipStep(h, d, {type: 'tick'})
    armReplication(h, d)
  }

  const killDaemon = (h: Host, why: string) => {
    const d = h.daemon
    if (!d) return
    trace(`${now}ms ${h.name} daemon killed (${why})`)
    // Writes handed to the kernel land (the host is up); nothing is reported.
    for (const w of d.writing) if (!w.fails) landOnDisk(h, w.record)
    h.daemon = null
    for (const id of ids) resetLink(h.id, id)
    for (const [k, w] of pendingClient) if (w.host === h.id) { pendingClient.delete(k); unanswered(w) }
    guardStep(h, {type: 'disconnect', nowMs: mono(h)})
  }

  const powerOff = (h: Host, why: string) => {
    if (h.state === 'down') return
    trace(`${now}ms ${h.name} powered off (${why})`)
    const d = h.daemon
    if (d) {
      // Of the writes in flight, a random prefix reached the disk.
      const done = random.int(0, d.writing.length)
      for (const w of d.writing.slice(0, done)) if (!w.fails) landOnDisk(h, w.record)
    }
    h.daemon = null
    h.state = 'down'
    h.boot++
    h.resources.clear()
    h.hostBuffer = []
    h.guard = initialGuard(LEASE_MS)
    for (const id of ids) resetLink(h.id, id)
    for (const [k, w] of pendingClient) if (w.host === h.id) { pendingClient.delete(k); unanswered(w) }
    check()
  }

  const boot = (h: Host) => {
    if (h.state !== 'down') return
    h.state = 'up'
    h.boot++
    h.monoBase = random.int(0, 1e9) - now
    trace(`${now}ms ${h.name} boots`)
    startDaemon(h)
  }

  const resumeDaemon = (h: Host, d: Daemon) => {
    if (h.daemon !== d || !d.paused) return
    d.paused = false
    trace(`${now}ms ${h.name} daemon resumes`)
    if (h.state !== 'up') return
    for (const run of d.buffer.splice(0)) runOnDaemon(h, d, run)
  }

  const resumeHost = (h: Host, boot: number) => {
    if (h.boot !== boot || h.state !== 'paused') return
    h.state = 'up'
    h.resumedAt = now
    trace(`${now}ms ${h.name} host resumes`)
    for (const run of h.hostBuffer.splice(0)) run()
    guardStep(h, {type: 'tick', nowMs: mono(h)})
    const d = h.daemon
    if (d && !d.paused) for (const run of d.buffer.splice(0)) runOnDaemon(h, d, run)
  }

  // ---- the invariant ----

  const graceMs = TOKEN_MS + NO_QUORUM_STOP_BUDGET_MS
  function check(): void {
    const holders = new Map<string, Host[]>()
    for (const h of hosts.values()) {
      if (h.state === 'down') continue
      for (const id of h.resources.keys()) (holders.get(id) ?? holders.set(id, []).get(id)!).push(h)
    }
    for (const [id, on] of holders) {
      if (on.length < 2) continue
      const frozen = on.filter((h) => h.state === 'paused' || now < h.resumedAt + graceMs)
      if (!fencing && frozen.length > 0 && on.length - frozen.length <= 1) {
        count1('exceptionOverlaps')
        continue
      }
      fail(`${id} active on ${on.map((h) => `${h.name}(${h.resources.get(id)!.phase}${h.state === 'paused' ? ', host paused' : ''})`).join(' and ')}`)
    }
  }

  // ---- the cluster's configuration and its clients ----

  const clientWrite = (h: Host, edit: ConfigEdit, slot: Slot | null, value: string): boolean => {
    const d = h.daemon
    if (!d || h.state !== 'up' || d.paused) return false
    const clientId = `w${++writeSeq}`
    pendingClient.set(clientId, {slot, value, host: h.id})
    if (slot) {
      slot.busy = true
      slot.pending = value
    }
    controllerStep(h, d, {type: 'client-write', nowMs: mono(h), clientId, edit})
    return true
  }

  const setup = (h: Host) => {
    const add = (id: string, agent: string, group?: string): ConfigEdit => ({op: 'resource.add', resource: {id, agent, params: {}, meta: {}, operations: [], utilization: {}}, ...(group ? {group} : {})})
    const edits: ConfigEdit[] = [add(VIP, 'ocf:hactl:vip'), ...GROUP.map((id) => add(id, 'ocf:hactl:dummy', 'grp'))]
    if (fencing) edits.push(add('fence-sim', 'fence:fence_sim'), {op: 'property.set', properties: {'stonith-enabled': 'true'}})
    else edits.push({op: 'property.set', properties: {'stonith-enabled': 'false'}})
    if (options.noQuorumPolicy) edits.push({op: 'property.set', properties: {'no-quorum-policy': options.noQuorumPolicy}})
    setupState = 'pending'
    if (!clientWrite(h, {op: 'batch', edits}, null, 'setup')) setupState = 'none'
  }

  // ---- chaos ----

  const pick = <T>(items: T[]): T | undefined => items.length === 0 ? undefined : random.pick(items)
  const up = () => [...hosts.values()].filter((h) => h.state === 'up')
  const heal = () => {
    blocked.clear()
    loss = baseLoss
    releaseHeld()
  }

  const chaos = () => {
    if (chaosStopped) return
    const h = pick(up())
    const roll = random.int(0, 16)
    switch (roll) {
      case 0: case 1: {
        const side = new Set(ids.filter(() => random.chance(0.5)))
        for (const x of ids) for (const y of ids) if (side.has(x) !== side.has(y)) blocked.add(`${x}>${y}`)
        trace(`${now}ms partition [${[...side]}] | rest`)
        break
      }
      case 2: {
        const a = random.pick(ids)
        const b = random.pick(ids.filter((id) => id !== a))
        blocked.add(`${a}>${b}`)
        trace(`${now}ms one-way cut ${a} -> ${b}`)
        break
      }
      case 3: case 4: heal(); trace(`${now}ms links healed`); break
      case 5: if (h) { powerOff(h, 'crash'); const t = h; agenda.push(now + random.int(1_000, 8_000), () => boot(t)) } break
      case 6: case 7: if (h?.daemon) {
        killDaemon(h, 'kill -9')
        const t = h
        agenda.push(now + random.int(200, 5_000), () => { if (t.state !== 'down' && !t.daemon) startDaemon(t) })
      } break
      case 8: case 9: if (h?.daemon && !h.daemon.paused) {
        const d = h.daemon
        const ms = random.int(200, 3_000)
        d.paused = true
        feedStops(h)
        trace(`${now}ms ${h.name} daemon paused for ${ms}ms`)
        const t = h
        agenda.push(now + ms, () => resumeDaemon(t, d))
      } break
      case 10: if (h) {
        const ms = random.int(200, 3_000)
        if (h.daemon && !h.daemon.paused) feedStops(h)
        h.state = 'paused'
        trace(`${now}ms ${h.name} host paused for ${ms}ms`)
        const t = h
        const b = h.boot
        agenda.push(now + ms, () => resumeHost(t, b))
      } break
      case 11: loss = random.next() * 0.3; trace(`${now}ms loss ${(loss * 100).toFixed(1)}%`); break
      case 12: if (h) { const step = random.chance(0.5) ? 3_600_000 : -3_600_000; h.wallOffsetMs += step; trace(`${now}ms ${h.name} wall clock stepped ${step}ms`) } break
      case 14: if (h?.daemon && !h.daemon.paused && h.daemon.ctl.leave.phase === 'none') {
        trace(`${now}ms ${h.name} cluster stop`)
        const d = h.daemon
        controllerStep(h, d, {type: 'shutdown', nowMs: mono(h), reason: 'requested', budgetMs: 5_000})
      } break
      case 13: if (h) { h.fsyncFailUntil = now + random.int(500, 3_000); trace(`${now}ms ${h.name} fsync fails until ${h.fsyncFailUntil}ms`) } break
      default: break
    }
    check()
    agenda.push(now + random.int(300, 3_000), chaos)
  }

  const writer = () => {
    if (chaosStopped) return
    const h = pick(up())
    if (h && setupState === 'none') setup(h)
    else if (h && setupState === 'done') {
      const slot = pick(slots.filter((x) => !x.busy))
      const value = String(writeSeq + 1)
      if (slot) clientWrite(h, {op: 'node.attribute', name: 'n1', attributes: {[slot.key]: value}}, slot, value)
    }
    agenda.push(now + random.int(1_000, 6_000), writer)
  }

  for (const id of ids) {
    const h: Host = {
      id, name: `n${id}`, state: 'down', boot: 0, monoBase: 0, wallOffsetMs: 0, resources: new Map(), guard: initialGuard(LEASE_MS), leftCleanly: null,
      hostBuffer: [], resumedAt: -Infinity, disk: {record: undefined, term: undefined}, diskEpoch: 0, fsyncFailUntil: 0, daemon: null,
    }
    hosts.set(id, h)
    agenda.push(random.int(0, 200), () => boot(h))
  }
  let healedForEnd = false
  let chaosStopped = false
  const chaosStart = 3_000
  const chaosEnd = Math.max(chaosStart, durationMs - 15_000)
  agenda.push(chaosStart, chaos)
  agenda.push(1_000, writer)

  try {
    let sameInstant = 0
    for (let item = agenda.pop(); item && item.at <= durationMs; item = agenda.pop()) {
      sameInstant = item.at === now ? sameInstant + 1 : 0
      // A daemon that keeps asking to be woken at the same instant would spin its CPU.
      if (sameInstant > 100_000) fail('livelock: 100,000 events at one instant (a deadline that never moves on)')
      now = item.at
      if (now >= chaosEnd && !healedForEnd) {
        healedForEnd = true
        endChaos()
      }
      item.run()
      check()
    }
    finalCheck()
    return {seed: options.seed, ok: true, summary, simulatedMs: durationMs, stats}
  } catch (error) {
    if (!(error instanceof Violation)) throw error
    return {seed: options.seed, ok: false, violation: error.message, atMs: now, summary, simulatedMs: now, stats}
  }

  // Near the end: no more faults, every host up and running, links healed; then every
  // node must have every acknowledged write.
  function endChaos(): void {
    trace(`${now}ms end of chaos: heal everything`)
    heal()
    for (const h of hosts.values()) {
      if (h.state === 'paused') resumeHost(h, h.boot)
      if (h.daemon?.paused) resumeDaemon(h, h.daemon)
      if (h.state === 'down') boot(h)
      else if (!h.daemon) startDaemon(h)
      h.fsyncFailUntil = 0
    }
    chaosStopped = true
  }
  function finalCheck(): void {
    if (durationMs - chaosEnd < 15_000) return
    for (const h of hosts.values()) {
      const config = h.daemon?.ctl.config
      const missing = config ? holdsAcked(config, now) : 'no configuration'
      if (missing) fail(`${h.name} lacks acknowledged write ${missing} after healing (epoch ${config?.epoch})`)
    }
  }
}
