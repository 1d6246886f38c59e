// A seeded generator of random clusters for the policy engine's property tests:
// nodes up, down, lost, standby, in maintenance; primitives, groups, clones;
// location, colocation and order constraints; running and failed instances.
import type {Constraint, ResourceConfig} from '../../src/core/config/types.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import {validateClusterState, type ClusterState} from '../../src/core/policy/index.js'
import {seededRandom} from '../../src/core/random.js'

export interface Case {config: ResourceConfig, state: ClusterState}

export function generate(seed: number): Case {
  const source = seededRandom(seed)
  const random = () => source.next()
  const int = (n: number) => Math.floor(random() * n)
  const chance = (p: number) => random() < p
  const pick = <T>(xs: T[]): T => xs[int(xs.length)]
  const nodeNames = Array.from({length: 1 + int(5)}, (_, i) => `n${i + 1}`)
  const nodes = nodeNames.map((name) => ({
    name, attributes: {zone: pick(['a', 'b'])}, utilization: {cpu: String(2 + int(6))}, standby: chance(0.1), maintenance: chance(0.05),
  }))
  const count = 1 + int(10)
  const resources = Array.from({length: count}, (_, i) => {
    const meta: Record<string, string> = {}
    if (chance(0.1)) meta['target-role'] = 'Stopped'
    if (chance(0.08)) meta['is-managed'] = 'false'
    if (chance(0.3)) meta['resource-stickiness'] = String(int(200))
    if (chance(0.2)) meta.priority = String(int(5))
    if (chance(0.15)) meta['allow-migrate'] = 'true'
    if (chance(0.15)) meta['migration-threshold'] = String(1 + int(3))
    if (chance(0.1)) meta['multiple-active'] = pick(['stop_start', 'stop_only', 'block', 'stop_unexpected'])
    const onFail = chance(0.2) ? pick(['restart', 'ignore', 'stop', 'block', 'standby', 'fence'] as const) : undefined
    return {
      id: `r${i}`, agent: 'ocf:hactl:dummy', params: {}, meta, utilization: chance(0.3) ? {cpu: String(1 + int(3))} : {},
      operations: [{name: 'monitor', interval: '10s', ...(onFail ? {onFail} : {})}],
    }
  })
  const free = resources.map((r) => r.id)
  const groups: ResourceConfig['groups'] = []
  const clones: ResourceConfig['clones'] = []
  if (free.length >= 3 && chance(0.5)) groups.push({id: 'g0', members: free.splice(0, 2 + int(2)), meta: chance(0.1) ? {'target-role': 'Stopped'} : {}})
  if (free.length >= 2 && chance(0.4)) clones.push({id: 'clone0', child: free.splice(0, 1)[0], meta: {'clone-max': String(1 + int(3)), 'clone-node-max': String(1 + int(2))}})
  const targets = [...free, ...groups.map((g) => g.id), ...clones.map((c) => c.id)]
  const anyScore = () => (chance(0.3) ? pick(['INFINITY', '-INFINITY']) : int(400) - 200) as number
  const constraints: Constraint[] = []
  for (let i = 0; i < int(6); i++) {
    const resource = pick(targets)
    if (chance(0.8)) constraints.push({id: `l${i}`, type: 'location', resource, node: pick(nodeNames), score: anyScore()})
    else constraints.push({id: `l${i}`, type: 'location', resource, score: anyScore(), rule: {attribute: 'zone', operation: 'eq', value: 'a'}})
  }
  if (chance(0.3)) constraints.push({id: `cli-ban-${targets[0]}-on-${nodeNames[0]}`, type: 'location', resource: targets[0], node: nodeNames[0], score: '-INFINITY'})
  // Colocations point from later to earlier targets: no loops (their outcome is undefined, in Pacemaker too).
  for (let i = 0; i < int(4); i++) {
    const a = pick(targets)
    const b = pick(targets)
    if (targets.indexOf(a) > targets.indexOf(b)) constraints.push({id: `col${i}`, type: 'colocation', resource: a, withResource: b, score: chance(0.6) ? pick(['INFINITY', '-INFINITY']) as 'INFINITY' : int(200) - 100})
  }
  for (let i = 0; i < int(4); i++) {
    const a = pick(targets)
    const b = pick(targets)
    if (a !== b) constraints.push({id: `o${i}`, type: 'order', first: a, firstAction: 'start', then: b, thenAction: 'start', kind: chance(0.7) ? 'mandatory' : 'optional', symmetrical: chance(0.8)})
  }
  const properties: Record<string, string> = {}
  if (chance(0.3)) properties['stonith-enabled'] = 'true'
  if (chance(0.3)) properties['no-quorum-policy'] = pick(['stop', 'freeze', 'ignore'])
  if (chance(0.3)) properties['placement-strategy'] = pick(['utilization', 'balanced', 'minimal'])
  if (chance(0.1)) properties['symmetric-cluster'] = 'false'
  if (chance(0.05)) properties['maintenance-mode'] = 'true'
  const config = validateResourceConfig({epoch: 1, properties, nodes, resources, groups, clones, constraints})
  const instanceIds = resources.flatMap((r) => (clones.some((c) => c.child === r.id) ? [0, 1, 2].map((k) => `${r.id}:${k}`) : [r.id]))
  const state: ClusterState = {nowMs: 100_000, quorate: chance(0.85), nodes: {}, resources: {}}
  for (const name of nodeNames) {
    const roll = random()
    state.nodes[name] = roll < 0.75 ? {online: true} : roll < 0.85 ? {online: false} : {online: false, unclean: true, lostAtMs: int(100_000)}
  }
  for (const id of instanceIds) {
    if (!chance(0.5)) continue
    const on = chance(0.1) ? [pick(nodeNames), pick(nodeNames)] : [pick(nodeNames)]
    state.resources[id] = {nodes: {}}
    for (const n of on) {
      state.resources[id].nodes[n] = chance(0.15) ? {role: 'failed', failCount: 1 + int(3), lastFailureMs: 90_000, failedOp: pick(['monitor', 'start', 'stop'])} : {role: 'started'}
    }
  }
  return {config, state: validateClusterState(state)}
}

