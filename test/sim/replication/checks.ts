// Safety invariants, checked after every step of every node. A violation throws.
import type {ResourceConfig} from '../../../src/core/config/types.js'
import {isReady, type StoredRecord, type WriteResult} from '../../../src/core/replication/index.js'
import type {SimCluster} from './cluster.js'

type SimNode = SimCluster['nodes'][number]

export class InvariantError extends Error {}

function fail(message: string): never {
  throw new InvariantError(message)
}

export function writtenKeys(config: ResourceConfig): Record<string, string> {
  return config.nodes.find((n) => n.name === 'n1')?.attributes ?? {}
}

/** The content of a document, without its epoch. */
function content(config: ResourceConfig): string {
  return JSON.stringify({...config, epoch: 0})
}

export class Checker {
  /** Acknowledged writes and the term of the DC that acknowledged them. */
  readonly acked = new Map<string, {term: number}>()
  private readonly readyDcByTerm = new Map<number, number>()
  private readonly readyDcByView = new Map<number, number>()
  private readonly contentByVersion = new Map<string, string>()
  private readonly committedByEpoch = new Map<number, string>()
  private readonly replied = new Set<string>()
  private readonly lastChecked = new Map<number, ResourceConfig>()

  constructor(private readonly cluster: SimCluster) {}

  /** A DC answered a write with success: it must be durable on more than half of expected votes. */
  onAcknowledged(dcId: number, requestId: string): void {
    if (this.acked.has(requestId) || this.cluster.writes.get(requestId)?.tracked !== true) return
    const dc = this.cluster.node(dcId)
    const view = dc.state.view
    const term = dc.state.dc?.term
    if (view === undefined || !view.quorate || view.dc !== dcId || term === undefined) fail(`node ${dcId} acknowledged ${requestId} without being the DC of a quorate view`)
    const holders = this.cluster.nodes.filter((n) => writtenKeys(n.disk.config)[requestId] !== undefined).map((n) => n.id)
    // The votes the DC counted against: they change with a live node add/remove, and the
    // DC may learn of a change after others. That every acknowledged write survives is
    // checked on every ready DC (checkReadyDc) and after healing.
    const expected = view.expectedVotes
    if (holders.length * 2 <= expected) {
      fail(`${requestId} acknowledged in view ${view.viewId} but durable only on nodes [${holders}] of ${expected} votes`)
    }
    this.acked.set(requestId, {term})
    for (const n of this.cluster.readyDcs()) this.checkReadyDc(n)
  }

  onReply(n: SimNode, requestId: string, result: WriteResult): void {
    if (this.replied.has(requestId)) fail(`${requestId} answered twice`)
    this.replied.add(requestId)
    const write = this.cluster.writes.get(requestId)
    if (write === undefined) fail(`reply to unknown request ${requestId}`)
    write.answered = result
    if (!write.tracked) return
    if (!result.ok) {
      const code = result.error.code
      if (code === 'invalid-config' && !write.invalid) fail(`${requestId}: a valid edit was refused: ${result.error.message}`)
      if (code === 'epoch-mismatch' && write.ifEpoch === undefined) fail(`${requestId}: epoch-mismatch without --if-epoch`)
      return
    }
    if (write.invalid) fail(`${requestId}: an invalid edit was acknowledged`)
    if (writtenKeys(result.config)[requestId] === undefined) fail(`${requestId}: acknowledged config lacks the write`)
    if (write.ifEpoch !== undefined && result.config.epoch !== write.ifEpoch + 1) {
      fail(`${requestId}: --if-epoch ${write.ifEpoch} acknowledged at epoch ${result.config.epoch}`)
    }
    if (!this.acked.has(requestId)) this.onAcknowledged(n.id, requestId)
  }

  /** Every disk write: epochs never go back, and one (epoch, born) names one document everywhere. */
  onDiskWrite(id: number, before: StoredRecord, after: StoredRecord): void {
    if (after.config.epoch < before.config.epoch) fail(`node ${id}: disk epoch went back from ${before.config.epoch} to ${after.config.epoch}`)
    if (after.config.epoch === before.config.epoch && after.born !== before.born) {
      fail(`node ${id}: disk epoch ${after.config.epoch} now names another document (born ${before.born} -> ${after.born})`)
    }
    const key = `${after.config.epoch}:${after.born}`
    const text = content(after.config)
    const known = this.contentByVersion.get(key)
    if (known !== undefined && known !== text) fail(`version ${key} names two different documents`)
    this.contentByVersion.set(key, text)
  }

  onCommitted(n: SimNode, config: ResourceConfig): void {
    const text = content(config)
    const known = this.committedByEpoch.get(config.epoch)
    if (known !== undefined && known !== text) fail(`node ${n.id}: committed epoch ${config.epoch} differs from another node's committed epoch ${config.epoch}`)
    this.committedByEpoch.set(config.epoch, text)
  }

  /**
   * At most one DC per term (a term is what view ids cannot be: unique across restarts),
   * and per view id while the oracle's ids are unique (no full restart, one global counter).
   */
  onReady(n: SimNode, term: number, viewId: number, viewIdsUnique: boolean): void {
    const other = this.readyDcByTerm.get(term)
    if (other !== undefined && other !== n.id) fail(`two DCs ready in term ${term}: nodes ${other} and ${n.id}`)
    this.readyDcByTerm.set(term, n.id)
    if (!viewIdsUnique) return
    const inView = this.readyDcByView.get(viewId)
    if (inView !== undefined && inView !== n.id) fail(`two DCs ready in view ${viewId}: nodes ${inView} and ${n.id}`)
    this.readyDcByView.set(viewId, n.id)
  }

  /** View ids start over after a full restart: from then on, compare terms only. */
  forgetViews(): void {
    this.readyDcByView.clear()
  }

  afterStep(n: SimNode): void {
    if (!n.up || !isReady(n.state)) return
    const committed = n.state.committed?.config
    if (committed !== undefined && this.lastChecked.get(n.id) === committed) return
    this.checkReadyDc(n)
  }

  afterTick(): void {}

  /** A ready DC's committed config holds every write acknowledged in an earlier term (raft's leader completeness). */
  private checkReadyDc(n: SimNode): void {
    const term = n.state.dc!.term
    const committed = n.state.committed?.config
    if (committed === undefined) fail(`node ${n.id} is ready without a committed config`)
    const keys = writtenKeys(committed)
    for (const [key, ack] of this.acked) {
      if (ack.term < term && keys[key] === undefined) fail(`DC ${n.id} ready in term ${term} lost ${key}, acknowledged in term ${ack.term}`)
    }
    this.lastChecked.set(n.id, committed)
  }
}
