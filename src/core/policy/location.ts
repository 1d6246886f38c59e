// Phase 5: each unit's own score on each node: node eligibility, location
// constraints and rules, symmetric-cluster, stickiness, fail counts.
import {booleanProperty} from '../config/booleans.js'
import {propertyValue} from '../config/defaults.js'
import {addScores, formatScore, INFINITY, MINUS_INFINITY, parseScore} from '../config/scores.js'
import type {LocationConstraint} from '../config/types.js'
import {note, type Model, type Unit} from './model.js'
import {describeRule, nextRuleChange, ruleMatches} from './rules.js'

export {ruleMatches} from './rules.js'

export interface BaseScores {
  /** Per unit, per node index. */
  scores: Float64Array[]
  /** Per group unit: per node, the first member that cannot run there (members.length: all can); null for single units. */
  tailBans: (Int32Array | null)[]
  /** The first source of a -INFINITY that is not node eligibility, keyed unit * nodes + node: the reason a unit left a node. */
  causes: Map<number, string>
  /** Per unit: its score where it runs now, leaving out that the node may no longer host (-INFINITY - 1: runs nowhere). */
  here: Float64Array
  /** When a date expression of a location rule next changes (-1: none). */
  recheckAtMs: number
}

function describeLocation(c: LocationConstraint): string {
  if (c.id.startsWith('cli-ban-')) return `ban ${c.id}`
  if (c.id.startsWith('cli-prefer-')) return `move ${c.id}`
  if (c.rule) return `location ${c.id} (rule ${describeRule(c.rule)})`
  return `location ${c.id}`
}

function indexLocations(model: Model): Map<string, LocationConstraint[]> {
  const byResource = new Map<string, LocationConstraint[]>()
  for (const c of model.config.constraints) {
    if (c.type !== 'location') continue
    // A location for a role (Promoted, Unpromoted) does not place instances; Promoted acts on promotion (promotion.ts).
    if (c.role !== undefined && c.role !== 'Started') continue
    const list = byResource.get(c.resource)
    if (list) list.push(c)
    else byResource.set(c.resource, [c])
  }
  return byResource
}

function stickinessOf(model: Model, unit: Unit, member: number): number {
  const inst = model.instances[unit.instances[member]]
  const text = inst.meta('resource-stickiness') ?? model.config.properties['resource-stickiness']
  // Pacemaker gives clone instances a stickiness of 1 when nothing else is set.
  if (text === undefined) return unit.clone >= 0 ? 1 : 0
  return parseScore(text) ?? 0
}

function threshold(model: Model, unit: Unit, member: number): number {
  const inst = model.instances[unit.instances[member]]
  const value = parseScore(inst.meta('migration-threshold') ?? propertyValue(model.config, 'migration-threshold')) ?? INFINITY
  return value <= 0 ? Number.POSITIVE_INFINITY : value
}

class UnitScorer {
  readonly score: Float64Array
  /** The score where the unit runs now, without its node's unavailability (Pacemaker's weight there). */
  here = 0
  tail: Int32Array | null
  constructor(private readonly model: Model, private readonly unit: Unit, buffer: Float64Array, nodeCount: number, private readonly causes: Map<number, string>) {
    this.score = buffer.subarray(unit.index * nodeCount, (unit.index + 1) * nodeCount)
    this.tail = unit.instances.length > 1 ? new Int32Array(nodeCount).fill(unit.instances.length) : null
  }

  add(node: number, value: number, source: string, member = 0, explains = true): void {
    const key = this.unit.index * this.score.length + node
    if (explains && value <= MINUS_INFINITY && !this.causes.has(key)) this.causes.set(key, source)
    if (member > 0 && value <= MINUS_INFINITY && this.tail) {
      if (member < this.tail[node]) this.tail[node] = member
      note(this.model, this.unit.index, node, value, `${source} (member ${this.model.instances[this.unit.instances[member]].id} only)`)
      return
    }
    this.score[node] = addScores(this.score[node], value)
    if (node === this.unit.current && !(explains === false && source === this.model.nodes[node].cannotHost)) this.here = addScores(this.here, value)
    note(this.model, this.unit.index, node, value, source)
  }
}

function memberOf(model: Model, unit: Unit, name: string): number {
  const k = unit.instances.findIndex((i) => model.instances[i].primitive.id === name)
  return k < 0 || unit.names[0] === name ? 0 : k
}

function scoreUnit(model: Model, unit: Unit, locations: Map<string, LocationConstraint[]>, symmetric: boolean, causes: Map<number, string>, buffer: Float64Array): UnitScorer {
  const nodes = model.nodes
  const s = new UnitScorer(model, unit, buffer, nodes.length, causes)
  // Opt-in: per member, the nodes a location constraint admits it to (one on the group or clone admits every member).
  const allowed = symmetric ? null : unit.instances.map(() => new Uint8Array(nodes.length))
  for (const node of nodes) if (node.cannotHost !== '') s.add(node.index, MINUS_INFINITY, node.cannotHost, 0, false)
  for (const name of unit.names) {
    for (const c of locations.get(name) ?? []) {
      const score = parseScore(c.score) ?? 0
      const member = memberOf(model, unit, name)
      for (const node of nodes) {
        if (c.node !== undefined ? c.node !== node.name : !ruleMatches(c.rule!, node, model.state.nowMs)) continue
        s.add(node.index, score, describeLocation(c), member)
        if (allowed && score >= 0) {
          const whole = unit.instances.length === 1 || name === unit.names[0] || (unit.clone >= 0 && name === model.clones[unit.clone].id)
          if (whole) for (const a of allowed) a[node.index] = 1
          else allowed[member][node.index] = 1
        }
      }
    }
  }
  // Members from the first that must stay stopped on never run in the group, so their stickiness holds nothing.
  let stopsFrom = unit.instances.length
  unit.instances.forEach((i, member) => {
    const inst = model.instances[i]
    if (inst.stopWhy !== '' && member < stopsFrom) stopsFrom = member
    // Stickiness and thresholds are looked up only where they can matter: most instances run nowhere and never failed.
    const stickiness = inst.active.length === 0 || member >= stopsFrom ? 0 : stickinessOf(model, unit, member)
    if (stickiness !== 0) for (const n of inst.active) s.add(n, stickiness, `stickiness of ${inst.id}`)
    const limit = inst.failCounts.size === 0 ? 0 : threshold(model, unit, member)
    for (const [n, count] of inst.failCounts) {
      if (count >= limit) s.add(n, MINUS_INFINITY, `${inst.id} failed ${count} times (migration-threshold ${formatScore(limit)})`, member)
    }
  })
  if (allowed) {
    // A member not admitted to a node keeps the group there to the members before it (the first: not at all).
    allowed.forEach((a, member) => {
      for (const node of nodes) if (!a[node.index]) s.add(node.index, MINUS_INFINITY, 'symmetric-cluster=false and no location constraint allows this node', member, member > 0)
    })
  }
  return s
}

export function locationScores(model: Model): BaseScores {
  const locations = indexLocations(model)
  const symmetric = booleanProperty(model.config, 'symmetric-cluster')
  const scores: Float64Array[] = []
  const tailBans: (Int32Array | null)[] = []
  const here = new Float64Array(model.units.length)
  const causes = new Map<number, string>()
  // One buffer for all units: 640,000 scores in one allocation instead of 10,000.
  const buffer = new Float64Array(model.units.length * model.nodes.length)
  for (const unit of model.units) {
    const s = scoreUnit(model, unit, locations, symmetric, causes, buffer)
    scores.push(s.score)
    tailBans.push(s.tail)
    here[unit.index] = unit.current < 0 ? MINUS_INFINITY - 1 : s.here
  }
  let recheckAtMs = -1
  for (const c of model.config.constraints) {
    if (c.type !== 'location' || c.rule === undefined) continue
    const t = nextRuleChange(c.rule, model.state.nowMs)
    if (t >= 0 && (recheckAtMs < 0 || t < recheckAtMs)) recheckAtMs = t
  }
  return {scores, tailBans, causes, here, recheckAtMs}
}
