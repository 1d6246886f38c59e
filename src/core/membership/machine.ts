// The membership state machine, in the style of etcd's raft RawNode: no socket,
// no clock, no randomness. The owner calls step(event, now) for every received
// packet and on a timer; each call returns packets to send and status changes.
//
// The protocol in brief (see README "Membership" for the full argument):
// - Everyone multicasts a heartbeat every heartbeatMs listing the peers it heard,
//   each with the sequence number of its last packet (an echo: one lost packet
//   costs one heartbeat, not a round trip) and how long ago it arrived. A peer is
//   *alive* while a round trip succeeded within tokenMs: I heard it and it
//   recently heard me (this is mutual, so a one-way link fails both ends).
// - Detection (SWIM-like vouching, without probe packets): a peer is *suspected*
//   when nobody heard it within tokenMs: neither we nor any node that reported
//   since. A crashed or isolated node is suspected by all one token after its
//   last packet; a node behind one lossy link is vouched for by the others. A
//   link stays *fresh* (usable in a view) while a round trip succeeded within
//   linkLossMs (2 tokens) and the peer is not suspected: a lasting partial or
//   one-way cut still evicts one end, later.
// - Self-check: a node stays in a quorate view only while the members alive to it
//   (plus itself) would be quorate. A node cut off from a quorum therefore leaves
//   within one token of the last round trip with each of them, which is what the
//   others wait for (settle) before they agree without it.
// - The lowest-id node of a fresh set coordinates: it proposes a view (a clique
//   of mutually fresh nodes) with an id above every id it has seen; members
//   accept it (never an id at or below one they accepted), then acknowledge once
//   every node that might still use an older view together with them has
//   provably stopped (it told us so, or our silence has lasted long enough that
//   its own token expired); when all members acknowledged, the coordinator
//   installs the view, and its next heartbeat is the commit.
// - A usable node drops to gathering as soon as a member goes stale, leaves, or
//   when it finds it was paused. Only a usable node is ever quorate.
import {assert} from '../assert.js'
import {afterStable, evaluateQuorum, onViewInstalled, type QuorumHistory, type QuorumResult} from '../quorum/votequorum.js'
import type {MembershipConfig} from './config.js'
import {AGE_MS_MAX, type Event, type Heartbeat, type HeardPeer, type Incoming, type Member, type Message, type Outgoing, type Phase, type Ready, type View, type ViewKey, type ViewStatus} from './types.js'

interface PeerRecord {
  id: number
  inc: number
  /** {id, inc}: this incarnation as a view member (one object per record, shared by the views that hold it). */
  member: Member
  lastSeq: number
  heardAt: number
  /** When the peer last heard us, as far as we can tell (-Infinity: it does not). */
  heardUsAt: number
  report: {view: ViewKey, phase: Phase, seenAll: boolean, promised: boolean}
  freshIds: Set<number>
  /** What the peer vouches for: per node it reported, that node's incarnation and when (our clock, at the latest) the peer last heard it. */
  vouches: Map<number, {inc: number, at: number}>
  /** Smoothed round-trip time of the link, ms (undefined before the first echo). */
  rttMs: number | undefined
}

interface Entanglement {
  view: View
  uncleared: Set<number>
}

interface Round {
  view: View
  startedAt: number
  lastSentAt: number
}

const NO_VIEW: ViewKey = {id: 0, coord: 0}
const NO_MEMBERS: readonly Member[] = Object.freeze([])
/** What a step that sent nothing and changed nothing returns (most steps of an idle node): nothing allocated. */
const NOTHING: Ready = Object.freeze({outbox: Object.freeze([]) as unknown as Outgoing[], notifications: Object.freeze([]) as unknown as ViewStatus[]})

/** What the last notification said, to tell whether the view or quorum changed since. */
interface Notified {
  viewId: number
  usable: boolean
  members: readonly Member[]
  quorate: boolean
  expectedVotes: number
}
const SEQ_MASK = 0x7fffffff
const SENT_MEMORY = 1024

/** An age for the wire: AGE_MS_MAX means never (or too long ago to matter). */
function ageMs(ms: number): number {
  return Number.isFinite(ms) ? Math.min(AGE_MS_MAX - 1, Math.max(0, Math.round(ms))) : AGE_MS_MAX
}

export function sameKey(a: ViewKey, b: ViewKey): boolean {
  return a.id === b.id && a.coord === b.coord
}

function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  return a.length === b.length && a.every((m, i) => m.id === b[i].id && m.inc === b[i].inc)
}

export class MembershipMachine {
  config: MembershipConfig
  readonly self: Member
  private readonly peers = new Map<number, PeerRecord>()
  /** The keys of `peers`, ascending (records are never removed). */
  private readonly peerIds: number[] = []
  private readonly votes: Map<number, number>
  private phase: Phase = 'gathering'
  private installed: View | null = null
  private installedAt = 0
  private pending: View | null = null
  /** The latest view key accepted or installed; ids only grow. */
  private current: ViewKey = NO_VIEW
  private maxSeen: ViewKey = NO_VIEW
  /** `current` is only a promise (see promise()), not a view we accepted. */
  private promised = false
  private entangled: Entanglement[] = []
  private round: Round | null = null
  private cliqueShortSince: number | undefined
  private history: QuorumHistory = {seenAll: false}
  private lastNow: number | undefined
  /**
   * No view is quorate before this local time: token + settle after the first step.
   * A restarted node does not know the views its previous incarnation was in; by
   * then every peer has dropped that incarnation (it was last heard before this
   * one started), so a quorate view of this one can never overlap one of the old.
   */
  private quorateFrom: number | undefined
  private nextHeartbeatAt = 0
  private lastNotified: Notified | undefined
  /** evaluateQuorum of the installed view under `history`, recomputed when either changes. */
  private quorumCache: {view: View | null, history: QuorumHistory, result: QuorumResult} | undefined
  /** Why we last left a view, for the logs. */
  private reason = 'startup'
  private outbox: Outgoing[] = []
  private seq = 0
  /** When we sent each recent sequence number (insertion-ordered, bounded). */
  private readonly sentAt = new Map<number, number>()
  private notifications: ViewStatus[] = []
  /** When we began to suspect each peer: it stays suspected until heard (or vouched for) after that. */
  private readonly suspectedSince = new Map<number, number>()

  constructor(config: MembershipConfig, incarnation: number) {
    this.config = config
    this.self = {id: config.selfId, inc: incarnation}
    this.votes = new Map(config.nodes.map((n) => [n.id, n.votes]))
  }

  /**
   * Live node add/remove (hactl node add|remove): the node list and quorum options
   * change; every later quorum evaluation uses them. Packets of a node no longer
   * listed are dropped from now on; its record goes. Peers stay as they are.
   */
  setNodes(nodes: ReadonlyArray<{id: number, votes: number}>, quorum: MembershipConfig['quorum']): void {
    this.config = {...this.config, nodes: [...nodes], quorum}
    this.votes.clear()
    for (const n of nodes) this.votes.set(n.id, n.votes)
    for (const id of [...this.peers.keys()]) if (!this.votes.has(id)) this.peers.delete(id)
    // The cached quorum of the installed view was computed with the old votes and quorum options.
    this.quorumCache = undefined
  }

  /** The one entry point: a tick or a received packet, at local monotonic time `now` (ms). */
  step(event: Event, now: number): Ready {
    this.quorateFrom ??= now + this.config.tokenMs + this.config.settleMs
    this.checkPause(now)
    this.lastNow = now
    if (event.type === 'receive') this.receive(event.packet, now)
    this.advance(now)
    if (this.outbox.length === 0 && this.notifications.length === 0) return NOTHING
    const ready = {outbox: this.outbox, notifications: this.notifications}
    this.outbox = []
    this.notifications = []
    return ready
  }

  status(): ViewStatus {
    const members = this.installed?.members ?? []
    const result = this.installedQuorum()
    const quorate = this.quorateNow(result)
    return {
      viewId: this.installed?.id ?? 0,
      phase: this.phase,
      members,
      quorate,
      dc: quorate ? Math.min(...members.map((m) => m.id)) : null,
      expectedVotes: result.expectedVotes,
      totalVotes: this.phase === 'usable' ? result.totalVotes : this.votes.get(this.self.id) ?? 0,
      quorum: result.quorum,
      reason: this.reason,
    }
  }

  /**
   * The next local time (ms) at which a tick could change anything: a heartbeat
   * or a proposal is due, a fresh link expires, an entangled peer settles, a
   * hold-back or a round ends, last_man_standing's window passes. The owner may
   * sleep until then (any packet steps the machine anyway) instead of ticking on a
   * fixed period; a tick earlier than this changes nothing but the pause check.
   * Never later than half the pause threshold after the last step, so that a
   * quiet network is never mistaken for a pause. Pure: reads the state only.
   */
  nextDeadline(now: number): number {
    const {tokenMs, settleMs, consensusMs, heartbeatMs, pauseMs} = this.config
    let next = (this.lastNow ?? now) + pauseMs / 2
    // Times already past were handled by the last step (or never matter again).
    const consider = (at: number) => {
      if (at >= now && at < next) next = at
    }
    if (this.quorateFrom !== undefined) consider(this.quorateFrom)
    consider(this.nextHeartbeatAt)
    for (const record of this.peers.values()) {
      const roundTrip = Math.min(record.heardAt, record.heardUsAt)
      consider(roundTrip + tokenMs)
      consider(roundTrip + this.config.linkLossMs)
      consider(record.heardAt + tokenMs)
      for (const v of record.vouches.values()) consider(v.at + tokenMs)
    }
    for (const e of this.entangled) {
      for (const id of e.uncleared) {
        const record = this.peers.get(id)
        if (record) consider(record.heardAt + tokenMs + settleMs)
      }
    }
    if (this.cliqueShortSince !== undefined) consider(this.cliqueShortSince + consensusMs)
    if (this.round) {
      consider(this.round.lastSentAt + heartbeatMs)
      consider(this.round.startedAt + consensusMs + tokenMs)
    }
    if (this.phase === 'usable' && this.config.quorum.lastManStanding) consider(this.installedAt + this.config.quorum.lastManStandingWindowMs)
    return Math.max(next, now)
  }

  /**
   * For each peer whose link is fresh now, the peers it reported fresh links to in
   * its last heartbeat, less those nobody heard within the token. A node waiting
   * out a non-quorate view reads this to tell a majority that will stay with it
   * (nobody it reaches reaches anyone else) from one that may form a view without it.
   *
   * Why the last filter: a peer keeps reporting a dead node fresh until it suspects
   * it itself, and the survivors' suspicions of one crash (or one clean leave) are
   * apart by their receive delays, tens of ms on a loaded host. A node that can
   * still join a view with that peer is one that peer, or some node reporting to
   * us, heard within the token: the peer's own report says when it last heard it
   * (its vouch), and so do the others'. Any incarnation counts, and the vouch
   * times err late (receive time less the age), so the filter errs toward keeping.
   */
  peerFreshIds(now: number): Record<number, number[]> {
    const out: Record<number, number[]> = {}
    for (const [id, record] of this.peers) {
      if (!this.isFresh(id, now)) continue
      const ids: number[] = []
      for (const other of record.freshIds) if (other === this.self.id || this.heardByAnyoneSince(other, now - this.config.tokenMs)) ids.push(other)
      out[id] = ids.sort((a, b) => a - b)
    }
    return out
  }

  /** We, or a peer in its last report, heard `id` (any incarnation) at `since` or later. */
  private heardByAnyoneSince(id: number, since: number): boolean {
    if ((this.peers.get(id)?.heardAt ?? -Infinity) >= since) return true
    for (const record of this.peers.values()) {
      const v = record.vouches.get(id)
      if (v && v.at >= since) return true
    }
    return false
  }

  /**
   * How long ago (ms) each peer was last heard from, for the DC's lost-node times:
   * a view without a node may be agreed soon after it was last heard when the node
   * itself said it left the old view, so the view's time alone does not bound it.
   */
  peerHeardAgo(now: number): Record<number, number> {
    const out: Record<number, number> = {}
    for (const [id, record] of this.peers) if (Number.isFinite(record.heardAt)) out[id] = Math.max(0, now - record.heardAt)
    return out
  }

  /**
   * How long ago (ms) each peer heard this node at the latest: the send time of our
   * packet its last heartbeat echoed (it heard that packet after we sent it). A
   * lower bound on its own record of us, unlike the fresh flag, which lasts two tokens.
   */
  peerHeardUsAgo(now: number): Record<number, number> {
    const out: Record<number, number> = {}
    for (const [id, record] of this.peers) if (Number.isFinite(record.heardUsAt)) out[id] = Math.max(0, now - record.heardUsAt)
    return out
  }

  /**
   * Whether the installed view would stay quorate without `ids` (under the same
   * quorum history): what stopping those nodes leaves (pcs refuses a stop that
   * loses quorum without --force). False when this node is in no quorate view.
   */
  quorateWithout(ids: readonly number[]): boolean {
    if (!this.quorateNow(this.installedQuorum())) return false
    const left = this.installed!.members.map((m) => m.id).filter((id) => !ids.includes(id))
    return evaluateQuorum(this.config.quorum, this.history, left).quorate
  }

  /** Ids of peers whose link is fresh now, ascending. */
  freshPeers(now: number): number[] {
    const out: number[] = []
    for (const id of this.peerIds) if (this.isFresh(id, now)) out.push(id)
    return out
  }

  /**
   * The smoothed round-trip time of the link to `id`, ms, measured on heartbeat
   * echoes (the peer's hold time subtracted); undefined before the first echo or
   * once the peer is no longer heard within linkLossMs.
   */
  rttMs(id: number, now: number): number | undefined {
    const record = this.peers.get(id)
    if (!record || record.heardAt < now - this.config.linkLossMs) return undefined
    return record.rttMs
  }

  /** Numbers every datagram this node sends (the owner uses it for application datagrams too). */
  allocateSeq(now: number): number {
    this.seq++
    this.sentAt.set(this.seq & SEQ_MASK, now)
    if (this.sentAt.size > SENT_MEMORY) this.sentAt.delete(this.sentAt.keys().next().value!)
    return this.seq
  }

  private send(to: number | 'all', msg: Message, now: number): void {
    this.outbox.push({to, msg, seq: this.allocateSeq(now)})
  }

  currentKey(): ViewKey {
    return this.current
  }

  // ---- receive path ----

  private receive(packet: Incoming, now: number): void {
    if (packet.from === this.self.id || !this.votes.has(packet.from)) return
    // Incarnations grow across restarts: a packet of an older one is a leftover.
    const known = this.peers.get(packet.from)
    if (known && packet.inc < known.inc) return
    const record = this.recordOf(packet)
    if (packet.msg.type === 'heartbeat') this.onHeartbeat(record, packet.msg, packet.seq, now)
    else this.onProposal(packet.from, packet.msg.view, now)
  }

  private recordOf(packet: Incoming): PeerRecord {
    let record = this.peers.get(packet.from)
    if (record && record.inc !== packet.inc) {
      // A new incarnation: the old process is gone, it can use no view any more.
      this.forgetIncarnation(packet.from, record.inc)
      record = undefined
    }
    if (!record) {
      record = {id: packet.from, inc: packet.inc, member: {id: packet.from, inc: packet.inc}, lastSeq: -1, heardAt: -Infinity, heardUsAt: -Infinity, report: {view: NO_VIEW, phase: 'gathering', seenAll: false, promised: false}, freshIds: new Set(), vouches: new Map(), rttMs: undefined}
      if (!this.peers.has(packet.from)) {
        let at = this.peerIds.length
        while (at > 0 && this.peerIds[at - 1] > packet.from) at--
        this.peerIds.splice(at, 0, packet.from)
      }
      this.peers.set(packet.from, record)
    }
    return record
  }

  private forgetIncarnation(id: number, inc: number): void {
    for (const e of this.entangled) if (e.view.members.some((m) => m.id === id && m.inc === inc)) e.uncleared.delete(id)
  }

  private onHeartbeat(record: PeerRecord, hb: Heartbeat, seq: number, now: number): void {
    if (seq <= record.lastSeq) return
    record.lastSeq = seq
    record.heardAt = now
    const me = hb.peers.find((p) => p.id === this.self.id && p.inc === this.self.inc)
    const sent = me ? this.sentAt.get(me.seq & SEQ_MASK) : undefined
    record.heardUsAt = sent ?? -Infinity
    if (sent !== undefined && me!.heldMs < AGE_MS_MAX) {
      // The echo's delay less the time the peer held our packet: one round trip on the wire.
      const sample = Math.max(0, now - sent - me!.heldMs)
      record.rttMs = record.rttMs === undefined ? sample : record.rttMs + (sample - record.rttMs) / 8
    }
    // In place: the record is this machine's own (nothing outside holds its report or sets).
    const report = record.report
    report.view = hb.view
    report.phase = hb.phase
    report.seenAll = hb.seenAll
    report.promised = hb.promised
    record.freshIds.clear()
    for (const p of hb.peers) if (p.fresh) record.freshIds.add(p.id)
    record.vouches.clear()
    for (const p of hb.peers) if (p.id !== this.self.id && p.heldMs < AGE_MS_MAX) record.vouches.set(p.id, {inc: p.inc, at: now - p.heldMs})
    this.see(hb.view)
    // The commit: a member is usable in the view we acknowledged, so all acknowledged it.
    if (this.phase === 'acked' && this.pending && hb.phase === 'usable' && sameKey(hb.view, this.pending)) this.install(this.pending, now)
  }

  private onProposal(from: number, view: View, now: number): void {
    this.see(view)
    if (this.pending && sameKey(this.pending, view)) return
    const allowed = view.id > this.current.id || (this.promised && sameKey(view, this.current))
    if (!allowed || view.coord !== from) return
    if (view.members.length === 0 || view.members[0].id !== from) return
    if (!view.members.some((m) => m.id === this.self.id && m.inc === this.self.inc)) return
    const fits = view.members.every((m) => m.id === this.self.id || (this.peers.get(m.id)?.inc === m.inc && this.isFresh(m.id, now)))
    // A view we would leave at once (we lack round trips with a quorum of it) is not accepted:
    // accepting and leaving on every proposal would only restart the round again and again.
    if (!fits || this.quorumUnreached(view, now)) return
    this.accept(view, now)
  }

  // ---- the periodic part, run after every event ----

  private advance(now: number): void {
    this.updateSuspicions(now)
    this.dropStaleView(now)
    this.checkMemberReports()
    this.promise()
    this.pruneEntanglements(now)
    if (this.phase === 'accepted' && this.pending && this.clearedFor(this.pending)) this.setPhase('acked')
    this.coordinate(now)
    this.stableQuorum(now)
    if (now >= this.nextHeartbeatAt) this.sendHeartbeat(now)
    this.notifyIfChanged()
  }

  /**
   * A gathering node promises never to accept a proposal below the highest
   * view it has seen (nor one with that id from another coordinator). Its
   * reports then prove to others that it cannot join an older, abandoned
   * proposal, which lets them acknowledge a new one.
   */
  private promise(): void {
    if (this.phase !== 'gathering' || this.maxSeen.id <= this.current.id) return
    this.current = this.maxSeen
    this.promised = true
    this.nextHeartbeatAt = 0
  }

  private see(key: ViewKey): void {
    if (key.id > this.maxSeen.id) this.maxSeen = {id: key.id, coord: key.coord}
  }

  private checkPause(now: number): void {
    if (this.lastNow === undefined || now - this.lastNow <= this.config.pauseMs) return
    // We were stopped: anything we believe may be stale, and packets waiting in
    // the socket are old. Only a new agreement makes us usable again.
    if (this.phase !== 'gathering') this.gather('paused')
  }

  private dropStaleView(now: number): void {
    const view = this.phase === 'usable' ? this.installed : this.pending
    if (!view || this.phase === 'gathering') return
    const lost = view.members.some((m) => m.id !== this.self.id && (this.peers.get(m.id)?.inc !== m.inc || !this.isFresh(m.id, now)))
    if (lost || this.quorumUnreached(view, now)) this.gather('member-lost')
  }

  /** A member that moved on (left, gathered, accepted something newer) breaks our view. */
  private checkMemberReports(): void {
    const view = this.phase === 'usable' ? this.installed : this.pending
    if (!view || this.phase === 'gathering') return
    for (const m of view.members) {
      if (m.id === this.self.id) continue
      const report = this.peers.get(m.id)?.report
      if (!report || report.view.id < view.id) continue
      // Same view, or only promised to accept it: still with us.
      if (sameKey(report.view, view) && (report.phase !== 'gathering' || report.promised)) continue
      this.gather('member-left')
      return
    }
  }

  /** When the last round trip with the peer completed: it heard a packet of ours sent then, and we heard it since. */
  private roundTripAt(id: number): number {
    const record = this.peers.get(id)
    return record ? Math.min(record.heardAt, record.heardUsAt) : -Infinity
  }

  /** A round trip with the peer succeeded within the token. */
  private alive(id: number, now: number): boolean {
    return this.roundTripAt(id) >= now - this.config.tokenMs
  }

  /** When another node last heard `id` (its current incarnation), as it reported. */
  private vouchedAt(id: number): number {
    const inc = this.peers.get(id)?.inc
    let at = -Infinity
    for (const record of this.peers.values()) {
      if (record.id === id) continue
      const v = record.vouches.get(id)
      if (v && v.inc === inc && v.at > at) at = v.at
    }
    return at
  }

  /**
   * Nobody heard the peer within the token: neither we nor any node that reported
   * since. Only a hint for whom to leave out (a wrong one costs an eviction, never
   * safety); what keeps a cut-off node from acting is quorumUnreached below.
   */
  private suspected(id: number, now: number): boolean {
    const evidence = this.lastEvidence(id)
    if (evidence < now - this.config.tokenMs) return true
    // Hysteresis: a vouch that arrives late (a peer heard it a little later than we
    // did) does not clear a suspicion; only news from after it began does.
    const since = this.suspectedSince.get(id)
    return since !== undefined && evidence <= since
  }

  private lastEvidence(id: number): number {
    return Math.max(this.peers.get(id)?.heardAt ?? -Infinity, this.vouchedAt(id))
  }

  private updateSuspicions(now: number): void {
    for (const id of this.peers.keys()) {
      const since = this.suspectedSince.get(id)
      if (since === undefined) {
        if (this.lastEvidence(id) < now - this.config.tokenMs) this.suspectedSince.set(id, now)
      } else if (this.lastEvidence(id) > since) this.suspectedSince.delete(id)
    }
  }

  /** Usable in a view: a round trip within linkLossMs and not suspected. */
  private isFresh(id: number, now: number): boolean {
    if (!this.peers.has(id)) return false
    return this.roundTripAt(id) >= now - this.config.linkLossMs && !this.suspected(id, now)
  }

  /**
   * The view would be quorate, but the members alive to us (and we) would not:
   * we may be the one cut off, and the others may agree without us once their
   * round trips with us are a token old. Leave before they can.
   */
  private quorumUnreached(view: {members: readonly Member[]}, now: number): boolean {
    // Every member alive (the steady state): the members reached are the view, so
    // both evaluations below would agree and the answer is no.
    let allAlive = true
    for (const m of view.members) {
      if (m.id !== this.self.id && !this.alive(m.id, now)) {
        allAlive = false
        break
      }
    }
    if (allAlive) return false
    const ids = view.members.map((m) => m.id)
    if (!evaluateQuorum(this.config.quorum, this.history, ids).quorate) return false
    const reached = ids.filter((id) => id === this.self.id || this.alive(id, now))
    return !evaluateQuorum(this.config.quorum, this.history, reached).quorate
  }

  /**
   * The peer can no longer be using a view that contains us. Its freshness
   * toward us counts from the send time of its last packet we reported hearing,
   * which is before we received it: so its token toward us expired by
   * heardAt + token, and it noticed at its next step (every step expires
   * links before anything else is visible; settleMs covers the step interval).
   */
  private settled(id: number, now: number): boolean {
    const record = this.peers.get(id)
    if (!record) return true
    return now >= record.heardAt + this.config.tokenMs + this.config.settleMs
  }

  /** The peer said it left the view for good (accepted ids only grow; a gathered view is never resumed). */
  private reportedGone(id: number, view: ViewKey): boolean {
    const report = this.peers.get(id)?.report
    if (!report) return false
    if (report.view.id > view.id) return true
    if (report.view.id < view.id) return false
    return report.view.coord !== view.coord || (report.phase === 'gathering' && !report.promised)
  }

  private pruneEntanglements(now: number): void {
    if (this.entangled.length === 0) return
    for (const e of this.entangled) {
      for (const id of e.uncleared) if (this.settled(id, now) || this.reportedGone(id, e.view)) e.uncleared.delete(id)
    }
    this.entangled = this.entangled.filter((e) => e.uncleared.size > 0)
  }

  /** Everyone outside `view` that might still use an older view with us has stopped. */
  private clearedFor(view: View): boolean {
    const inside = new Set(view.members.map((m) => m.id))
    return this.entangled.every((e) => [...e.uncleared].every((id) => inside.has(id) && view.members.some((m) => m.id === id && e.view.members.some((o) => o.id === id && o.inc === m.inc))))
  }

  // ---- transitions ----

  private entangle(view: View | null): void {
    // A round we coordinated and never installed can never be installed by anyone.
    if (!view || (view === this.pending && view.coord === this.self.id)) return
    const others = view.members.filter((m) => m.id !== this.self.id).map((m) => m.id)
    if (others.length > 0) this.entangled.push({view, uncleared: new Set(others)})
  }

  private gather(reason: string): void {
    this.reason = reason
    this.entangle(this.phase === 'usable' ? this.installed : this.pending)
    this.pending = null
    this.round = null
    this.setPhase('gathering')
  }

  private accept(view: View, now: number): void {
    assert(view.id > this.current.id || (this.promised && sameKey(view, this.current)), 'membership.accepted-view-id-grows', () => `view ${view.id}/${view.coord} after ${this.current.id}/${this.current.coord}`)
    if (this.phase === 'usable') this.reason = 'new-round'
    if (this.phase !== 'gathering') this.entangle(this.phase === 'usable' ? this.installed : this.pending)
    this.pending = view
    this.current = {id: view.id, coord: view.coord}
    this.promised = false
    this.setPhase('accepted')
    this.pruneEntanglements(now)
    if (this.clearedFor(view)) this.setPhase('acked')
  }

  private install(view: View, now: number): void {
    assert(view.id > (this.installed?.id ?? 0), 'membership.installed-view-id-grows', () => `view ${view.id} after ${this.installed?.id}`)
    assert(view.members.some((m) => m.id === this.self.id && m.inc === this.self.inc), 'membership.installed-view-holds-self', () => `view ${view.id}`)
    this.installed = view
    this.installedAt = now
    this.pending = null
    this.round = null
    this.entangled = []
    // wait_for_all is cluster-wide: a member that saw everyone vouches for the view.
    const vouched = view.members.some((m) => this.peers.get(m.id)?.report.seenAll === true)
    this.history = onViewInstalled(this.config.quorum, {...this.history, seenAll: this.history.seenAll || vouched}, view.members.map((m) => m.id))
    this.setPhase('usable')
  }

  private setPhase(phase: Phase): void {
    if (this.phase === phase) return
    this.phase = phase
    // Tell everyone at once: a phase change is an acknowledgement or a commit.
    this.nextHeartbeatAt = 0
  }

  // ---- the coordinator ----

  /** This node and the peers fresh now, ascending. */
  private freshSet(now: number): number[] {
    const out: number[] = []
    let placed = false
    for (const id of this.peerIds) {
      if (!this.isFresh(id, now)) continue
      if (!placed && this.self.id < id) {
        out.push(this.self.id)
        placed = true
      }
      out.push(id)
    }
    if (!placed) out.push(this.self.id)
    return out
  }

  /** Greedy clique, by id, of nodes that report each other fresh (`fresh`: ascending, with this node). */
  private candidate(fresh: number[]): Member[] {
    const chosen: PeerRecord[] = []
    for (const id of fresh) {
      if (id === this.self.id) continue
      const record = this.peers.get(id)!
      let mutual = true
      for (const q of chosen) {
        if (!record.freshIds.has(q.id) || !q.freshIds.has(id)) {
          mutual = false
          break
        }
      }
      if (mutual) chosen.push(record)
    }
    // Ascending, this node in its place.
    const members: Member[] = []
    let placed = false
    for (const record of chosen) {
      if (!placed && this.self.id < record.id) {
        members.push(this.self)
        placed = true
      }
      members.push(record.member)
    }
    if (!placed) members.push(this.self)
    return members
  }

  private coordinate(now: number): void {
    const all = this.freshSet(now)
    if (all[0] !== this.self.id) {
      this.round = null
      return
    }
    // A one-way cut between two nodes leaves each of them the lowest id of its own
    // fresh set: both would coordinate and pull the nodes they share back and forth
    // (no view lasts, nobody holds anything). The node that cannot hear the lower
    // coordinator leaves the peers it holds alone.
    const fresh = all.filter((id) => id === this.self.id || !this.heldByLowerCoordinator(id, all))
    let members = this.candidate(fresh)
    // Never propose a quorate view we would leave at once: keep only the members we
    // had a round trip with lately (the view is then quorate only if they are a quorum).
    if (this.quorumUnreached({members}, now)) members = members.filter((m) => m.id === this.self.id || this.alive(m.id, now))
    if (this.holdBack(members, fresh, now)) {
      // A pair of our peers lost each other a moment ago: under loss that is
      // usually a flicker; evicting one of them at once would turn every
      // flicker into an eviction. Keep the round we have, start none.
      if (!this.round) return
      members = this.round.view.members
    }
    if (this.round) return this.driveRound(members, now)
    if (this.phase === 'usable' && this.installed && sameMembers(this.installed.members, members)) return
    if ((this.phase === 'accepted' || this.phase === 'acked') && this.pending && this.pending.coord !== this.self.id && !sameMembers(this.pending.members, members)) return this.startRound(members, now)
    // Our own round that we stopped driving (a lower coordinator reappeared for a
    // moment) would wait forever: nobody else can commit it. Start a new one.
    if ((this.phase === 'accepted' || this.phase === 'acked') && this.pending && this.pending.coord !== this.self.id) return
    this.startRound(members, now)
  }

  /** The peer is in (or agreeing on) a view of a coordinator with a lower id that it hears and we do not. */
  private heldByLowerCoordinator(id: number, fresh: number[]): boolean {
    const peer = this.peers.get(id)!
    const coord = peer.report.view.coord
    return peer.report.phase !== 'gathering' && coord !== 0 && coord < this.self.id && coord !== id && !fresh.includes(coord) && peer.freshIds.has(coord)
  }

  /** True while the clique leaves out a node we hear ourselves, for less than consensusMs. */
  private holdBack(members: Member[], fresh: number[], now: number): boolean {
    if (members.length === fresh.length) {
      this.cliqueShortSince = undefined
      return false
    }
    this.cliqueShortSince ??= now
    return now - this.cliqueShortSince < this.config.consensusMs
  }

  private driveRound(members: Member[], now: number): void {
    const round = this.round!
    const stale = !sameMembers(round.view.members, members)
      || round.view.members.some((m) => (this.peers.get(m.id)?.report.view.id ?? 0) > round.view.id)
      || now - round.startedAt > this.config.consensusMs + this.config.tokenMs
    if (stale || this.phase === 'gathering' || this.phase === 'usable') {
      if (this.phase === 'usable' && this.installed && sameKey(this.installed, round.view)) {
        this.round = null
        return
      }
      return this.startRound(members, now)
    }
    if (this.phase === 'acked' && this.allAcked(round.view)) {
      this.install(round.view, now)
      return
    }
    if (now - round.lastSentAt >= this.config.heartbeatMs) {
      round.lastSentAt = now
      this.send('all', {type: 'propose', view: round.view}, now)
    }
  }

  private allAcked(view: View): boolean {
    return view.members.every((m) => {
      if (m.id === this.self.id) return true
      const record = this.peers.get(m.id)
      return record?.inc === m.inc && sameKey(record.report.view, view) && (record.report.phase === 'acked' || record.report.phase === 'usable')
    })
  }

  private startRound(members: Member[], now: number): void {
    const id = Math.max(this.maxSeen.id, this.current.id) + 1
    const view: View = {id, coord: this.self.id, members}
    this.see(view)
    this.accept(view, now)
    this.round = {view, startedAt: now, lastSentAt: now}
    this.send('all', {type: 'propose', view}, now)
    if (members.length === 1 && this.phase === 'acked') this.install(view, now)
  }

  // ---- outputs ----

  private stableQuorum(now: number): void {
    if (this.phase !== 'usable' || !this.installed || !this.config.quorum.lastManStanding) return
    const ids = this.installed.members.map((m) => m.id)
    const quorate = evaluateQuorum(this.config.quorum, this.history, ids).quorate
    this.history = afterStable(this.config.quorum, this.history, ids, now - this.installedAt, quorate)
  }

  private sendHeartbeat(now: number): void {
    this.nextHeartbeatAt = now + this.config.heartbeatMs
    const peers: HeardPeer[] = []
    for (const [id, record] of this.peers) {
      if (record.heardAt < now - this.config.linkLossMs) continue
      peers.push({id, inc: record.inc, seq: record.lastSeq & SEQ_MASK, fresh: this.isFresh(id, now), heldMs: ageMs(now - record.heardAt)})
    }
    peers.sort((a, b) => a.id - b.id)
    const msg: Message = {type: 'heartbeat', view: this.current, phase: this.phase, seenAll: this.history.seenAll, promised: this.promised, peers}
    this.send('all', msg, now)
  }

  /** evaluateQuorum of the installed view: it only changes with the view or the quorum history. */
  private installedQuorum(): QuorumResult {
    const cache = this.quorumCache
    if (cache && cache.view === this.installed && cache.history === this.history) return cache.result
    const result = evaluateQuorum(this.config.quorum, this.history, (this.installed?.members ?? NO_MEMBERS).map((m) => m.id))
    this.quorumCache = {view: this.installed, history: this.history, result}
    return result
  }

  private quorateNow(result: QuorumResult): boolean {
    return this.phase === 'usable' && result.quorate && this.lastNow !== undefined && this.quorateFrom !== undefined && this.lastNow >= this.quorateFrom
  }

  /**
   * A notification when the view id, its usability, its members, quorum or the
   * expected votes changed (the DC follows from members and quorum), compared
   * field by field: this runs after every step.
   */
  private notifyIfChanged(): void {
    const result = this.installedQuorum()
    const viewId = this.installed?.id ?? 0
    const usable = this.phase === 'usable'
    const members = this.installed?.members ?? NO_MEMBERS
    const quorate = this.quorateNow(result)
    const last = this.lastNotified
    if (last && last.viewId === viewId && last.usable === usable && last.quorate === quorate && last.expectedVotes === result.expectedVotes && sameMembers(last.members, members)) return
    this.lastNotified = {viewId, usable, members, quorate, expectedVotes: result.expectedVotes}
    this.notifications.push(this.status())
  }
}
