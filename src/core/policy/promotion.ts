// Promotable clones, phase 6b: once a clone's instances are placed, which of them
// run in the Promoted role. As Pacemaker: an instance may be promoted only where its
// agent set a promotion score (the transient node attribute master-PRIMITIVE, set by
// crm_master / crm_attribute --promotion; a cloned group sums its members'); location
// constraints with role Promoted and colocations with a role add to it; the highest
// scores win, at most promoted-max in the cluster and promoted-node-max per node; where
// scores tie the instance promoted now stays promoted, then the lower instance number.
import {addScores, formatScore, INFINITY, MINUS_INFINITY, parseScore} from '../config/scores.js'
import type {LocationConstraint} from '../config/types.js'
import type {Colocation, ColocationIndex} from './colocation.js'
import type {BaseScores} from './location.js'
import {note, type Model} from './model.js'
import {describeRule, ruleMatches} from './rules.js'

/** The transient node attribute that holds a primitive's promotion score (Pacemaker 2.1's name, crm_master's). */
export function promotionAttribute(primitive: string): string {
  return `master-${primitive}`
}

/** One term of an instance's promotion score, for `hactl resource why`. */
export interface PromotionTerm {
  score: number
  source: string
}

export interface PromotionCandidate {
  unit: number
  node: number
  /** The promotion score; undefined when it cannot be promoted there (a reason, or a negative priority). */
  score: number | undefined
  /** Its own promotion priority: the agent's score (-1 when none) with Promoted locations and role colocations; negative: never promoted. */
  priority?: number
  terms: PromotionTerm[]
}

export interface RoleDecision {
  /** Per unit of the clone: promoted (1) or not (0). */
  promoted: number[]
  /** Per unit: why it is or is not promoted (for why and the reasons of promote/demote actions). */
  why: Map<number, string>
  candidates: PromotionCandidate[]
}

/** What the assigner knows when it chooses roles. */
export interface RoleContext {
  model: Model
  base: BaseScores
  colocations: ColocationIndex
  node: Int32Array
  running: Int32Array
  promoted: Uint8Array
  /** The nodes where a colocation's primary runs (in the colocation's role), or null while it is being assigned. */
  primaryNodes: (c: Colocation) => Uint8Array | null
}

function roleLocations(model: Model, clone: number): LocationConstraint[] {
  const info = model.clones[clone]
  return model.config.constraints.filter((c): c is LocationConstraint => c.type === 'location' && c.role === 'Promoted' && (c.resource === info.id || c.resource === info.child))
}

/** The agent's promotion score of a unit (a primitive instance or a cloned group) on a node; undefined when none is set. */
function attributeScore(model: Model, unit: number, node: number, terms: PromotionTerm[]): number | undefined {
  let total: number | undefined
  for (const i of model.units[unit].instances) {
    const primitive = model.instances[i].primitive.id
    const name = promotionAttribute(primitive)
    // Transient over configured node attributes (crm_master -l forever writes a configured one).
    const text = model.nodes[node].attributes[name]
    if (text === undefined) continue
    const value = parseScore(text)
    if (value === undefined) {
      terms.push({score: 0, source: `${name}=${JSON.stringify(text)} on ${model.nodes[node].name} is not a score`})
      continue
    }
    terms.push({score: value, source: `promotion score ${name} on ${model.nodes[node].name}`})
    total = addScores(total ?? 0, value)
  }
  return total
}

/** Can the unit be promoted at all where it is placed? '' when it can. */
function cannotPromote(model: Model, unit: number, node: number, running: Int32Array): string {
  const u = model.units[unit]
  if (node < 0 || running[unit] < u.instances.length) return 'not running'
  for (const i of u.instances) {
    const inst = model.instances[i]
    if (inst.noPromoteWhy !== '') return inst.noPromoteWhy
    if (!inst.managed) return inst.promotedOn === node ? '' : `unmanaged: ${inst.unmanagedWhy}`
    if (!inst.active.includes(node) && (!model.canStart || model.nodes[node].cannotHost !== '')) return 'cannot start'
  }
  // Without quorum nothing is promoted; a frozen instance keeps the role it has.
  if (!model.canStart && !(u.pinned === 'frozen' && model.instances[u.instances[0]].promotedOn === node)) return model.quorumWhy
  return ''
}

/**
 * The promotion score of a placed unit on its node: the agent's score, Promoted location constraints,
 * role colocations where the clone is the dependent (its Promoted instances with something) and the
 * preferences of what is colocated with its Promoted instances (scaled by score / INFINITY).
 */
function candidate(ctx: RoleContext, clone: number, unit: number, locations: LocationConstraint[]): PromotionCandidate {
  const {model} = ctx
  const n = ctx.node[unit]
  const terms: PromotionTerm[] = []
  const why = cannotPromote(model, unit, n, ctx.running)
  if (why !== '') return {unit, node: n, score: undefined, terms: [{score: MINUS_INFINITY, source: why}]}
  const own = attributeScore(model, unit, n, terms)
  // No promotion score counts as -1 (Pacemaker): only a Promoted location constraint can then make it promotable.
  let score = own ?? -1
  if (own === undefined) {
    const names = model.units[unit].instances.map((i) => promotionAttribute(model.instances[i].primitive.id)).join(', ')
    terms.push({score: -1, source: `no promotion score (${names}) on ${model.nodes[n].name}`})
  }
  const add = (value: number, source: string) => {
    terms.push({score: value, source})
    score = addScores(score, value)
  }
  const node = model.nodes[n]
  const matches = (c: LocationConstraint) => (c.node !== undefined ? c.node === node.name : ruleMatches(c.rule!, node, model.state.nowMs))
  const describe = (c: LocationConstraint) => `${c.id.startsWith('cli-prefer-') ? 'move' : c.id.startsWith('cli-ban-') ? 'ban' : 'location'} ${c.id}${c.rule ? ` (rule ${describeRule(c.rule)})` : ''}`
  for (const c of locations) if (matches(c)) add(parseScore(c.score) ?? 0, `${describe(c)} (role Promoted)`)
  // The instance's own priority decides whether it may be promoted at all (Pacemaker's priority).
  const priority = score
  for (const c of (ctx.colocations.byRole?.[clone] ?? [])) {
    const label = `colocation ${c.id} (${c.rscRole ?? ''} ${c.dependentName} with ${c.withRole ?? ''} ${c.primaryName}, ${formatScore(c.score)})`.replace(/\( /, '(').replace(/with {2}/, 'with ')
    if (c.rscRole === 'Promoted') {
      // This clone's Promoted instances follow (or avoid) the primary.
      const on = ctx.primaryNodes(c)
      if (on === null) continue
      const here = on[n] === 1
      if (c.score >= INFINITY && !here) add(MINUS_INFINITY, `${label}: ${c.primaryName} is not here`)
      else if (c.score <= MINUS_INFINITY && here) add(MINUS_INFINITY, label)
      else if (here && c.score > MINUS_INFINITY && c.score < INFINITY) add(c.score, label)
    } else if (c.withRole === 'Promoted' && c.rscRole === undefined) {
      // Something runs with this clone's Promoted instance: its own preferences pull the promotion (colocation influence).
      for (const d of c.dependents) {
        if (model.units[d].clone === clone) continue
        const theirs = ctx.base.scores[d][n]
        if (theirs <= MINUS_INFINITY || theirs >= INFINITY || theirs === 0) continue
        const exact = (c.score / INFINITY) * theirs
        const weight = exact < 0 ? Math.ceil(exact - 0.5) : Math.floor(exact + 0.5)
        if (weight !== 0) add(weight, `dependent ${model.units[d].id} (${label})`)
        break
      }
    }
  }
  if (priority < 0) return {unit, node: n, score: undefined, priority, terms}
  // A promotable instance is then ranked by the clone's own score on its node too: its location constraints without a role.
  const info = model.clones[clone]
  for (const c of model.config.constraints) {
    if (c.type === 'location' && c.resource === info.id && (c.role === undefined || c.role === 'Started') && matches(c)) add(parseScore(c.score) ?? 0, describe(c))
  }
  return {unit, node: n, score, priority, terms}
}

/** Chooses the Promoted instances of a promotable clone whose instances are placed. */
export function chooseRoles(ctx: RoleContext, clone: number): RoleDecision {
  const {model} = ctx
  const info = model.clones[clone]
  const units = info.units
  const why = new Map<number, string>()
  const promoted = units.map(() => 0)
  const locations = roleLocations(model, clone)
  const candidates = units.map((u) => candidate(ctx, clone, u, locations))
  const currentlyPromoted = (u: number) => {
    const inst = model.instances[model.units[u].instances[0]]
    return inst.promotedOn >= 0 && inst.promotedOn === ctx.node[u]
  }
  // Units that cannot move keep their role: a frozen, held or unmanaged Promoted instance stays Promoted.
  const order = candidates
    .map((c, k) => ({c, k}))
    .sort((a, b) => {
      const pa = model.units[a.c.unit].pinnedTo >= 0 && currentlyPromoted(a.c.unit) ? 1 : 0
      const pb = model.units[b.c.unit].pinnedTo >= 0 && currentlyPromoted(b.c.unit) ? 1 : 0
      if (pa !== pb) return pb - pa
      const sa = a.c.score ?? Number.NEGATIVE_INFINITY
      const sb = b.c.score ?? Number.NEGATIVE_INFINITY
      if (sa !== sb) return sb - sa
      const ca = currentlyPromoted(a.c.unit) ? 1 : 0
      const cb = currentlyPromoted(b.c.unit) ? 1 : 0
      if (ca !== cb) return cb - ca
      return a.k - b.k
    })
  const perNode = new Map<number, number>()
  let count = 0
  for (const {c, k} of order) {
    const u = c.unit
    const pinnedPromoted = model.units[u].pinnedTo >= 0 && currentlyPromoted(u)
    if (!pinnedPromoted) {
      if (c.score === undefined) {
        const none = c.terms.find((t) => t.source.startsWith('no promotion score'))
        const reason = c.priority === undefined ? c.terms[c.terms.length - 1]?.source : none !== undefined && c.priority === -1 ? none.source : `promotion priority ${formatScore(c.priority)} is negative`
        why.set(u, reason ?? 'cannot be promoted')
        continue
      }
      if (c.score < 0) {
        why.set(u, `promotion score ${formatScore(c.score)} on ${model.nodes[c.node].name} is negative`)
        continue
      }
      if (count >= info.promotedMax) {
        why.set(u, info.promotedMax === 0 ? `${info.id} may not be promoted (target-role Unpromoted or promoted-max 0)` : `promoted-max ${info.promotedMax} reached`)
        continue
      }
      if ((perNode.get(c.node) ?? 0) >= info.promotedNodeMax) {
        why.set(u, `promoted-node-max ${info.promotedNodeMax} reached on ${model.nodes[c.node].name}`)
        continue
      }
    }
    promoted[k] = 1
    count++
    perNode.set(c.node, (perNode.get(c.node) ?? 0) + 1)
    // The reason names the score and, when something besides the agent's score counted, what did.
    const others = [...new Set(c.terms.filter((t) => !t.source.startsWith('promotion score ')).map((t) => t.source))]
    why.set(u, pinnedPromoted && c.score === undefined ? 'keeps its role (cannot move)' : `promotion score ${formatScore(c.score ?? 0)} on ${model.nodes[c.node].name}${others.length === 0 ? '' : ` (${others.join(', ')})`}`)
  }
  return {promoted, why, candidates}
}

/**
 * Phase 5b: a positive promotion score also pulls the clone's instances to that node when they are placed
 * (Pacemaker adds it to the instances' node scores), so that instances run where they can be promoted.
 */
export function addPromotionScores(model: Model, base: BaseScores): void {
  for (const clone of model.clones) {
    if (!clone.promotable) continue
    for (const u of clone.units) {
      for (const node of model.nodes) {
        if (node.cannotHost !== '') continue
        const terms: PromotionTerm[] = []
        const score = attributeScore(model, u, node.index, terms)
        if (score === undefined || score <= 0) continue
        base.scores[u][node.index] = addScores(base.scores[u][node.index], score)
        if (model.units[u].current === node.index) base.here[u] = addScores(base.here[u], score)
        for (const t of terms) if (t.score > 0) note(model, u, node.index, t.score, t.source)
      }
    }
  }
}

/**
 * Phase 5c: colocations with a role. "R with Promoted CLONE" places R where the Promoted instances run
 * (it stays a colocation of R), and R's preferences pull both where the instances run and which is
 * promoted; "Promoted CLONE with R" acts on promotion only (Pacemaker). byRole lists both per clone.
 */
export function withRoles(model: Model, index: ColocationIndex): ColocationIndex {
  const byRole: Colocation[][] = model.clones.map(() => [])
  const roleful = index.all.filter((c) => c.rscRole !== undefined || c.withRole !== undefined)
  if (roleful.length === 0) return {...index, byRole}
  for (const c of roleful) {
    const clone = model.units[(c.rscRole !== undefined ? c.dependents : c.primaries)[0]].clone
    byRole[clone].push(c)
  }
  const placing = (c: Colocation) => c.rscRole === undefined
  return {
    all: index.all.filter(placing),
    asDependent: index.asDependent.map((list) => list.filter(placing)),
    // "R with Promoted CLONE": R's preferences pull the clone's instances too (Pacemaker's influence ignores the role).
    asPrimary: index.asPrimary.map((list) => list.filter(placing)),
    byRole,
  }
}
