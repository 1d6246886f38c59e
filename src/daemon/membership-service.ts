// MembershipService: the membership layer of one node, for `hactl daemon`.
// It wires the pure MembershipMachine to the UDP transport, real time and the
// authkey, and hands application datagrams through the same authenticated socket.
//
// API (for the daemon):
//   const service = new MembershipService({config, nodeId, authkey, log})
//     config:  validated BootstrapConfig (cluster.json)
//     nodeId:  this node's id in config.nodes
//     authkey: the key bytes (readAuthkey(config.authkey_file)); ignored for crypto "none"
//     log:     optional sink of structured log records (one object per event; never holds the key)
//     stateDir: the state directory: this node's incarnation (max(last + 1, clock), fsynced
//              before use) and the highest incarnation seen per peer live there
//     onFatal: (reason, error) => ..., when the state directory fails or the machine breaks
//              an invariant; default: log and exit with the reason's status (fatal.ts)
//   await service.start(signal?)   binds the sockets and starts the timers; an aborted
//                                  signal stops the service. Rejects if a socket cannot bind.
//   await service.stop()           idempotent.
//   service.on('view', (event: ViewEvent) => ...)      on every view or quorum change
//   service.on('app', (from: number, payload: Buffer) => ...)  an authenticated application datagram
//   service.sendApp(to: number | 'all', payload)       at most MAX_APP_PAYLOAD_BYTES (60 KiB);
//                                  unreliable and unordered like UDP: the caller retransmits.
//   service.view(): ViewEvent      the current view (quorate false while gathering)
//   service.snapshot(): MembershipSnapshot   view + links + counters + rttMs, for `hactl membership`
//   service.rttMs(peer): number | undefined  smoothed heartbeat round trip to a peer (echo delay less the peer's hold time)
//
// Semantics the daemon can rely on: `quorate` is true only in a view that every
// member agreed on; a node that loses a member, is paused, or is in the middle
// of a change reports quorate false until the next agreement. `dc` is the lowest
// node id of a quorate view and null otherwise; all quorate nodes agree on it.
import {randomBytes} from 'node:crypto'
import {EventEmitter} from 'node:events'
import {performance} from 'node:perf_hooks'
import type {BootstrapConfig} from '../core/config/bootstrap-types.js'
import {membershipConfigOf, MembershipMachine, type Incoming, type Message, type Ready, type ViewStatus} from '../core/membership/index.js'
import {decodeApp, decodeHeartbeat, decodeProposal, deriveKeys, DROP_REASONS, encodeApp, encodeMessage, IV_BYTES, MalformedError, MAX_APP_PAYLOAD_BYTES, MessageType, nextIncarnation, open, ReplayGuard, seal, typeOf, type DropReason, type OpenContext, type Sealer} from '../core/wire/index.js'
import {exitFatal, fatalReasonOf, FatalError, type FatalReason} from './fatal.js'
import {IncarnationStore} from './incarnation.js'
import {LogRateLimiter} from './logger.js'
import {UdpTransport, type LinkCounters} from './transport.js'

export interface ViewEvent {
  viewId: number
  /** 'usable' when the view is agreed; otherwise a change is under way. */
  phase: string
  members: Array<{id: number, name: string, votes: number}>
  quorate: boolean
  dc: number | null
  expectedVotes: number
  totalVotes: number
  joined: number[]
  left: number[]
  /** Why the node last left an agreed view (startup, member-lost, member-left, paused, new-round). */
  reason: string
}

export interface LinkState extends LinkCounters {
  /** Peers heard on this link within the token timeout. */
  peersUp: number[]
  up: boolean
}

export interface MembershipSnapshot {
  nodeId: number
  incarnation: number
  transport: 'udp' | 'udpu'
  crypto: string
  view: ViewEvent
  reachable: number[]
  /** Smoothed heartbeat round-trip time per peer id, ms (peers heard lately and echoed at least once). */
  rttMs: Record<number, number>
  links: LinkState[]
  counters: {
    sentPackets: number
    sentBytes: number
    receivedPackets: number
    receivedBytes: number
    accepted: number
    dropped: Record<DropReason, number>
    appSent: number
    appReceived: number
  }
}

export interface MembershipServiceOptions {
  config: BootstrapConfig
  nodeId: number
  authkey: Buffer
  log?: (record: Record<string, unknown>) => void
  /** Overrides of cluster.json's totem (for what-ifs and tests). */
  totem?: {heartbeat: number, token: number, consensus: number}
  /**
   * The state directory (HACTL_STATE_DIR). With it, this node's incarnation is
   * max(last + 1, wall-clock based), made durable before the first packet, and
   * the highest incarnation seen per peer survives a restart (src/daemon/incarnation.ts).
   * Without it (tests of the membership layer alone) the incarnation follows the
   * wall clock and peers' incarnations are remembered in memory only.
   */
  stateDir?: string
  /**
   * Called when the node cannot go on: the state directory failed (fsync) or the
   * membership machine broke an invariant. Default: log and exit with the
   * reason's status (src/daemon/fatal.ts). The service is stopped if it returns.
   */
  onFatal?: (reason: FatalReason, error: unknown) => void
  /**
   * Called after every step of the machine (each heartbeat due and each packet; at
   * least every half pause threshold): proof that this event loop runs, for the
   * resource guard's feed, without a timer of its own. `heartbeat`: the step sent
   * this node's heartbeat (once per heartbeat interval), so the feed can follow the
   * heartbeats rather than every packet (src/daemon/guard-link.ts, feedDue).
   */
  onStep?: (heartbeat: boolean) => void
}

const NO_IV = Buffer.alloc(0)
const IV_POOL_IVS = 256

/** Drop reasons that say nothing suspicious (a second link, our own multicast, a datagram for another node): not logged. */
const QUIET_DROPS: ReadonlySet<DropReason> = new Set(['duplicate', 'own-packet', 'not-for-us'])

export class MembershipService extends EventEmitter {
  private readonly machine: MembershipMachine
  private readonly transport: UdpTransport
  private readonly sealer: Sealer
  private openContext: OpenContext
  private readonly names: Map<number, string>
  private readonly votes: Map<number, number>
  private readonly heardOnLink: Array<Map<number, number>>
  private readonly tokenMs: number
  private timer: NodeJS.Timeout | undefined
  /** When the armed timer fires (performance.now() time), Infinity when none is armed. */
  private timerAt = Infinity
  private current: ViewEvent
  private running = false
  private lastAgreed: number[] = []
  private stepping = false
  private readonly dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>
  private accepted = 0
  private appSent = 0
  private appReceived = 0
  private readonly log: (record: Record<string, unknown>) => void
  private readonly incarnations: IncarnationStore | undefined
  private readonly dropLogLimiter = new LogRateLimiter(10_000)
  /** Random bytes that GCM IVs are cut from, IV_BYTES at a time, never twice (a new pool when used up). */
  private ivPool = Buffer.alloc(0)
  private ivAt = 0

  constructor(private readonly options: MembershipServiceOptions) {
    super()
    const {config, nodeId} = options
    const self = config.nodes.find((n) => n.id === nodeId)
    if (!self) throw new RangeError(`node id ${nodeId} is not in cluster.json`)
    this.log = options.log ?? (() => {})
    let incarnation: number | undefined
    let knownPeers = new Map<number, number>()
    if (options.stateDir !== undefined) {
      this.incarnations = new IncarnationStore(options.stateDir)
      incarnation = this.incarnations.claim(Date.now())
      const loaded = this.incarnations.loadPeers()
      knownPeers = loaded.peers
      if (loaded.problem) this.log({level: 'warning', event: 'peer-incarnations-ignored', message: loaded.problem})
    } else {
      incarnation = nextIncarnation(undefined, Date.now())
      if (incarnation === undefined) throw new FatalError('incarnation', 'the wall clock is past the last incarnation the wire format holds')
    }
    const memberConfig = membershipConfigOf(config, nodeId, options.totem)
    this.tokenMs = memberConfig.tokenMs
    this.machine = new MembershipMachine(memberConfig, incarnation)
    this.names = new Map(config.nodes.map((n) => [n.id, n.name]))
    this.votes = new Map(config.nodes.map((n) => [n.id, n.votes]))
    const keys = deriveKeys(config.crypto, config.crypto === 'none' ? Buffer.alloc(32) : options.authkey, config.cluster_id)
    this.sealer = {clusterId: config.cluster_id, sender: nodeId, incarnation, keys}
    this.openContext = {clusterId: config.cluster_id, selfId: nodeId, senders: new Set(config.nodes.map((n) => n.id)), keys, replay: new ReplayGuard(memberConfig.tokenMs, knownPeers)}
    const links = self.addrs.map((localAddr, link) => ({
      localAddr,
      peers: new Map(config.nodes.filter((n) => n.id !== nodeId).map((n) => [n.id, n.addrs[link]])),
    }))
    this.heardOnLink = links.map(() => new Map())
    this.transport = new UdpTransport({mode: config.transport, mcastAddr: config.mcast_addr, port: config.port, links, onPacket: (packet, link, from) => this.onPacket(packet, link, from.address)})
    this.current = this.toEvent(this.machine.status(), [])
  }

  /**
   * Live node add/remove: a new node list from cluster.json. Quorum (votes,
   * expected votes), accepted senders and the peers' addresses follow at once;
   * the view changes through the usual agreement (a removed node's packets are
   * dropped from now on, an added one is heard and agreed in).
   */
  setNodes(config: BootstrapConfig): void {
    const nodeId = this.options.nodeId
    const self = config.nodes.find((n) => n.id === nodeId)
    if (!self) throw new RangeError(`node id ${nodeId} is not in the new node list`)
    ;(this.options as {config: BootstrapConfig}).config = config
    this.names.clear()
    this.votes.clear()
    for (const n of config.nodes) {
      this.names.set(n.id, n.name)
      this.votes.set(n.id, n.votes)
    }
    this.openContext = {...this.openContext, senders: new Set(config.nodes.map((n) => n.id))}
    this.transport.setPeers(self.addrs.map((_, link) => new Map(config.nodes.filter((n) => n.id !== nodeId).map((n) => [n.id, n.addrs[link]!]))))
    const memberConfig = membershipConfigOf(config, nodeId, this.options.totem)
    this.machine.setNodes(memberConfig.nodes, memberConfig.quorum)
    this.log({level: 'notice', event: 'membership-nodes-changed', nodes: config.nodes.map((n) => n.name)})
    if (this.running) this.step({type: 'tick'})
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) return
    if (this.options.config.crypto === 'none') this.log({level: 'warning', event: 'crypto-none', message: 'crypto is "none": cluster traffic is neither authenticated nor encrypted; anyone on the network can join or disrupt the cluster'})
    await this.transport.start()
    this.running = true
    this.step({type: 'tick'})
    this.log({level: 'info', event: 'membership-start', node: this.options.nodeId, incarnation: this.sealer.incarnation, transport: this.options.config.transport, links: this.options.config.nodes.find((n) => n.id === this.options.nodeId)!.addrs})
    signal?.addEventListener('abort', () => void this.stop(), {once: true})
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    clearTimeout(this.timer)
    this.timerAt = Infinity
    await this.transport.stop()
    this.log({level: 'info', event: 'membership-stop', node: this.options.nodeId})
  }

  sendApp(to: number | 'all', payload: Buffer): void {
    if (payload.length > MAX_APP_PAYLOAD_BYTES) throw new RangeError(`application payload of ${payload.length} bytes exceeds ${MAX_APP_PAYLOAD_BYTES}`)
    if (to !== 'all' && !this.names.has(to)) throw new RangeError(`node id ${to} is not in cluster.json`)
    if (!this.running) return
    this.appSent++
    this.sendRaw(MessageType.app, encodeApp({to: to === 'all' ? 0 : to, payload}), to, this.machine.allocateSeq(performance.now()))
  }

  /** The smoothed heartbeat round-trip time to `peer` (node id), ms; undefined before the first echo or when not heard lately. */
  rttMs(peer: number): number | undefined {
    return this.machine.rttMs(peer, performance.now())
  }

  /** Steps the machine first, so a caller woken after an event-loop stall never sees a stale view. */
  view(): ViewEvent {
    this.step({type: 'tick'})
    return this.current
  }

  /** Whether the current view stays quorate without these nodes (see MembershipMachine.quorateWithout). */
  quorateWithout(ids: readonly number[]): boolean {
    this.step({type: 'tick'})
    return this.machine.quorateWithout(ids)
  }

  snapshot(): MembershipSnapshot {
    this.step({type: 'tick'})
    const now = performance.now()
    const c = this.transport.counters
    const sum = (f: (l: LinkCounters) => number) => c.reduce((s, l) => s + f(l), 0)
    return {
      nodeId: this.options.nodeId,
      incarnation: this.sealer.incarnation,
      transport: this.options.config.transport,
      crypto: this.options.config.crypto,
      view: this.current,
      reachable: this.machine.freshPeers(now),
      rttMs: Object.fromEntries(this.options.config.nodes.flatMap((n) => {
        const rtt = this.machine.rttMs(n.id, now)
        return rtt === undefined ? [] : [[n.id, rtt]]
      })),
      links: c.map((l, i) => {
        const peersUp = [...this.heardOnLink[i]].filter(([, at]) => now - at <= this.tokenMs).map(([id]) => id).sort((a, b) => a - b)
        return {...l, peersUp, up: peersUp.length > 0}
      }),
      counters: {
        sentPackets: sum((l) => l.sentPackets), sentBytes: sum((l) => l.sentBytes),
        receivedPackets: sum((l) => l.receivedPackets), receivedBytes: sum((l) => l.receivedBytes),
        accepted: this.accepted, dropped: {...this.dropped}, appSent: this.appSent, appReceived: this.appReceived,
      },
    }
  }

  // ---- internals ----

  private step(event: Parameters<MembershipMachine['step']>[0]): void {
    // view() and snapshot() step too; a 'view' listener calling them must not
    // re-enter, or it would see events out of order.
    if (!this.running || this.stepping) return
    this.stepping = true
    let ready: Ready
    try {
      ready = this.machine.step(event, performance.now())
    } catch (error) {
      this.stepping = false
      // A broken invariant: the machine's state cannot be trusted any more.
      const reason = fatalReasonOf(error)
      if (reason !== undefined) return this.fatal(reason, error)
      // Another bug in the state machine: log it loudly and keep the process alive
      // (not quorate is the safe state; systemd restarts us if we exit).
      this.log({level: 'error', event: 'membership-bug', message: String((error as Error).stack ?? error)})
      this.armAfterBug()
      return
    }
    let heartbeat = false
    try {
      for (const out of ready.outbox) {
        if (out.msg.type === 'heartbeat') heartbeat = true
        this.sendRaw(typeOf(out.msg), encodeMessage(out.msg), out.to, out.seq)
      }
      for (const status of ready.notifications) this.onStatus(status)
    } finally {
      this.stepping = false
      this.arm()
    }
    this.options.onStep?.(heartbeat)
  }

  /**
   * Wakes up when the machine next needs a tick (a heartbeat, a link expiring, a
   * round's deadline) rather than on a fixed period: an idle node then wakes for
   * its heartbeats and its peers' packets only. One millisecond past the deadline,
   * so the machine's strict comparisons are past too.
   */
  /** After a bug in the machine, keep ticking at the heartbeat rate, as a fixed timer would. */
  private armAfterBug(): void {
    try {
      this.arm()
    } catch {
      clearTimeout(this.timer)
      this.timerAt = Infinity
      this.timer = setTimeout(() => this.step({type: 'tick'}), this.machine.config.heartbeatMs)
    }
  }

  private arm(): void {
    if (!this.running) return
    const now = performance.now()
    const at = Math.max(this.machine.nextDeadline(now), now) + 1
    if (Math.abs(at - this.timerAt) < 0.5) return
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timerAt = Infinity
      this.step({type: 'tick'})
    }, Math.ceil(at - now))
  }

  private sendRaw(type: number, body: Buffer, to: number | 'all', seq: number): void {
    const iv = this.sealer.keys.mode === 'aes256gcm' ? this.nextIv() : NO_IV
    this.transport.send(seal(this.sealer, type, seq, body, iv), to)
  }

  /**
   * 12 fresh random bytes: one randomBytes call per IV_POOL_IVS datagrams instead of
   * one per datagram. Each IV is used once; seal copies it into the datagram.
   */
  private nextIv(): Buffer {
    if (this.ivAt + IV_BYTES > this.ivPool.length) {
      this.ivPool = randomBytes(IV_BYTES * IV_POOL_IVS)
      this.ivAt = 0
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + IV_BYTES)
    this.ivAt += IV_BYTES
    return iv
  }

  private fatal(reason: FatalReason, error: unknown): void {
    if (this.options.onFatal) {
      this.options.onFatal(reason, error)
      void this.stop()
      return
    }
    exitFatal(reason, error, {
      log: (level, event, fields) => this.log({level, event, ...fields}),
      child: () => { throw new Error('unused') },
      tap: () => () => {},
    })
  }

  private onPacket(packet: Buffer, link: number, address = '?'): void {
    const now = performance.now()
    const opened = open(this.openContext, packet, now)
    if (!opened.ok) {
      this.dropped[opened.reason]++
      if (opened.reason === 'duplicate' && opened.sender !== undefined) this.heardOnLink[link].set(opened.sender, now)
      if (!QUIET_DROPS.has(opened.reason)) {
        // Anyone can send these: one line per reason and source address every 10 s at most.
        const suppressed = this.dropLogLimiter.admit(opened.reason, address, now)
        if (suppressed !== undefined) this.log({level: 'warning', event: 'packet-dropped', reason: opened.reason, from: address, link, sender: opened.sender, suppressed: suppressed || undefined})
      }
      return
    }
    const {header, body} = opened
    if (this.incarnations) {
      // Durable before the packet is acted on: a restarted node still refuses this peer's older incarnations.
      try {
        this.incarnations.recordPeer(header.sender, header.incarnation)
      } catch (error) {
        return this.fatal(fatalReasonOf(error) ?? 'state-io', error)
      }
    }
    this.heardOnLink[link].set(header.sender, now)
    let msg: Message
    try {
      if (header.type === MessageType.app) return this.onApp(header.sender, body)
      msg = header.type === MessageType.heartbeat ? decodeHeartbeat(body) : decodeProposal(body)
    } catch (error) {
      if (!(error instanceof MalformedError) && !(error instanceof RangeError)) this.log({level: 'error', event: 'decode-bug', message: String(error)})
      this.dropped.malformed++
      return
    }
    this.accepted++
    const incoming: Incoming = {from: header.sender, inc: header.incarnation, seq: header.seq, msg}
    this.step({type: 'receive', packet: incoming})
  }

  private onApp(from: number, body: Buffer): void {
    const app = decodeApp(body)
    if (app.to !== 0 && app.to !== this.options.nodeId) {
      this.dropped['not-for-us']++
      return
    }
    this.accepted++
    this.appReceived++
    this.emit('app', from, Buffer.from(app.payload))
  }

  private toEvent(status: ViewStatus, before: number[]): ViewEvent {
    const ids = status.members.map((m) => m.id)
    return {
      viewId: status.viewId,
      phase: status.phase,
      members: ids.map((id) => ({id, name: this.names.get(id) ?? String(id), votes: this.votes.get(id) ?? 0})),
      quorate: status.quorate,
      dc: status.dc,
      expectedVotes: status.expectedVotes,
      totalVotes: status.totalVotes,
      joined: ids.filter((id) => !before.includes(id)),
      left: before.filter((id) => !ids.includes(id)),
      reason: status.reason,
    }
  }

  private onStatus(status: ViewStatus): void {
    // joined/left compare agreed views only: the previous usable view and this one.
    const event = this.toEvent(status, this.lastAgreed)
    if (status.phase !== 'usable') {
      event.joined = []
      event.left = []
    } else {
      this.lastAgreed = event.members.map((m) => m.id)
    }
    const quorumChanged = event.quorate !== this.current.quorate
    this.current = event
    this.log({level: 'info', event: quorumChanged ? 'quorum-change' : 'view-change', viewId: event.viewId, phase: event.phase, members: event.members.map((m) => m.name), joined: event.joined, left: event.left, reason: event.reason, quorate: event.quorate, dc: event.dc, totalVotes: event.totalVotes, expectedVotes: event.expectedVotes})
    this.emit('view', event)
  }
}
