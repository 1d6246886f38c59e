// Phase 10: the transition graph. Dependencies are deduplicated and sorted,
// actions are listed in a deterministic topological order (ready actions in the
// order they were made: fences, then resources in configuration order), and an ordering loop from contradictory constraints is broken with a
// warning instead of deadlocking the transition.
import {MinHeap} from '../min-heap.js'
import type {Action} from './actions.js'

function cleanDependencies(action: Action, rank: Map<string, number>): void {
  const deps = action.dependsOn
  if (deps.length === 0) return
  if (deps.length === 1) {
    if (!rank.has(deps[0])) action.dependsOn = []
    return
  }
  action.dependsOn = [...new Set(deps)].filter((d) => rank.has(d)).sort()
}

export function buildGraph(input: Action[], warnings: string[]): Action[] {
  // Ranks follow the order actions were made in (fences, then instances in configuration order): deterministic, and cheaper than sorting ids.
  const rank = new Map<string, number>()
  const actions: Action[] = []
  for (const a of input) {
    if (rank.has(a.id)) continue
    rank.set(a.id, actions.length)
    actions.push(a)
  }
  const n = actions.length
  const pending = new Int32Array(n)
  // Dependents in one flat array (compressed rows): 20,000 small arrays would cost more in garbage than in work.
  const start = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) {
    cleanDependencies(actions[i], rank)
    pending[i] = actions[i].dependsOn.length
    for (const d of actions[i].dependsOn) start[rank.get(d)! + 1]++
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i]
  const fill = start.slice(0, n)
  const dependents = new Int32Array(start[n])
  for (let i = 0; i < n; i++) for (const d of actions[i].dependsOn) dependents[fill[rank.get(d)!]++] = i
  // The ready set of Kahn's algorithm, by rank, so the order is deterministic.
  const ready = new MinHeap<number>((a, b) => a < b)
  for (let i = 0; i < n; i++) if (pending[i] === 0) ready.push(i)
  const done = new Uint8Array(n)
  const out: Action[] = []
  while (out.length < n) {
    while (ready.size === 0) breakLoop(actions, rank, pending, done, ready, warnings)
    const i = ready.pop()!
    out.push(actions[i])
    done[i] = 1
    for (let k = start[i]; k < start[i + 1]; k++) if (--pending[dependents[k]] === 0) ready.push(dependents[k])
  }
  return out
}

/**
 * Contradictory orderings made a loop: walk waiting actions along their waiting
 * dependencies until one repeats, and drop the one edge that closes the loop.
 */
function breakLoop(actions: Action[], rank: Map<string, number>, pending: Int32Array, done: Uint8Array, ready: MinHeap<number>, warnings: string[]): void {
  const waiting = (id: string) => done[rank.get(id)!] === 0
  const path: number[] = []
  const at = new Map<number, number>()
  let current = done.indexOf(0)
  while (!at.has(current)) {
    at.set(current, path.length)
    path.push(current)
    current = rank.get(actions[current].dependsOn.find(waiting)!)!
  }
  // path[j] waits for path[j + 1]; the last waits for `current`: a loop. Drop an edge between two
  // resources (never a resource's own stop -> start), the first one found.
  const loop = path.slice(at.get(current)!)
  let j = loop.findIndex((a, i) => actions[a].resource !== actions[loop[(i + 1) % loop.length]].resource)
  if (j < 0) j = loop.length - 1
  const waiter = actions[loop[j]]
  const awaited = actions[loop[(j + 1) % loop.length]]
  waiter.dependsOn = waiter.dependsOn.filter((d) => d !== awaited.id)
  warnings.push(`ordering loop: ${waiter.id} no longer waits for ${awaited.id}`)
  if (--pending[loop[j]] === 0) ready.push(loop[j])
}
