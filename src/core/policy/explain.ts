// `hactl resource why R`: per node, the score of R's unit and the terms it is made of.
import {addScores} from '../config/scores.js'
import type {ResourceConfig} from '../config/types.js'
import {scheduleInternals} from './schedule.js'
import type {ClusterState} from './state.js'
import {unpack} from './unpack.js'

export interface NodeExplanation {
  node: string
  score: number
  terms: Array<{score: number, source: string}>
}

export interface UnitExplanation {
  /** The unit placed: the resource, its group, or a clone instance. */
  unit: string
  node: string | null
  reason: string
  nodes: NodeExplanation[]
}

export interface Explanation {
  resource: string
  units: UnitExplanation[]
}

/** Explains the placement of a primitive, group, clone or clone instance; undefined when the id is unknown. */
export function explain(config: ResourceConfig, state: ClusterState, resourceId: string): Explanation | undefined {
  const shape = unpack(config, state)
  let ids = shape.unitsByName.get(resourceId)
  if (!ids) {
    const inst = shape.instanceIndex.get(resourceId)
    ids = inst === undefined ? undefined : [shape.instances[inst].unit]
  }
  if (!ids || ids.length === 0) return undefined
  const {model, assignment} = scheduleInternals(config, state, ids)
  const terms = model.trace!.terms
  const units = ids.map((u): UnitExplanation => {
    const unit = model.units[u]
    const node = assignment.node[u]
    const nodes = model.nodes.map((n): NodeExplanation => {
      const mine = terms.filter((t) => t.unit === unit.id && t.node === n.name)
      // A unit decided without scoring (pinned, stopped) has no final scores: fall back to its own.
      const score = assignment.finalScores.get(u)?.[n.index]
      return {node: n.name, score: score ?? mine.reduce((a, t) => addScores(a, t.score), 0), terms: mine.map((t) => ({score: t.score, source: t.source}))}
    })
    return {unit: unit.id, node: node >= 0 ? model.nodes[node].name : null, reason: assignment.why[u], nodes}
  })
  return {resource: resourceId, units}
}
