// Colocation constraints resolved to units: "dependent with primary". The
// primary is placed first; the dependent follows (score > 0), avoids
// (score < 0), or is confined to / banned from the primary's nodes (±INFINITY).
import {parseScore} from '../config/scores.js'
import type {ColocationConstraint} from '../config/types.js'
import type {Model} from './model.js'

export interface Colocation {
  id: string
  score: number
  dependentName: string
  primaryName: string
  dependents: number[]
  primaries: number[]
  /** Per node, its value of the colocation's node attribute (the node's name when there is none; one shared key for nodes without it). */
  nodeKey: (string | undefined)[]
  /** Whether it has a node attribute (otherwise nodeKey is each node's name). */
  byAttribute: boolean
  /** The primary's role (with-rsc-role, a promotable clone's): the dependent goes where the primary's instances in that role run. */
  withRole?: 'Promoted' | 'Unpromoted'
  /** The dependent's role (rsc-role, a promotable clone's): acts on which of its instances are promoted, not on placement. */
  rscRole?: 'Promoted' | 'Unpromoted'
}

export interface ColocationIndex {
  all: Colocation[]
  /** Per unit: colocations where it is the dependent. */
  asDependent: Colocation[][]
  /** Per unit: colocations where it is the primary. */
  asPrimary: Colocation[][]
  /** Per clone: colocations with a role that act on the choice of its promoted instances (promotion.ts, withRoles). */
  byRole?: Colocation[][]
}

/** The roles of a colocation, where they name a promotable clone (Started, or a role of anything else, is no role). */
function roles(model: Model, c: ColocationConstraint, dependents: number[], primaries: number[]): Pick<Colocation, 'withRole' | 'rscRole'> {
  const promotable = (units: number[]) => units.length > 0 && model.units[units[0]].clone >= 0 && model.clones[model.units[units[0]].clone].promotable
  const out: Pick<Colocation, 'withRole' | 'rscRole'> = {}
  if (c.withRole !== undefined && c.withRole !== 'Started' && promotable(primaries)) out.withRole = c.withRole
  if (c.rscRole !== undefined && c.rscRole !== 'Started' && promotable(dependents)) out.rscRole = c.rscRole
  return out
}

export function indexColocations(model: Model): ColocationIndex {
  const asDependent: Colocation[][] = model.units.map(() => [])
  const asPrimary: Colocation[][] = model.units.map(() => [])
  const all: Colocation[] = []
  for (const c of model.config.constraints) {
    if (c.type !== 'colocation') continue
    const dependents = model.unitsByName.get(c.resource) ?? []
    const primaries = model.unitsByName.get(c.withResource) ?? []
    // Members of one group are colocated by the group itself.
    if (dependents.length === 0 || primaries.length === 0 || dependents.some((d) => primaries.includes(d))) continue
    const attribute = c.nodeAttribute
    // Nodes without the attribute count as one place too, as in Pacemaker (an absent value equals an absent value).
    const nodeKey = model.nodes.map((n) => (attribute === undefined || attribute === '#uname' ? n.name : n.attributes[attribute] ?? '\u0000absent'))
    const colocation: Colocation = {id: c.id, score: parseScore(c.score) ?? 0, dependentName: c.resource, primaryName: c.withResource, dependents, primaries, nodeKey, byAttribute: attribute !== undefined && attribute !== '#uname', ...roles(model, c, dependents, primaries)}
    all.push(colocation)
    for (const d of dependents) asDependent[d].push(colocation)
    for (const p of primaries) asPrimary[p].push(colocation)
  }
  return {all, asDependent, asPrimary}
}
