// Colocation constraints resolved to units: "dependent with primary". The
// primary is placed first; the dependent follows (score > 0), avoids
// (score < 0), or is confined to / banned from the primary's nodes (±INFINITY).
import {parseScore} from '../config/scores.js'
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
  /** The primary's role (with-rsc-role): the dependent goes where the primary's instances in that role run. */
  withRole?: 'Promoted' | 'Unpromoted'
  /** The dependent's role (rsc-role): acts on which instances of the dependent promotable clone are promoted, not on placement. */
  rscRole?: 'Promoted' | 'Unpromoted'
}

export interface ColocationIndex {
  all: Colocation[]
  /** Per unit: colocations where it is the dependent. */
  asDependent: Colocation[][]
  /** Per unit: colocations where it is the primary (without those for a role of the primary: they act on promotion). */
  asPrimary: Colocation[][]
  /** Per clone: colocations with a role on either side that act on the choice of its promoted instances. */
  byRole: Colocation[][]
}

export function indexColocations(model: Model): ColocationIndex {
  const asDependent: Colocation[][] = model.units.map(() => [])
  const asPrimary: Colocation[][] = model.units.map(() => [])
  const all: Colocation[] = []
  const byRole: Colocation[][] = model.clones.map(() => [])
  const promotableClone = (units: number[]) => {
    const clone = units.length > 0 ? model.units[units[0]].clone : -1
    return clone >= 0 && model.clones[clone].promotable ? clone : -1
  }
  for (const c of model.config.constraints) {
    if (c.type !== 'colocation') continue
    const dependents = model.unitsByName.get(c.resource) ?? []
    const primaries = model.unitsByName.get(c.withResource) ?? []
    // Members of one group are colocated by the group itself.
    if (dependents.length === 0 || primaries.length === 0 || dependents.some((d) => primaries.includes(d))) continue
    const attribute = c.nodeAttribute
    // Nodes without the attribute count as one place too, as in Pacemaker (an absent value equals an absent value).
    const nodeKey = model.nodes.map((n) => (attribute === undefined || attribute === '#uname' ? n.name : n.attributes[attribute] ?? '\u0000absent'))
    const colocation: Colocation = {id: c.id, score: parseScore(c.score) ?? 0, dependentName: c.resource, primaryName: c.withResource, dependents, primaries, nodeKey, byAttribute: attribute !== undefined && attribute !== '#uname'}
    const primaryClone = promotableClone(primaries)
    const dependentClone = promotableClone(dependents)
    if (c.withRole !== undefined && c.withRole !== 'Started' && primaryClone >= 0) colocation.withRole = c.withRole
    if (c.rscRole !== undefined && c.rscRole !== 'Started' && dependentClone >= 0) colocation.rscRole = c.rscRole
    if (colocation.rscRole !== undefined) {
      // The dependent clone's instances are placed without it; it chooses which of them are promoted (Pacemaker).
      byRole[dependentClone].push(colocation)
      continue
    }
    all.push(colocation)
    for (const d of dependents) asDependent[d].push(colocation)
    if (colocation.withRole !== undefined) byRole[primaryClone].push(colocation)
    else for (const p of primaries) asPrimary[p].push(colocation)
  }
  return {all, asDependent, asPrimary, byRole}
}
