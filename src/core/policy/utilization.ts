// Utilization: node capacity left, and whether a unit fits. Only used when
// placement-strategy is not "default" (Pacemaker ignores utilization then).
import type {Model, Unit} from './model.js'

export type Capacity = Record<string, number>[]

export function initialCapacity(model: Model): Capacity {
  return model.nodes.map((n) => ({...n.capacity}))
}

/** The first attribute the node lacks for the unit, or '' when it fits. A node without the attribute has none of it. */
export function lacking(capacity: Capacity, node: number, unit: Unit | {utilization: Record<string, number>}): string {
  for (const [name, need] of Object.entries(unit.utilization)) {
    if (need > 0 && (capacity[node][name] ?? 0) < need) return name
  }
  return ''
}

export function consume(capacity: Capacity, node: number, unit: Unit | {utilization: Record<string, number>}): void {
  for (const [name, need] of Object.entries(unit.utilization)) capacity[node][name] = (capacity[node][name] ?? 0) - need
}

/** > 0 when node a has more free capacity than b: more attributes with more room (Pacemaker's rule). */
export function compareFree(capacity: Capacity, a: number, b: number): number {
  let wins = 0
  const names = new Set([...Object.keys(capacity[a]), ...Object.keys(capacity[b])])
  for (const name of names) {
    const x = capacity[a][name] ?? 0
    const y = capacity[b][name] ?? 0
    if (x > y) wins++
    else if (x < y) wins--
  }
  return wins
}

/** Each member's own utilization, for a group that does not fit anywhere in full. */
export function memberUtilization(model: Model, unit: Unit): Array<{utilization: Record<string, number>}> {
  return unit.instances.map((i) => {
    const utilization: Record<string, number> = {}
    for (const [name, text] of Object.entries(model.instances[i].primitive.utilization)) {
      const value = Number.parseInt(text, 10)
      if (Number.isFinite(value)) utilization[name] = value
    }
    return {utilization}
  })
}
