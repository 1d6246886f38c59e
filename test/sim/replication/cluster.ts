// A deterministic simulated cluster for the replication state machine: nodes with
// disks, a lossy network that delays, reorders and duplicates, a membership oracle
// (connected components of mutually reachable live nodes, growing view ids), and
// crashes that keep the disk. Time is a tick counter; randomness is one seeded Prng.
import type {ConfigEdit} from '../../../src/core/config/edits.js'
import {
  initialState, isReady, positionOf, step, type Event, type Message, type Output, type ReplicationState, type StoredRecord, type View, type WriteResult,
} from '../../../src/core/replication/index.js'
import {Checker} from './checks.js'
import {Prng} from './prng.js'

export interface NetworkFaults {
  loss: number
  duplicate: number
  delayMax: number
  /** How late a node may learn of a new view (membership detection lag). */
  viewLagMax: number
  /**
   * View ids as the membership layer makes them: one above the highest its members
   * remember (memory only), so different partitions may reuse an id. Otherwise one
   * global counter, reset only when the whole cluster is down.
   */
  localViewIds?: boolean
  /** votequorum's two_node: a single node of two is quorate (fencing keeps it safe, not quorum). */
  twoNode?: boolean
}

interface SimNode {
  id: number
  up: boolean
  state: ReplicationState
  /** The last durable record and promised term: what a restart loads. */
  disk: StoredRecord
  promisedTerm: number
  /** Persists handed to the disk, completing in order. */
  writing: Array<{record: StoredRecord, at: number}>
  /** Views not yet delivered, in order. */
  views: Array<{view: View, at: number}>
}

interface InFlight {
  at: number
  from: number
  to: number
  message: Message
}

export interface ClientWrite {
  requestId: string
  key: string
  node: number
  ifEpoch?: number
  invalid: boolean
  /** Tracked writes add attribute `key` to node n1, so the checker can follow them; others are not checked. */
  tracked: boolean
  answered?: WriteResult
}

export class SimCluster {
  readonly nodes: SimNode[]
  /** Changes while running as a live node add/remove of a node that never runs would (changeExpected). */
  expectedVotes: number
  readonly checker: Checker
  readonly writes = new Map<string, ClientWrite>()
  now = 0
  faults: NetworkFaults
  private network: InFlight[] = []
  /** Partition group of each node: nodes talk only within their group. */
  private groups: number[]
  private viewId = 0
  /** The views last announced, one per connected component (re-announced by changeExpected). */
  private lastViews: View[] = []
  private readonly lastViewIds = new Map<number, number>()
  private writeCount = 0

  /** `absent` configured nodes never run: their votes count in expected votes only. */
  constructor(readonly rng: Prng, size: number, faults: NetworkFaults, absent = 0) {
    this.faults = faults
    this.expectedVotes = size + absent
    this.groups = Array.from({length: size}, () => 0)
    this.nodes = Array.from({length: size}, (_, i) => {
      const state = initialState(i + 1, {}, {forwardTimeoutTicks: 40})
      return {id: i + 1, up: true, state, disk: state.record, promisedTerm: 0, writing: [], views: []}
    })
    this.checker = new Checker(this)
    this.recomputeViews()
  }

  node(id: number): SimNode {
    return this.nodes[id - 1]
  }

  private reachable(a: SimNode, b: SimNode): boolean {
    return a.up && b.up && this.groups[a.id - 1] === this.groups[b.id - 1]
  }

  /** The membership oracle: one new view per connected component, delivered with a small per-node lag. */
  recomputeViews(): void {
    const seen = new Set<number>()
    this.lastViews = []
    for (const n of this.nodes) {
      if (!n.up || seen.has(n.id)) continue
      const members = this.nodes.filter((m) => this.reachable(n, m)).map((m) => m.id)
      for (const m of members) seen.add(m)
      const votes = Object.fromEntries(this.nodes.map((m) => [m.id, 1]))
      const quorate = this.faults.twoNode ? members.length >= 1 : members.length * 2 > this.expectedVotes
      const viewId = this.faults.localViewIds ? Math.max(...members.map((m) => this.lastViewIds.get(m) ?? 0)) + 1 : ++this.viewId
      for (const m of members) this.lastViewIds.set(m, viewId)
      const view: View = {viewId, members, quorate, dc: quorate ? Math.min(...members) : undefined, expectedVotes: this.expectedVotes, votes}
      this.lastViews.push(view)
      for (const m of members) this.node(m).views.push({view, at: this.now + this.rng.int(0, this.faults.viewLagMax)})
    }
  }

  /**
   * A live node add/remove of a node that does not run (hactl node add|remove): the
   * membership re-announces every current view under the SAME view id with the new
   * expected votes (quorum recomputed), each member at its own lag.
   */
  changeExpected(expected: number): void {
    if (expected === this.expectedVotes) return
    this.expectedVotes = expected
    this.lastViews = this.lastViews.map((old) => {
      const quorate = this.faults.twoNode ? old.members.length >= 1 : old.members.length * 2 > expected
      const view: View = {...old, quorate, dc: quorate ? Math.min(...old.members) : undefined, expectedVotes: expected}
      for (const m of view.members) this.node(m).views.push({view, at: this.now + this.rng.int(0, this.faults.viewLagMax)})
      return view
    })
  }

  crash(id: number): void {
    const n = this.node(id)
    if (!n.up) return
    // Writes in progress at the crash may or may not have reached the disk (in order).
    const done = this.rng.int(0, n.writing.length)
    for (const w of n.writing.slice(0, done)) this.completePersist(n, w.record, false)
    n.writing = []
    n.views = []
    n.up = false
    this.lastViewIds.delete(id)
    // Like the membership layer, which keeps view ids in memory only: a full restart starts over.
    if (this.nodes.every((m) => !m.up)) {
      this.viewId = 0
      this.checker.forgetViews()
    }
    for (const w of this.writes.values()) if (w.node === id && w.answered === undefined) w.answered = {ok: false, error: {code: 'timeout', message: 'crashed', outcome: 'unknown'}}
    this.recomputeViews()
  }

  restart(id: number): void {
    const n = this.node(id)
    if (n.up) return
    n.up = true
    n.state = initialState(id, {record: n.disk, promisedTerm: n.promisedTerm}, {forwardTimeoutTicks: 40})
    this.recomputeViews()
  }

  partition(groups: number[]): void {
    this.groups = groups
    this.recomputeViews()
  }

  heal(): void {
    this.partition(this.nodes.map(() => 0))
  }

  isHealed(): boolean {
    return this.groups.every((g) => g === 0) && this.nodes.every((n) => n.up)
  }

  /** Largest JSON size seen per message type (with `+config` when it carried a whole document), in bytes. */
  readonly largestMessageBytes = new Map<string, number>()

  /** Submits any edit at a node; the answer lands in the returned write. */
  submit(nodeId: number, edit: ConfigEdit, ifEpoch?: number): ClientWrite {
    const key = `x${++this.writeCount}`
    const write: ClientWrite = {requestId: key, key, node: nodeId, ifEpoch, invalid: false, tracked: false}
    this.writes.set(key, write)
    this.feed(this.node(nodeId), {type: 'clientWrite', requestId: key, edit, ...(ifEpoch === undefined ? {} : {ifEpoch})})
    return write
  }

  clientWrite(nodeId: number, options: {cas?: boolean, invalid?: boolean} = {}): ClientWrite {
    const k = ++this.writeCount
    const n = this.node(nodeId)
    const key = `w${k}`
    const ifEpoch = options.cas ? n.state.record.config.epoch : undefined
    const edit: ConfigEdit = options.invalid
      ? {op: 'resource.remove', id: `missing-${k}`}
      : {op: 'node.attribute', name: 'n1', attributes: {[key]: String(k)}}
    const write: ClientWrite = {requestId: key, key, node: nodeId, ifEpoch, invalid: options.invalid ?? false, tracked: true}
    this.writes.set(key, write)
    this.feed(n, {type: 'clientWrite', requestId: key, edit, ...(ifEpoch === undefined ? {} : {ifEpoch})})
    return write
  }

  /** Advances time by one tick: views, messages and disk completions that are due, then a tick everywhere. */
  tick(): void {
    this.now += 1
    for (const n of this.nodes) this.deliverViews(n)
    this.deliverMessages()
    for (const n of this.nodes) this.completeDueWrites(n)
    for (const n of this.nodes) if (n.up) this.feed(n, {type: 'tick'})
    this.checker.afterTick()
  }

  private deliverViews(n: SimNode): void {
    while (n.up && n.views.length > 0 && n.views[0].at <= this.now) this.feed(n, {type: 'view', view: n.views.shift()!.view})
  }

  private deliverMessages(): void {
    const due = this.network.filter((m) => m.at <= this.now)
    this.network = this.network.filter((m) => m.at > this.now)
    for (const m of this.rng.shuffle(due)) {
      const from = this.node(m.from)
      const to = this.node(m.to)
      if (!this.reachable(from, to)) continue
      this.feed(to, {type: 'message', from: m.from, message: m.message})
    }
  }

  private completeDueWrites(n: SimNode): void {
    while (n.up && n.writing.length > 0 && n.writing[0].at <= this.now) {
      this.completePersist(n, n.writing.shift()!.record, true)
    }
  }

  private completePersist(n: SimNode, record: StoredRecord, report: boolean): void {
    this.checker.onDiskWrite(n.id, n.disk, record)
    n.disk = record
    if (report) this.feed(n, {type: 'persisted', position: positionOf(record)})
  }

  feed(n: SimNode, event: Event): void {
    const {state, outputs} = step(n.state, event)
    n.state = state
    for (const output of outputs) this.carryOut(n, output)
    this.checker.afterStep(n)
  }

  private carryOut(n: SimNode, output: Output): void {
    switch (output.type) {
      case 'send': return this.send(n.id, output.to, output.message)
      case 'persist': {
        const last = n.writing.at(-1)?.at ?? this.now
        n.writing.push({record: output.record, at: Math.max(last, this.now + this.rng.int(0, 2))})
        return
      }
      case 'persistTerm': {
        // Small and synchronous: durable before any later output is carried out.
        if (output.term <= n.promisedTerm) throw new Error(`node ${n.id}: promised term ${output.term} after ${n.promisedTerm}`)
        n.promisedTerm = output.term
        return
      }
      case 'reply': return this.checker.onReply(n, output.requestId, output.result)
      case 'configChanged': return this.checker.onCommitted(n, output.config)
      case 'ready': return this.checker.onReady(n, output.term, output.viewId, !this.faults.localViewIds)
    }
  }

  private send(from: number, to: number, message: Message): void {
    if (message.type === 'forward-reply' && message.result.ok) this.checker.onAcknowledged(from, message.requestId)
    if (this.rng.chance(this.faults.loss)) return
    // A JSON round trip proves the message is serializable and shares nothing with the sender.
    const text = JSON.stringify(message)
    const kind = 'config' in message && message.config !== undefined ? `${message.type}+config` : message.type
    this.largestMessageBytes.set(kind, Math.max(this.largestMessageBytes.get(kind) ?? 0, text.length))
    const copy = JSON.parse(text) as Message
    const copies = this.rng.chance(this.faults.duplicate) ? 2 : 1
    for (let i = 0; i < copies; i++) this.network.push({at: this.now + this.rng.int(1, this.faults.delayMax), from, to, message: copy})
  }

  readyDcs(): SimNode[] {
    return this.nodes.filter((n) => n.up && isReady(n.state))
  }
}
