// Phase 10: the transition graph. Dependencies are deduplicated and sorted,
// actions are listed in a deterministic topological order (ready actions by
// id), and an ordering loop from contradictory constraints is broken with a
// warning instead of deadlocking the transition.
import type {Action} from './actions.js'

/** A binary min-heap of strings: the ready set of Kahn's algorithm, so the order is deterministic. */
class Heap {
  private readonly items: string[] = []
  get size(): number {
    return this.items.length
  }

  push(value: string): void {
    const a = this.items
    a.push(value)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (a[parent] <= a[i]) break
      ;[a[parent], a[i]] = [a[i], a[parent]]
      i = parent
    }
  }

  pop(): string {
    const a = this.items
    const top = a[0]
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && a[l] < a[m]) m = l
        if (r < a.length && a[r] < a[m]) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i], a[m]]
        i = m
      }
    }
    return top
  }
}

export function buildGraph(actions: Action[], warnings: string[]): Action[] {
  const byId = new Map<string, Action>()
  for (const a of actions) byId.set(a.id, a)
  const pending = new Map<string, number>()
  const dependents = new Map<string, string[]>()
  for (const a of byId.values()) {
    a.dependsOn = [...new Set(a.dependsOn)].filter((d) => byId.has(d)).sort()
    pending.set(a.id, a.dependsOn.length)
    for (const d of a.dependsOn) {
      const list = dependents.get(d)
      if (list) list.push(a.id)
      else dependents.set(d, [a.id])
    }
  }
  const ready = new Heap()
  for (const [id, count] of pending) if (count === 0) ready.push(id)
  const out: Action[] = []
  while (out.length < byId.size) {
    if (ready.size === 0) breakLoop(byId, pending, ready, warnings)
    const id = ready.pop()
    out.push(byId.get(id)!)
    pending.delete(id)
    for (const next of dependents.get(id) ?? []) {
      const left = pending.get(next)
      if (left === undefined) continue
      pending.set(next, left - 1)
      if (left === 1) ready.push(next)
    }
  }
  return out
}

/**
 * Contradictory orderings made a loop: walk waiting actions along their waiting
 * dependencies until one repeats, and drop the one edge that closes the loop.
 */
function breakLoop(byId: Map<string, Action>, pending: Map<string, number>, ready: Heap, warnings: string[]): void {
  const seen = new Set<string>()
  let previous = ''
  let current = [...pending.keys()].sort()[0]
  while (!seen.has(current)) {
    seen.add(current)
    previous = current
    current = byId.get(current)!.dependsOn.find((d) => pending.has(d))!
  }
  // previous waits for current, and current (transitively) waits for previous.
  const action = byId.get(previous)!
  action.dependsOn = action.dependsOn.filter((d) => d !== current)
  warnings.push(`ordering loop: ${previous} no longer waits for ${current}`)
  const left = pending.get(previous)! - 1
  pending.set(previous, left)
  if (left === 0) ready.push(previous)
}
