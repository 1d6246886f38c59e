// Seeded random clusters for the differential test against crm_simulate:
// 2-6 nodes, up to 15 primitives in primitives, groups and clones; locations
// (by node and by rule), colocations (finite, +/-INFINITY), orders, stickiness,
// utilization with a placement strategy, opt-in clusters, offline and standby
// nodes, what runs where, fail counts and failed resources.
import type {Constraint, ResourceConfig, ScoreText} from '../../src/core/config/types.js'
import type {ClusterState} from '../../src/core/policy/state.js'

export interface Case {
  seed: number
  config: ResourceConfig
  state: ClusterState
}

/** mulberry32: small, fast, good enough for test inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function generate(seed: number): Case {
  const rnd = random(seed)
  const extra = random(seed ^ 0x5bd1e995)
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const chance = (p: number) => rnd() < p

  const nodeCount = int(2, 6)
  const strategy = chance(0.25) ? pick(['utilization', 'balanced', 'minimal'] as const) : 'default'
  const config: ResourceConfig = {epoch: 1, properties: {'stonith-enabled': 'false'}, nodes: [], resources: [], groups: [], clones: [], constraints: []}
  if (strategy !== 'default') config.properties['placement-strategy'] = strategy
  const optIn = chance(0.15)
  if (optIn) config.properties['symmetric-cluster'] = 'false'
  if (chance(0.4)) config.properties['resource-stickiness'] = String(pick(['0', '50', '100', '1000', 'INFINITY']))
  for (let i = 1; i <= nodeCount; i++) {
    const attributes: Record<string, string> = {}
    if (chance(0.6)) attributes.rack = pick(['a', 'b'])
    if (chance(0.4)) attributes.ssd = 'yes'
    const utilization: Record<string, string> = strategy === 'default' ? {} : {cpu: String(int(2, 8))}
    config.nodes.push({name: `n${i}`, attributes, utilization, standby: chance(0.07), maintenance: false})
  }

  // Top-level resources: primitives, groups, clones.
  const primitiveCount = int(1, 15)
  let made = 0
  const topLevel: string[] = []
  const groupMembers: string[] = []
  const newPrimitive = (): string => {
    made++
    const id = `r${made}`
    const meta: Record<string, string> = {}
    if (chance(0.1)) meta['resource-stickiness'] = String(pick(['0', '100', 'INFINITY']))
    if (chance(0.15)) meta['migration-threshold'] = String(int(1, 3))
    if (chance(0.05)) meta.priority = String(int(1, 10))
    const utilization: Record<string, string> = strategy !== 'default' && chance(0.8) ? {cpu: String(int(1, 4))} : {}
    config.resources.push({id, agent: 'ocf:heartbeat:Dummy', params: {}, meta, operations: [], utilization})
    return id
  }
  let g = 0
  let c = 0
  while (made < primitiveCount) {
    const roll = rnd()
    if (roll < 0.2 && primitiveCount - made >= 2) {
      g++
      const members = Array.from({length: Math.min(int(2, 3), primitiveCount - made)}, newPrimitive)
      config.groups.push({id: `g${g}`, members, meta: {}})
      groupMembers.push(...members)
      topLevel.push(`g${g}`)
    } else if (roll < 0.32) {
      c++
      const child = newPrimitive()
      const meta: Record<string, string> = {}
      if (chance(0.4)) meta['clone-max'] = String(int(1, nodeCount))
      config.clones.push({id: `c${c}`, child, meta})
      topLevel.push(`c${c}`)
    } else {
      topLevel.push(newPrimitive())
    }
  }

  // Constraints.
  const scores: ScoreText[] = ['INFINITY', '-INFINITY', 100, 50, 200, -100, 10, 1000]
  let k = 0
  const add = (x: {type: Constraint['type']} & Record<string, unknown>) => config.constraints.push({...x, id: `x${++k}`} as unknown as Constraint)
  const nodeName = () => `n${int(1, nodeCount)}`
  const locations = int(0, optIn ? topLevel.length + 2 : 4)
  for (let i = 0; i < locations; i++) {
    const resource = chance(0.1) && groupMembers.length > 0 ? pick(groupMembers) : pick(topLevel)
    const score = optIn ? pick(['INFINITY', 100, 50, 200, 0, '-INFINITY'] as ScoreText[]) : pick(scores)
    if (chance(0.25)) {
      const rule = pick([
        {attribute: 'rack', operation: 'eq' as const, value: 'a'},
        {attribute: 'rack', operation: 'ne' as const, value: 'a'},
        {attribute: 'ssd', operation: 'defined' as const},
        {attribute: 'ssd', operation: 'not_defined' as const},
        {attribute: '#uname', operation: 'eq' as const, value: nodeName()},
      ])
      add({type: 'location', resource, score, rule})
    } else add({type: 'location', resource, score, node: nodeName()})
    // From a second stream, so the rest of the cluster stays what it is for this seed: a compound rule, or a
    // maintenance-window date_spec (the clock is 2023-11-14 22:13 UTC, a Tuesday), instead of the one above.
    if (extra() < 0.15) {
      const n = `n${1 + Math.floor(extra() * nodeCount)}`
      const rules = [
        {booleanOp: 'and' as const, rules: [{attribute: 'rack', operation: 'eq' as const, value: 'a'}, {attribute: 'ssd', operation: 'defined' as const}]},
        {booleanOp: 'or' as const, rules: [{attribute: 'rack', operation: 'eq' as const, value: 'b'}, {booleanOp: 'and' as const, rules: [{attribute: 'ssd', operation: 'defined' as const}, {attribute: '#uname', operation: 'ne' as const, value: n}]}]},
        {booleanOp: 'and' as const, rules: [{date: 'date_spec' as const, spec: {hours: ['9-17', '20-23', '0-5'][Math.floor(extra() * 3)]}}, {attribute: 'rack', operation: 'ne' as const, value: 'b'}]},
        {date: 'date_spec' as const, spec: {weekdays: ['1-5', '6-7', '2'][Math.floor(extra() * 3)]}},
      ]
      const last = config.constraints[config.constraints.length - 1] as Extract<Constraint, {type: 'location'}>
      delete last.node
      last.rule = rules[Math.floor(extra() * rules.length)]
    }
  }
  const pair = () => {
    const a = pick(topLevel)
    const b = pick(topLevel.filter((x) => x !== a))
    return b === undefined ? undefined : [a, b]
  }
  const colocations = topLevel.length < 2 ? 0 : int(0, 4)
  for (let i = 0; i < colocations; i++) {
    const p = pair()
    // One colocation per pair: two between the same resources are merged by Pacemaker in ways it does not document.
    if (p && config.constraints.some((x) => x.type === 'colocation' && ((x.resource === p[0] && x.withResource === p[1]) || (x.resource === p[1] && x.withResource === p[0])))) continue
    if (p) add({type: 'colocation', resource: p[0], withResource: p[1], score: pick(['INFINITY', 'INFINITY', '-INFINITY', 100, -100, 500] as ScoreText[])})
  }
  // Orders follow one random ranking, so they never form a cycle: Pacemaker's transition deadlocks on one
  // (none of the actions in the cycle ever runs), which man hactl-policy lists as a difference.
  const rank = new Map(topLevel.map((id) => [id, rnd()]))
  // From the second stream: some colocations by node attribute (together = the same rack).
  for (const c of config.constraints) if (c.type === 'colocation' && extra() < 0.15) c.nodeAttribute = 'rack'
  const orders = topLevel.length < 2 ? 0 : int(0, 3)
  for (let i = 0; i < orders; i++) {
    const p = pair()
    if (p && rank.get(p[0])! > rank.get(p[1])!) p.reverse()
    if (p && config.constraints.some((x) => x.type === 'order' && x.first === p[0] && x.then === p[1])) continue
    if (p) add({type: 'order', first: p[0], firstAction: 'start', then: p[1], thenAction: 'start', kind: chance(0.8) ? 'mandatory' : 'optional', symmetrical: true})
  }

  // State: online nodes, what runs where, failures.
  const state: ClusterState = {nowMs: 1_700_000_000_000, quorate: true, nodes: {}, resources: {}}
  const online: string[] = []
  for (const n of config.nodes) {
    const up = chance(0.88)
    state.nodes[n.name] = {online: up}
    if (up) online.push(n.name)
  }
  if (online.length === 0) {
    state.nodes.n1 = {online: true}
    online.push('n1')
  }
  const running = (id: string, node: string, failCount?: number, failed = false) => {
    const entry = state.resources[id] ?? {nodes: {}}
    entry.nodes[node] = {role: failed ? 'failed' : 'started', ...(failCount ? {failCount, lastFailureMs: state.nowMs - 1000, failedOp: 'monitor'} : {})}
    state.resources[id] = entry
  }
  const failure = (): {count?: number, failed: boolean} => {
    if (!chance(0.12)) return {failed: false}
    return {count: int(1, 3), failed: chance(0.4)}
  }
  const active = chance(0.75)
  for (const id of topLevel) {
    if (!active || !chance(0.6)) continue
    const group = config.groups.find((x) => x.id === id)
    const clone = config.clones.find((x) => x.id === id)
    if (group) {
      const node = pick(online)
      const upTo = chance(0.8) ? group.members.length : int(1, group.members.length)
      for (const m of group.members.slice(0, upTo)) {
        const f = failure()
        running(m, node, f.count, f.failed)
      }
    } else if (clone) {
      const nodes = online.filter(() => chance(0.6))
      nodes.forEach((node, i) => {
        const f = failure()
        running(`${clone.child}:${i}`, node, f.count, f.failed)
      })
    } else {
      const f = failure()
      running(id, pick(online), f.count, f.failed)
    }
  }
  // Fail counts on nodes where nothing runs now.
  for (const r of config.resources) {
    if (!chance(0.06) || config.clones.some((x) => x.child === r.id)) continue
    const node = pick(online)
    if (state.resources[r.id]?.nodes[node]) continue
    const entry = state.resources[r.id] ?? {nodes: {}}
    entry.nodes[node] = {role: 'stopped', failCount: int(1, 3), lastFailureMs: state.nowMs - 1000, failedOp: 'monitor'}
    state.resources[r.id] = entry
  }
  return {seed, config, state}
}
