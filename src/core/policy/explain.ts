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

/** One instance of a promotable clone: its role after the transition and its promotion score. */
export interface RoleExplanation {
  instance: string
  node: string | null
  role: 'Promoted' | 'Unpromoted' | 'Stopped'
  /** The promotion score where it runs; null when it cannot be promoted there. */
  score: number | null
  reason: string
  terms: Array<{score: number, source: string}>
}

export interface Explanation {
  resource: string
  units: UnitExplanation[]
  /** A promotable clone (or an instance or child of one): how its Promoted instances were chosen. */
  roles?: {clone: string, promotedMax: number, promotedNodeMax: number, instances: RoleExplanation[]}
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
  const clone = model.units[ids[0]].clone
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
  const out: Explanation = {resource: resourceId, units}
  const decision = clone >= 0 ? assignment.roles.get(clone) : undefined
  if (decision !== undefined) {
    const info = model.clones[clone]
    const instances = decision.candidates.filter((c) => ids!.includes(c.unit)).map((c): RoleExplanation => {
      const node = assignment.node[c.unit]
      const role = node < 0 ? 'Stopped' : assignment.promoted[c.unit] ? 'Promoted' : 'Unpromoted'
      return {instance: model.units[c.unit].id, node: node < 0 ? null : model.nodes[node].name, role, score: c.score ?? null, reason: decision.why.get(c.unit) ?? '', terms: c.terms}
    })
    out.roles = {clone: info.id, promotedMax: info.promotedMax, promotedNodeMax: info.promotedNodeMax, instances}
  }
  return out
}
