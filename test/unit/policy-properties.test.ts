// Property tests of the policy engine: random clusters from a seeded generator
// (test/scenarios/random-cluster.ts) and the invariants every schedule must
// keep. A failure names the seed; `node --import tsx test/scenarios/show-seed.ts N` shows it.
import assert from 'node:assert/strict'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {schedule, validateClusterState, type ScheduleResult} from '../../src/core/policy/index.js'
import {generate, type Case} from '../scenarios/random-cluster.js'

const SEEDS = 3000

function instancesOf(config: ResourceConfig, target: string): Set<string> {
  const primitives = new Set<string>()
  const add = (id: string) => {
    const group = config.groups.find((g) => g.id === id)
    if (group) group.members.forEach(add)
    else primitives.add(id)
  }
  const clone = config.clones.find((c) => c.id === target)
  add(clone ? clone.child : target)
  return primitives
}

/** The primitive an instance id belongs to ("r3:1" -> "r3"). */
function primitiveOf(instance: string): string {
  return instance.replace(/:\d+$/, '')
}

function managedStarts(result: ScheduleResult): Map<string, string> {
  const out = new Map<string, string>()
  for (const p of result.placement) if (p.status === 'started' && p.node !== null) out.set(p.resource, p.node)
  return out
}

function check(seed: number, {config, state}: Case): void {
  const result = schedule(config, state)
  const say = (what: string) => `seed ${seed}: ${what}`
  const started = managedStarts(result)
  const byPrimitive = new Map<string, string[]>()
  for (const [instance, node] of started) byPrimitive.set(primitiveOf(instance), [...(byPrimitive.get(primitiveOf(instance)) ?? []), node])

  // No resource placed on an offline, lost or standby node.
  for (const [instance, node] of started) {
    const s = state.nodes[node]
    const entry = config.nodes.find((n) => n.name === node)!
    const wasThere = state.resources[instance]?.nodes[node]?.role === 'started'
    assert.ok(s.online, say(`${instance} placed on offline node ${node}`))
    assert.ok(!entry.standby && !s.standby, say(`${instance} placed on standby node ${node}`))
    assert.ok(!entry.maintenance || wasThere, say(`${instance} started on maintenance node ${node}`))
  }
  // Every -INFINITY location (bans included) is respected.
  for (const c of config.constraints) {
    if (c.type !== 'location' || c.score !== '-INFINITY' || c.node === undefined) continue
    for (const p of instancesOf(config, c.resource)) {
      assert.ok(!(byPrimitive.get(p) ?? []).includes(c.node), say(`${p} placed on ${c.node} despite ${c.id}`))
    }
  }
  // -INFINITY colocation: never together.
  for (const c of config.constraints) {
    if (c.type !== 'colocation' || c.score !== '-INFINITY') continue
    const a = [...instancesOf(config, c.resource)].flatMap((p) => byPrimitive.get(p) ?? [])
    const b = [...instancesOf(config, c.withResource)].flatMap((p) => byPrimitive.get(p) ?? [])
    assert.ok(!a.some((n) => b.includes(n)), say(`${c.id}: ${c.resource} and ${c.withResource} share a node`))
  }
  // +INFINITY colocation: the dependent runs only where the primary runs (unless something is pinned by hand).
  const pinned = new Set(result.placement.filter((p) => p.status !== 'started' && p.status !== 'stopped').map((p) => primitiveOf(p.resource)))
  for (const c of config.constraints) {
    if (c.type !== 'colocation' || c.score !== 'INFINITY') continue
    const dependents = [...instancesOf(config, c.resource)]
    const primaries = [...instancesOf(config, c.withResource)]
    if ([...dependents, ...primaries].some((p) => pinned.has(p))) continue
    const where = new Set(primaries.flatMap((p) => byPrimitive.get(p) ?? []))
    for (const node of dependents.flatMap((p) => byPrimitive.get(p) ?? [])) assert.ok(where.has(node), say(`${c.id}: ${c.resource} on ${node} without ${c.withResource}`))
  }
  // Group members run together.
  for (const g of config.groups) {
    if (config.clones.some((c) => c.child === g.id)) continue
    const where = new Set(g.members.flatMap((m) => byPrimitive.get(m) ?? []))
    assert.ok(where.size <= 1, say(`group ${g.id} split over ${[...where].join(', ')}`))
  }
  // No action on an unmanaged resource.
  const unmanaged = new Set(result.placement.filter((p) => p.status === 'unmanaged' || p.status === 'held' || p.status === 'frozen').map((p) => p.resource))
  for (const a of result.transition.actions) {
    if (a.resource !== undefined) assert.ok(!unmanaged.has(a.resource), say(`action ${a.id} on unmanaged ${a.resource}`))
  }
  // Acyclic and listed in topological order: every dependency comes earlier.
  const position = new Map(result.transition.actions.map((a, i) => [a.id, i]))
  for (const [i, a] of result.transition.actions.entries()) {
    for (const d of a.dependsOn) assert.ok((position.get(d) ?? Infinity) < i, say(`${a.id} listed before its dependency ${d}`))
  }
  // Stops come before the starts they block: a start of an instance waits (transitively) for every stop of it.
  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    for (const d of result.transition.actions[position.get(id)!].dependsOn) if (!seen.has(d)) {
      seen.add(d)
      ancestors(d, seen)
    }
    return seen
  }
  for (const a of result.transition.actions) {
    if (a.op !== 'start' && a.op !== 'migrate_to') continue
    const before = ancestors(a.id)
    for (const s of result.transition.actions) {
      if (s.op === 'stop' && s.resource === a.resource && a.op === 'start') assert.ok(before.has(s.id), say(`${a.id} does not wait for ${s.id}`))
    }
  }
  // Nothing starts without quorum, unless no-quorum-policy=ignore.
  if (!state.quorate && config.properties['no-quorum-policy'] !== 'ignore') {
    assert.ok(!result.transition.actions.some((a) => a.op === 'start' || a.op === 'migrate_from'), say('a start without quorum'))
  }
  // Deterministic: the same input, byte for byte the same output.
  assert.equal(JSON.stringify(schedule(structuredClone(config), structuredClone(state))), JSON.stringify(result), say('output differs between runs'))
  // Converged: once the transition has completed, nothing more is to be done
  // (except after multiple-active=stop_only, which nothing records: see hactl-policy(7)).
  validateClusterState(result.nextState)
  if (result.changes.some((c) => c.reason.includes('stop_only'))) return
  // Colocation influence (a dependent's scores, which include its stickiness once it runs, pull its
  // primary) can move a primary once more after its dependents have started, as in Pacemaker: a second
  // transition may be needed, never a third.
  let again = schedule(config, result.nextState)
  if (again.transition.actions.some((a) => a.op !== 'monitor')) again = schedule(config, again.nextState)
  const pending = again.transition.actions.filter((a) => a.op !== 'monitor')
  assert.deepEqual(pending.map((a) => a.id), [], say('the state after two transitions is not stable'))
}

describe('policy engine properties', () => {
  it(`keeps its invariants on ${SEEDS} random clusters`, function () {
    this.timeout(120_000)
    for (let seed = 1; seed <= SEEDS; seed++) check(seed, generate(seed))
  })

  it('the generator covers what it should', () => {
    let groups = 0
    let clones = 0
    let lost = 0
    let failed = 0
    for (let seed = 1; seed <= 300; seed++) {
      const {config, state} = generate(seed)
      groups += config.groups.length
      clones += config.clones.length
      lost += Object.values(state.nodes).filter((n) => n.unclean).length
      failed += Object.values(state.resources).filter((r) => Object.values(r.nodes).some((n) => n.role === 'failed')).length
    }
    for (const [what, n] of Object.entries({groups, clones, lost, failed})) assert.ok(n > 20, `only ${n} ${what}`)
  })
})
