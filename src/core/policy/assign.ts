// Phase 6: assign every unit to a node in Pacemaker's order (pinned units, then
// priority, then configuration order, or with a placement strategy the score
// where it runs and on the sorted nodes). A unit's primaries (what it is
// colocated with) are assigned before it; its dependents' preferences pull it,
// along chains (Pacemaker's colocation influence). Ties: most free capacity
// (balanced), fewest resources assigned, the node it runs on, node order
// (minimal: node order only); then the node it runs on when as good as the best.
import {booleanProperty} from '../config/booleans.js'
import {addScores, formatScore, INFINITY, MINUS_INFINITY} from '../config/scores.js'
import type {Colocation, ColocationIndex} from './colocation.js'
import type {BaseScores} from './location.js'
import {note, type Model, type Unit} from './model.js'
import {chooseRoles, type RoleDecision} from './promotion.js'
import {compareFree, consume, initialCapacity, lacking, memberUtilization, type Capacity} from './utilization.js'

export interface Assignment {
  /** Per unit: the node index, -1 when it does not run. */
  node: Int32Array
  /** Per unit: the members that run there (a prefix of the group); 0 when none. */
  running: Int32Array
  /** Per unit: why it is not where it was, or not running ('' when unchanged). */
  why: string[]
  /** Per unit: final scores (for explain), only for traced units. */
  finalScores: Map<number, Float64Array>
  /** Per unit of a promotable clone: runs in the Promoted role (1) after the transition. */
  promoted: Uint8Array
  /** Per promotable clone index: how its Promoted instances were chosen. */
  roles: Map<number, RoleDecision>
}

/** The nodes that count as where the primary runs: its nodes, or all nodes with the same value of the colocation's node attribute. */
export function sameKey(c: Colocation, on: Uint8Array): Uint8Array {
  const keys = new Set<string>()
  on.forEach((x, n) => {
    if (x && c.nodeKey[n] !== undefined) keys.add(c.nodeKey[n]!)
  })
  const out = Uint8Array.from(on)
  c.nodeKey.forEach((key, n) => {
    if (key !== undefined && keys.has(key)) out[n] = 1
  })
  return out
}

const TODO = 0
const BUSY = 1
const DONE = 2

class Assigner {
  readonly node: Int32Array
  readonly running: Int32Array
  readonly why: string[]
  readonly finalScores = new Map<number, Float64Array>()
  readonly promoted: Uint8Array
  readonly roles = new Map<number, RoleDecision>()
  private readonly status: Uint8Array
  private readonly cloneDone: Uint8Array
  private readonly allocated: Int32Array
  private readonly perClone: Int32Array[]
  private readonly capacity: Capacity
  private readonly n: number
  /** A group being assigned that fits on no node in full: only its first member must fit, the others run while they fit. */
  private partial = -1
  /** Units whose primaries are being assigned: their scores with the colocations met so far. */
  private readonly busyScores = new Map<number, Float64Array>()
  private readonly sharedScores = new Map<number, Float64Array>()
  /** A clone's own scores (what all its instances share, without an instance's stickiness): what a clone contributes as a dependent. */
  private cloneScores(clone: number): Float64Array {
    let shared = this.sharedScores.get(clone)
    if (shared === undefined) {
      const units = this.model.clones[clone].units
      shared = Float64Array.from(this.base.scores[units[0]])
      for (const u of units) for (let n = 0; n < this.n; n++) shared[n] = Math.min(shared[n], this.base.scores[u][n])
      this.sharedScores.set(clone, shared)
    }
    return shared
  }

  /**
   * As Pacemaker's can_run_instance: an instance may run only where its clone's own score is not
   * negative. An instance's stickiness is its own, so it keeps an instance where the clone is allowed
   * but cannot outweigh a location that keeps the clone off a node (a clone with -100 on a node stops
   * the instance running there, whatever its stickiness, where a primitive would stay).
   */
  private parentBars(clone: number, n: number): boolean {
    return this.cloneScores(clone)[n] < 0
  }

  /** What the unit being assigned needs on its node with what is colocated with it (null: its own needs). */
  private need: {utilization: Record<string, number>} | null = null
  /** A node the unit being assigned takes when it is as good as the best one. */
  private prefer = -1

  constructor(private readonly model: Model, private readonly base: BaseScores, private readonly colocations: ColocationIndex) {
    const units = model.units.length
    this.n = model.nodes.length
    this.node = new Int32Array(units).fill(-1)
    this.running = new Int32Array(units)
    this.why = new Array<string>(units).fill('')
    this.promoted = new Uint8Array(units)
    this.status = new Uint8Array(units)
    this.cloneDone = new Uint8Array(model.clones.length)
    this.allocated = new Int32Array(this.n)
    this.perClone = model.clones.map(() => new Int32Array(this.n))
    this.capacity = initialCapacity(model)
  }

  run(): void {
    for (const u of this.processingOrder()) this.assignAny(u)
  }

  /**
   * Pacemaker's order. With placement-strategy=default: priority, then configuration order. With a
   * utilization strategy: priority, then the higher score on the node where the unit runs now (so a
   * running resource is not displaced by one processed first), then the higher score on the nodes
   * taken in their sorted order (most free capacity first for balanced), then configuration order.
   */
  private processingOrder(): number[] {
    const units = this.model.units
    // Units that cannot move (unmanaged, held, frozen) come first: they occupy their node whatever else happens.
    const pinned = units.filter((u) => u.pinnedTo >= 0).map((u) => u.index)
    return [...pinned, ...this.managedOrder(units.filter((u) => u.pinnedTo < 0).map((u) => u.index))]
  }

  private managedOrder(order: number[]): number[] {
    const units = this.model.units
    if (this.model.strategy === 'default') {
      return order.sort((a, b) => units[b].priority - units[a].priority || units[a].order - units[b].order)
    }
    // Pacemaker compares each resource's allowed node weights (unavailability is not a weight there) with
    // what its colocations add, followed along chains (see orderVector).
    const raw = this.base.raw!
    const cloneCurrent = this.model.clones.map((c) => c.units.map((u) => units[u].current).find((n) => n >= 0) ?? -1)
    const cloneRaw = this.model.clones.map((clone) => {
      const shared = Float64Array.from(raw[clone.units[0]])
      for (const u of clone.units) for (let n = 0; n < this.n; n++) shared[n] = Math.min(shared[n], raw[u][n])
      return shared
    })
    const own = (u: number) => (units[u].clone >= 0 ? cloneRaw[units[u].clone] : raw[u])
    const vectors: Float64Array[] = new Array<Float64Array>(units.length)
    for (const u of order) {
      const clone = units[u].clone
      if (clone >= 0 && vectors[this.model.clones[clone].units[0]] !== undefined) vectors[u] = vectors[this.model.clones[clone].units[0]]
      else vectors[u] = this.orderVector(u, own)
    }
    const here = units.map((u) => {
      if (vectors[u.index] === undefined) return MINUS_INFINITY
      const current = u.clone >= 0 ? cloneCurrent[u.clone] : u.current
      return current < 0 ? MINUS_INFINITY : vectors[u.index][current]
    })
    // Nodes that can host first, then (balanced) the most free capacity, then node order.
    const nodes = Array.from({length: this.n}, (_, i) => i)
    const hosts = (n: number) => (this.model.nodes[n].cannotHost === '' ? 0 : 1)
    nodes.sort((a, b) => hosts(a) - hosts(b) || (this.model.strategy === 'balanced' ? -compareFree(this.capacity, a, b) : 0) || a - b)
    return order.sort((a, b) => {
      if (units[a].priority !== units[b].priority) return units[b].priority - units[a].priority
      if (here[a] !== here[b]) return here[b] - here[a]
      for (const n of nodes) {
        const x = vectors[a][n]
        const y = vectors[b][n]
        if (x !== y) return y - x
      }
      return units[a].order - units[b].order
    })
  }

  /**
   * A unit's weights for the processing order, as Pacemaker computes them: a primitive's own; a group's
   * last member's with each earlier member's added at full strength (the group's internal colocations);
   * a clone's shared ones; then what the primaries of its colocations add (their best score on an available
   * node, by the colocation's score / INFINITY), along chains, each dropped with what follows when it leaves
   * no node available.
   */
  private orderVector(u: number, own: (u: number) => Float64Array): Float64Array {
    const unit = this.model.units[u]
    const members = this.base.members[u]
    const work = Float64Array.from(members ? members[members.length - 1] : own(u))
    const path = new Set<number>([u])
    if (members) {
      const chain = (k: number, into: Float64Array): void => {
        if (k < 0) return
        const next = Float64Array.from(into)
        this.addScaled(next, members[k], 1, null)
        if (!this.anyAvailable(next)) return
        chain(k - 1, next)
        into.set(next)
      }
      chain(members.length - 2, work)
    }
    if (this.anyAvailable(work)) for (const c of this.colocations.asDependent[unit.index]) this.forward(work, c, c.score / INFINITY, path, own)
    return work
  }

  /** Adds a colocation's primary's weights (and its own primaries', along chains) for the processing order. */
  private forward(work: Float64Array, c: Colocation, factor: number, path: Set<number>, own: (u: number) => Float64Array): void {
    const p = c.primaries[0]
    if (p === undefined || path.has(p)) return
    path.add(p)
    const members = this.base.members[p]
    const next = Float64Array.from(work)
    // A group as a primary counts by its first member (with the group's locations).
    this.addScaled(next, members ? members[0] : own(p), factor, c)
    if (this.anyAvailable(next)) {
      const sign = factor < 0 ? -1 : 1
      for (const c2 of this.colocations.asDependent[p]) this.forward(next, c2, (sign * c2.score) / INFINITY, path, own)
      work.set(next)
    }
    path.delete(p)
  }

  private assignAny(u: number): void {
    const unit = this.model.units[u]
    if (unit.clone >= 0) this.assignClone(unit.clone)
    this.assignUnit(u)
  }

  /**
   * Instances that cannot move go first, then those that stay where they run. The others wait for
   * their own turn in the processing order: a new or moving instance must not take the node of a
   * running resource only because a sibling that stays came early (the next run would see that
   * resource running and keep it, so the transition would not converge).
   */
  private assignClone(c: number): void {
    if (this.cloneDone[c]) return
    this.cloneDone[c] = 1
    const units = this.model.clones[c].units
    const pinned = units.filter((u) => this.model.units[u].pinnedTo >= 0)
    const running = units.filter((u) => this.model.units[u].pinnedTo < 0 && this.model.units[u].current >= 0)
    for (const u of pinned) this.assignUnit(u)
    // Instances are interchangeable: those whose node is still their best stay first, so that
    // no instance takes another's node only to push that one elsewhere (a pointless swap).
    for (const u of running) this.assignUnit(u, true)
    // Then those running where they may stay (on a node that can host), then the others (Pacemaker sorts instances so).
    const canStay = (u: number) => this.model.units[u].current >= 0 && this.model.nodes[this.model.units[u].current].cannotHost === ''
    for (const u of units) if (canStay(u)) this.assignUnit(u)
    for (const u of units) this.assignUnit(u)
    if (this.model.clones[c].promotable) this.decideRoles(c)
  }

  /**
   * "R with Promoted CLONE INFINITY": among the nodes where CLONE runs Promoted, R prefers the one whose
   * instance ranked highest for promotion (Pacemaker adds the primary's node score there).
   */
  private roleRank(c: Colocation, n: number): number {
    if (c.withRole !== 'Promoted') return 0
    const decision = this.roles.get(this.model.units[c.primaries[0]].clone)
    const rank = decision?.candidates.find((k) => k.node === n && this.promoted[k.unit] === 1)?.score
    return rank === undefined || rank <= MINUS_INFINITY ? 0 : rank
  }

  /** A promotable clone's instances are placed: choose which run Promoted (after what its Promoted instances are colocated with). */
  private decideRoles(c: number): void {
    for (const col of this.colocations.byRole?.[c] ?? []) if (col.rscRole !== undefined) for (const p of col.primaries) if (this.status[p] === TODO) this.assignAny(p)
    const decision = chooseRoles({
      model: this.model, base: this.base, colocations: this.colocations, node: this.node, running: this.running, promoted: this.promoted,
      primaryNodes: (col) => this.primaryNodes(col),
    }, c)
    this.model.clones[c].units.forEach((u, k) => (this.promoted[u] = decision.promoted[k]))
    this.roles.set(c, decision)
  }

  private assignUnit(u: number, inPlaceOnly = false): void {
    if (this.status[u] !== TODO) return
    this.status[u] = BUSY
    // A unit that must stop goes nowhere: it does not pull its primaries ahead of their turn.
    const stopping = this.model.units[u].stopWhy !== '' && this.model.units[u].pinnedTo < 0
    if (!stopping && this.colocations.asDependent[u].length > 0) {
      // While its primaries are assigned one by one, the colocations already met shape its own scores, and
      // so what it adds to the next primary's (Pacemaker's order of colocations; see colocation.ts).
      const scores = Float64Array.from(this.base.scores[u])
      this.busyScores.set(u, scores)
      for (const c of this.colocations.asDependent[u]) {
        for (const p of c.primaries) this.assignAny(p)
        this.applyPrimary(this.model.units[u], scores, c, false)
      }
      this.busyScores.delete(u)
    }
    this.status[u] = this.decide(this.model.units[u], inPlaceOnly) ? DONE : TODO
  }

  /** Assigns the unit; with inPlaceOnly, only when its best node is where it runs (returns false otherwise). */
  private decide(unit: Unit, inPlaceOnly: boolean): boolean {
    if (inPlaceOnly) {
      if (unit.pinnedTo >= 0 || unit.stopWhy !== '') return false
      // A clone instance keeps its node when that node is as good as the best (Pacemaker's preferred node).
      this.prefer = unit.current
      const scores = this.scoresOf(unit)
      const stays = this.pick(unit, scores) === unit.current
      if (!stays) {
        this.prefer = -1
        return false
      }
    }
    this.decideNow(unit)
    this.prefer = -1
    return true
  }

  private scoresOf(unit: Unit): Float64Array {
    const u = unit.index
    // Most units have no colocation: they use their base scores as they are.
    const shared = this.colocations.asDependent[u].length === 0 && this.colocations.asPrimary[u].length === 0 && !this.model.trace
    const scores = shared ? this.base.scores[u] : Float64Array.from(this.base.scores[u])
    if (shared) return scores
    for (const c of this.colocations.asDependent[u]) this.applyPrimary(unit, scores, c)
    for (const c of this.colocations.asPrimary[u]) this.applyDependents(unit, scores, c)
    return scores
  }

  /** Its own scores and what its primaries' nodes add (an anti-colocation keeps its managed members off). */
  private withPrimaries(unit: Unit): Float64Array {
    const scores = Float64Array.from(this.base.scores[unit.index])
    for (const c of this.colocations.asDependent[unit.index]) this.applyPrimary(unit, scores, c)
    return scores
  }

  private decideNow(unit: Unit): void {
    const u = unit.index
    if (unit.pinnedTo >= 0) {
      // An unmanaged member keeps the unit where it is; managed members still may not run where they are not allowed.
      const unmanaged = unit.pinned === 'unmanaged'
      if (unmanaged && unit.stopWhy !== '') return this.place(unit, unit.pinnedTo, 0, unit.stopWhy)
      const scores = unmanaged ? this.withPrimaries(unit) : this.base.scores[u]
      if (!unmanaged || scores[unit.pinnedTo] >= 0) return this.place(unit, unit.pinnedTo, unit.instances.length, unit.pinnedWhy)
      // Not allowed there: only the leading members that are unmanaged and run there keep running (untouched).
      const k = unit.instances.findIndex((i) => this.model.instances[i].managed || !this.model.instances[i].active.includes(unit.pinnedTo))
      return this.place(unit, unit.pinnedTo, k < 0 ? unit.instances.length : k, this.causeOn(unit, scores, unit.pinnedTo))
    }
    if (unit.stopWhy !== '') return this.unplace(unit, unit.stopWhy)
    if (unit.clone >= 0 && this.model.clones[unit.clone].units.indexOf(u) >= this.model.clones[unit.clone].max) {
      return this.unplace(unit, `clone-max is ${this.model.clones[unit.clone].max}`)
    }
    let scores = this.scoresOf(unit)
    if (this.base.members[u] !== null && !this.anyAvailable(scores, unit)) scores = this.withoutTrailingMembers(u, scores)
    if (this.model.trace?.units.has(u)) this.finalScores.set(u, scores)
    this.need = null
    if (this.model.strategy !== 'default') {
      const chain = this.chainNeed(unit, scores)
      this.need = chain.need
      // No node holds the whole chain: the node with the most free capacity is preferred when as good as the best.
      if (chain.mostFree >= 0 && this.prefer < 0) this.prefer = chain.mostFree
    }
    this.partial = this.model.strategy !== 'default' && unit.instances.length > 1 && !this.model.nodes.some((node) => scores[node.index] >= 0 && node.cannotHost === '' && lacking(this.capacity, node.index, unit) === '') ? u : -1
    const best = this.pick(unit, scores)
    this.need = null
    if (best < 0) {
      this.partial = -1
      return this.unplace(unit, this.whyNowhere(unit, scores))
    }
    const tail = this.base.tailBans[u]
    let members = Math.min(tail ? tail[best] : unit.instances.length, this.firstStopped(unit))
    if (this.partial === u) members = Math.min(members, this.fittingPrefix(unit, best))
    members = Math.min(members, this.positivePrefix(u, best))
    this.partial = -1
    const why = unit.current >= 0 && unit.current !== best ? this.whyLeft(unit, scores, best) : ''
    this.place(unit, best, members, why)
  }

  /**
   * What the unit and the units still to be assigned that are tied to it by INFINITY colocations (either
   * way, along chains) need together, when some node it may use can hold all that: it then goes only to
   * such a node. Null when nothing is tied to it or no node can hold the sum (then only its own needs count).
   * As Pacemaker: a clone does not count a dependent that is not a clone, and a clone counts one instance.
   */
  private chainNeed(unit: Unit, scores: Float64Array): {need: {utilization: Record<string, number>} | null, mostFree: number} {
    const seen = new Set<number>([unit.index])
    const clones = new Set<number>(unit.clone >= 0 ? [unit.clone] : [])
    const total: Record<string, number> = {...unit.utilization}
    let others = 0
    const visit = (u: number, origin: Unit): void => {
      const from = this.model.units[u]
      const next: number[] = []
      for (const c of this.colocations.asDependent[u]) if (c.score >= INFINITY) next.push(...c.primaries)
      for (const c of this.colocations.asPrimary[u]) {
        if (c.score < INFINITY) continue
        if (from.clone >= 0 && this.model.units[c.dependents[0]].clone < 0) continue
        next.push(...c.dependents)
      }
      for (const v of next) {
        if (seen.has(v) || v === origin.index) continue
        seen.add(v)
        const other = this.model.units[v]
        if (other.clone >= 0) {
          if (clones.has(other.clone)) continue
          clones.add(other.clone)
        }
        if (this.status[v] !== DONE) {
          others++
          for (const [name, need] of Object.entries(other.utilization)) total[name] = (total[name] ?? 0) + need
        }
        visit(v, origin)
      }
    }
    visit(unit.index, unit)
    // A group's later members are colocated with its first: they are part of its chain.
    if (others === 0 && unit.instances.length === 1) return {need: null, mostFree: -1}
    const need = {utilization: total}
    let mostFree = -1
    for (const node of this.model.nodes) {
      if (scores[node.index] < 0 || node.cannotHost !== '') continue
      if (lacking(this.capacity, node.index, need) === '') return {need: others === 0 ? null : need, mostFree: -1}
      if (mostFree < 0 || compareFree(this.capacity, node.index, mostFree) > 0) mostFree = node.index
    }
    return {need: null, mostFree}
  }

  /**
   * A group whose summed scores leave it no node: as Pacemaker, which merges the later members' scores into
   * the first member's one by one and rolls back the one that would leave no node (with those after it),
   * its scores without the members from there on (their -INFINITY bans are kept apart, in tailBans).
   */
  private withoutTrailingMembers(u: number, scores: Float64Array): Float64Array {
    const members = this.base.members[u]!
    const finite = (x: number) => (x <= MINUS_INFINITY || x >= INFINITY ? 0 : x)
    const work = Float64Array.from(scores)
    for (let k = 1; k < members.length; k++) for (let n = 0; n < this.n; n++) work[n] = addScores(work[n], -finite(members[k][n]))
    for (let k = 1; k < members.length; k++) {
      const next = Float64Array.from(work)
      for (let n = 0; n < this.n; n++) next[n] = addScores(next[n], finite(members[k][n]))
      if (!this.anyAvailable(next)) break
      work.set(next)
    }
    return work
  }

  /**
   * How many leading members of a group may run on its node: a later member runs only where its own score,
   * with the scores of the members after it added while the sum stays >= 0 (Pacemaker merges them, rolling
   * back what would leave no node), is not negative.
   */
  private positivePrefix(u: number, node: number): number {
    const members = this.base.members[u]
    if (members === null) return this.model.units[u].instances.length
    for (let k = 1; k < members.length; k++) {
      let sum = members[k][node]
      for (let j = k + 1; j < members.length; j++) {
        const next = addScores(sum, members[j][node])
        if (next < 0) break
        sum = next
      }
      if (sum < 0) return k
    }
    return members.length
  }

  /** How many leading members fit on the node one after another. */
  private fittingPrefix(unit: Unit, node: number): number {
    const left = {...this.capacity[node]}
    const members = memberUtilization(this.model, unit)
    for (let k = 0; k < members.length; k++) {
      for (const [name, need] of Object.entries(members[k].utilization)) {
        if (need > 0 && (left[name] ?? 0) < need) return k
        left[name] = (left[name] ?? 0) - need
      }
    }
    return members.length
  }

  private firstStopped(unit: Unit): number {
    const k = unit.instances.findIndex((i) => this.model.instances[i].stopWhy !== '')
    return k < 0 ? unit.instances.length : k
  }

  private place(unit: Unit, node: number, members: number, why: string): void {
    this.node[unit.index] = node
    this.running[unit.index] = members
    this.why[unit.index] = why
    this.allocated[node] += members
    if (unit.clone >= 0) this.perClone[unit.clone][node]++
    if (this.model.strategy === 'default') return
    if (members === unit.instances.length) consume(this.capacity, node, unit)
    else for (const m of memberUtilization(this.model, unit).slice(0, members)) consume(this.capacity, node, m)
  }

  private unplace(unit: Unit, why: string): void {
    this.node[unit.index] = -1
    this.running[unit.index] = 0
    this.why[unit.index] = why
  }

  /**
   * Nodes where the primary runs, or null while it is still being assigned (a colocation loop: the
   * colocation then has no effect, as in Pacemaker). A group counts where its last member runs.
   */
  private primaryNodes(c: Colocation): Uint8Array | null {
    const on = new Uint8Array(this.n)
    const clone = c.withRole === undefined ? -1 : this.model.units[c.primaries[0]].clone
    // With a role, the primary counts once its roles are chosen, and only its instances in that role.
    if (clone >= 0 && !this.roles.has(clone)) return null
    for (const p of c.primaries) {
      if (this.status[p] === BUSY) return null
      const whole = this.model.units[p].instances.length
      if (c.withRole === 'Promoted' && !this.promoted[p]) continue
      if (c.withRole === 'Unpromoted' && this.promoted[p]) continue
      if (this.node[p] >= 0 && this.running[p] >= whole) on[this.node[p]] = 1
    }
    return on
  }

  /** Can any node run something with these scores (Pacemaker: an available node with a score >= 0)? */
  private anyAvailable(scores: Float64Array, unit?: Unit): boolean {
    const full = unit !== undefined && unit.clone >= 0 ? this.perClone[unit.clone] : undefined
    const max = unit !== undefined && unit.clone >= 0 ? this.model.clones[unit.clone].nodeMax : 0
    for (let n = 0; n < this.n; n++) if (scores[n] >= 0 && this.model.nodes[n].cannotHost === '' && !(full && full[n] >= max)) return true
    return false
  }

  /**
   * The primary's placement acts on the dependent: INFINITY confines it to the primary's nodes, a finite
   * score adds where the primary runs, -INFINITY bans. A finite colocation that would leave no node is
   * dropped: finite scores are preferences, never bans.
   */
  private applyPrimary(unit: Unit, scores: Float64Array, c: Colocation, explains = true): void {
    const on = this.primaryNodes(c)
    if (on === null) return
    const mandatory = c.score >= INFINITY || c.score <= MINUS_INFINITY
    // A clone that gets an instance on every node that can host one leaves out its finite positive
    // colocations: they would only choose which instance goes where (Pacemaker keeps negative and INFINITY ones).
    if (!mandatory && c.score > 0 && unit.clone >= 0 && this.everyNodeGetsOne(unit.clone)) return
    // A finite colocation with a clone acts instance by instance, each dropped on its own when it leaves no node.
    if (mandatory || c.primaries.length === 1) return this.applyOn(unit, scores, c, on, explains)
    for (const p of c.primaries) {
      if ((c.withRole === 'Promoted' && !this.promoted[p]) || (c.withRole === 'Unpromoted' && this.promoted[p])) continue
      const one = new Uint8Array(this.n)
      if (this.node[p] >= 0 && this.running[p] >= this.model.units[p].instances.length) one[this.node[p]] = 1
      this.applyOn(unit, scores, c, one, explains)
    }
  }

  private applyOn(unit: Unit, scores: Float64Array, c: Colocation, primaryOn: Uint8Array, explains = true): void {
    const anyOn = primaryOn.includes(1)
    const on = c.byAttribute && !this.exactNodes(c) ? sameKey(c, primaryOn) : primaryOn
    if (!anyOn && c.score < 0) return
    const work = Float64Array.from(scores)
    const values = new Float64Array(this.n)
    for (let n = 0; n < this.n; n++) {
      if (!anyOn) values[n] = -c.score
      else if (on[n]) values[n] = c.score < INFINITY ? c.score : this.roleRank(c, n)
      else if (c.score >= INFINITY) values[n] = MINUS_INFINITY
      work[n] = addScores(work[n], values[n])
    }
    const mandatory = c.score >= INFINITY || c.score <= MINUS_INFINITY
    if (!mandatory && !this.anyAvailable(work, unit)) return
    scores.set(work)
    if (!explains || !this.model.trace?.units.has(unit.index)) return
    const label = `colocation ${c.id} (${c.dependentName} with ${c.primaryName}, ${c.score})`
    for (let n = 0; n < this.n; n++) {
      if (values[n] !== 0) note(this.model, unit.index, n, values[n], values[n] <= MINUS_INFINITY && c.score >= INFINITY ? `${label}: ${c.primaryName} is not here` : label)
    }
  }

  /**
   * Dependents pull (or push) their primary toward the nodes they prefer, scaled by score / INFINITY
   * (Pacemaker's colocation influence), and so do their own dependents in turn; a contribution that
   * would leave the primary nowhere to run is dropped.
   */
  private applyDependents(unit: Unit, scores: Float64Array, c: Colocation): void {
    const d = this.dependentOf(c)
    if (d < 0) return
    // When every node that can host one gets an instance anyway, Pacemaker leaves out the clone's dependents
    // whose colocation score is not negative: their preferences would choose nothing.
    if (unit.clone >= 0 && c.score >= 0 && this.everyNodeGetsOne(unit.clone)) return
    this.merge(unit, scores, d, c.score / INFINITY, new Set([unit.index]), c)
  }

  /** An INFINITY colocation with a clone confines the dependent to the instances' own nodes, whatever its node attribute (as Pacemaker 2.1 does). */
  private exactNodes(c: Colocation): boolean {
    return c.score >= INFINITY && this.model.units[c.primaries[0]].clone >= 0
  }

  /** Does the clone run an instance on every node that can host one (clone-max at least that many)? */
  private everyNodeGetsOne(clone: number): boolean {
    let hosts = 0
    for (const node of this.model.nodes) if (node.cannotHost === '') hosts++
    return this.model.clones[clone].max >= hosts
  }

  /** The unit whose preferences stand for a colocation's dependent: the first one not pinned (one per clone). */
  private dependentOf(c: Colocation): number {
    for (const d of c.dependents) if (this.model.units[d].pinnedTo < 0) return d
    return -1
  }

  private merge(unit: Unit, scores: Float64Array, d: number, factor: number, seen: Set<number>, via: Colocation): void {
    if (seen.has(d)) return
    const members = this.base.members[d]
    if (members) return this.mergeGroup(unit, scores, d, members, factor, seen, via)
    seen.add(d)
    const id = via.id
    // A clone counts by its own scores, also while its instances are being assigned (Pacemaker applies a
    // clone's colocations to each instance, not to the clone).
    const theirs = this.model.units[d].clone >= 0 ? this.cloneScores(this.model.units[d].clone) : this.busyScores.get(d) ?? this.base.scores[d]
    const work = Float64Array.from(scores)
    this.addScaled(work, theirs, factor, via)
    if (!this.anyAvailable(work, unit)) {
      seen.delete(d)
      return
    }
    const sign = factor < 0 ? -1 : 1
    for (const c2 of this.colocations.asPrimary[d]) {
      const d2 = this.dependentOf(c2)
      if (d2 >= 0) this.merge(unit, work, d2, (sign * c2.score) / INFINITY, seen, c2)
    }
    if (this.model.trace?.units.has(unit.index)) {
      for (let n = 0; n < this.n; n++) if (work[n] !== scores[n]) note(this.model, unit.index, n, work[n] - scores[n], `dependent ${this.model.units[d].id} (colocation ${id})`)
    }
    scores.set(work)
    seen.delete(d)
  }

  /**
   * A group as a dependent, as Pacemaker merges it: its first member's scores (the group's locations count
   * for it alone) by the factor, then each next member's at full strength (the group's internal INFINITY
   * colocations), each dropped with what follows when it would leave no node; then the group's own
   * dependents, which Pacemaker reaches twice (through the last member, and from the group).
   */
  private mergeGroup(unit: Unit, scores: Float64Array, d: number, members: Float64Array[], factor: number, seen: Set<number>, via: Colocation): void {
    seen.add(d)
    const sign = factor < 0 ? -1 : 1
    const busy = this.busyScores.get(d)
    const first = busy === undefined ? members[0] : members[0].map((x, n) => addScores(x, busy[n] - this.base.scores[d][n]))
    // Pacemaker moves "X with group" to the group's last member only when it assigns the group: before that,
    // the group's own dependents are not reached through it.
    const dependents = () => {
      if (this.status[d] === TODO) return
      for (const c2 of this.colocations.asPrimary[d]) {
        const d2 = this.dependentOf(c2)
        if (d2 >= 0 && d2 !== d) this.merge(unit, work, d2, (sign * c2.score) / INFINITY, seen, c2)
      }
    }
    const chain = (k: number, into: Float64Array): boolean => {
      const next = Float64Array.from(into)
      this.addScaled(next, k === 0 ? first : members[k], k === 0 ? factor : sign, k === 0 ? via : null)
      if (!this.anyAvailable(next, unit)) return false
      if (k + 1 < members.length) chain(k + 1, next)
      else {
        const saved = work
        work = next
        dependents()
        work = saved
      }
      into.set(next)
      return true
    }
    let work = Float64Array.from(scores)
    if (!chain(0, work)) {
      seen.delete(d)
      return
    }
    dependents()
    if (this.model.trace?.units.has(unit.index)) {
      for (let n = 0; n < this.n; n++) if (work[n] !== scores[n]) note(this.model, unit.index, n, work[n] - scores[n], `dependent ${this.model.units[d].id} (colocation ${via.id})`)
    }
    scores.set(work)
    seen.delete(d)
  }

  /** Adds factor × the dependent's score (its best among the nodes that count as the same place), rounded as Pacemaker does. */
  private addScaled(work: Float64Array, theirs: Float64Array, factor: number, via: Colocation | null): void {
    for (let n = 0; n < this.n; n++) {
      // The dependent's best score among the nodes that count as the same place (the same node attribute value).
      let score = via?.byAttribute || this.model.nodes[n].cannotHost !== '' ? MINUS_INFINITY : theirs[n]
      if (via?.byAttribute) for (let m = 0; m < this.n; m++) {
        if (this.model.nodes[m].cannotHost !== '' || theirs[m] <= score) continue
        if (m === n || (via.nodeKey[n] !== undefined && via.nodeKey[m] === via.nodeKey[n])) score = theirs[m]
      }
      if (factor < 0 && score < 0) continue // A dislike of a node the dependent dislikes does not become a liking.
      const exact = factor * score
      let weight = exact < 0 ? Math.ceil(exact - 0.5) : Math.floor(exact + 0.5)
      if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : -1
      work[n] = addScores(work[n], weight)
    }
  }

  private fits(unit: Unit, n: number, scores: Float64Array): boolean {
    if (scores[n] < 0) return false
    if (unit.clone >= 0 && this.parentBars(unit.clone, n)) return false
    if (unit.clone >= 0 && this.perClone[unit.clone][n] >= this.model.clones[unit.clone].nodeMax) return false
    if (this.model.strategy === 'default') return true
    if (this.need !== null && lacking(this.capacity, n, this.need) !== '') return false
    return lacking(this.capacity, n, this.partial === unit.index ? memberUtilization(this.model, unit)[0] : unit) === ''
  }

  /**
   * Pacemaker's node order: higher score; for balanced, more free capacity; except for minimal, fewer
   * resources assigned, then the node it runs on; then node order.
   */
  private better(unit: Unit, scores: Float64Array, a: number, b: number): boolean {
    if (scores[a] !== scores[b]) return scores[a] > scores[b]
    if (this.model.strategy !== 'minimal') {
      if (this.model.strategy === 'balanced') {
        const free = compareFree(this.capacity, a, b)
        if (free !== 0) return free > 0
      }
      if (this.allocated[a] !== this.allocated[b]) return this.allocated[a] < this.allocated[b]
      if (a === unit.current || b === unit.current) return a === unit.current
    }
    return a < b
  }

  private pick(unit: Unit, scores: Float64Array): number {
    const tail = this.base.tailBans[unit.index]
    let best = -1
    let bestWhole = false
    for (let n = 0; n < this.n; n++) {
      if (!this.fits(unit, n, scores)) continue
      // A group prefers nodes where all its members can run.
      const whole = tail === null || tail[n] === unit.instances.length
      if (best < 0 || (whole && !bestWhole) || (whole === bestWhole && this.better(unit, scores, n, best))) {
        best = n
        bestWhole = whole
      }
    }
    if (this.prefer >= 0 && best >= 0 && this.prefer !== best && scores[this.prefer] >= scores[best] && this.fits(unit, this.prefer, scores)) {
      const whole = tail === null || tail[this.prefer] === unit.instances.length
      if (whole || !bestWhole) return this.prefer
    }
    // Among equally scored nodes the one it runs on wins, when the score is positive (Pacemaker: zero is not enough).
    const current = unit.current
    if (best >= 0 && current >= 0 && current !== best && scores[best] >= 0 && scores[current] === scores[best] && this.fits(unit, current, scores)) {
      const whole = tail === null || tail[current] === unit.instances.length
      if (whole || !bestWhole) return current
    }
    return best
  }

  private causeOn(unit: Unit, scores: Float64Array, n: number): string {
    const node = this.model.nodes[n]
    if (node.cannotHost !== '') return node.cannotHost
    const cause = this.base.causes.get(unit.index * this.n + n)
    if (cause !== undefined) return cause
    for (const c of this.colocations.asDependent[unit.index]) {
      const on = this.primaryNodes(c) ?? new Uint8Array(this.n)
      if (c.score >= INFINITY && !on[n]) return `colocation with ${c.withRole === undefined ? '' : `${c.withRole} `}${c.primaryName}, which ${on.includes(1) ? 'runs elsewhere' : c.withRole === undefined ? 'cannot run' : `has no ${c.withRole} instance`}`
      if (c.score <= MINUS_INFINITY && on[n]) return `anti-colocation with ${c.primaryName}`
    }
    if (scores[n] <= MINUS_INFINITY && !booleanProperty(this.model.config, 'symmetric-cluster')) return 'symmetric-cluster=false and no location constraint allows it'
    if (scores[n] < 0) return `score ${formatScore(scores[n])} on ${node.name} is negative`
    if (unit.clone >= 0 && this.parentBars(unit.clone, n)) return `${this.model.clones[unit.clone].id}'s score ${formatScore(this.cloneScores(unit.clone)[n])} on ${node.name} is negative`
    if (unit.clone >= 0 && this.perClone[unit.clone][n] >= this.model.clones[unit.clone].nodeMax) return `clone-node-max reached on ${node.name}`
    if (this.model.strategy !== 'default') {
      const attribute = lacking(this.capacity, n, unit)
      if (attribute !== '') return `not enough ${attribute} on ${node.name}`
    }
    return ''
  }

  private whyLeft(unit: Unit, scores: Float64Array, best: number): string {
    const cause = this.causeOn(unit, scores, unit.current)
    if (cause !== '') return cause
    const here = scores[unit.current]
    const there = scores[best]
    return here === there ? 'load balancing (equal scores)' : `higher score on ${this.model.nodes[best].name} (${formatScore(there)} > ${formatScore(here)})`
  }

  private whyNowhere(unit: Unit, scores: Float64Array): string {
    if (unit.current >= 0) {
      const cause = this.causeOn(unit, scores, unit.current)
      if (cause !== '') return cause
    }
    if (unit.clone >= 0) {
      const clone = this.model.clones[unit.clone]
      const room = this.model.nodes.some((node) => node.cannotHost === '' && scores[node.index] >= 0 && !this.parentBars(unit.clone, node.index) && this.perClone[unit.clone][node.index] < clone.nodeMax)
      if (!room) return `no node can host another instance of ${clone.id} (clone-node-max ${clone.nodeMax})`
    }
    for (let n = 0; n < this.n; n++) {
      const cause = this.causeOn(unit, scores, n)
      if (cause !== '' && cause !== this.model.nodes[n].cannotHost) return cause
    }
    return 'no node can run it'
  }
}

export function assign(model: Model, base: BaseScores, colocations: ColocationIndex): Assignment {
  const assigner = new Assigner(model, base, colocations)
  assigner.run()
  return {node: assigner.node, running: assigner.running, why: assigner.why, finalScores: assigner.finalScores, promoted: assigner.promoted, roles: assigner.roles}
}
