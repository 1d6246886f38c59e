// Synthetic clusters for the policy benchmark and profiling (seeded, so every run builds the same ones).
import type {Constraint, ResourceConfig} from '../src/core/config/types.js'
import {seededRandom} from '../src/core/random.js'


export function syntheticCluster(nodeCount: number, resourceCount: number, seed = 1): ResourceConfig {
  const source = seededRandom(seed)
  const random = () => source.next()
  const pick = (n: number) => Math.floor(random() * n)
  const nodes = Array.from({length: nodeCount}, (_, i) => ({name: `n${i + 1}`, attributes: {rack: `r${i % 4}`}, utilization: {}, standby: false, maintenance: false}))
  const resources = Array.from({length: resourceCount}, (_, i) => ({
    id: `r${i}`, agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [{name: 'monitor', interval: '10s'}], utilization: {},
  }))
  const constraints: Constraint[] = []
  const groups: ResourceConfig['groups'] = []
  // 5 % of resources in groups of 5 members.
  const grouped = Math.floor(resourceCount * 0.05)
  for (let g = 0; g * 5 < grouped; g++) {
    groups.push({id: `g${g}`, members: Array.from({length: 5}, (_, k) => `r${g * 5 + k}`).filter((id) => Number(id.slice(1)) < grouped), meta: {}})
  }
  for (let i = 0; i < resourceCount * 0.1; i++) {
    const resource = `r${grouped + pick(resourceCount - grouped)}`
    constraints.push({id: `loc${i}`, type: 'location', resource, node: nodes[pick(nodeCount)].name, score: random() < 0.2 ? '-INFINITY' : pick(200)})
  }
  for (let i = 0; i < resourceCount * 0.05; i++) {
    const a = grouped + pick(resourceCount - grouped)
    let b = grouped + pick(resourceCount - grouped)
    if (b === a) b = grouped + ((a - grouped + 1) % (resourceCount - grouped))
    constraints.push({id: `col${i}`, type: 'colocation', resource: `r${a}`, withResource: `r${b}`, score: random() < 0.5 ? 'INFINITY' : 100})
  }
  return {epoch: 1, properties: {'resource-stickiness': '100'}, nodes, resources, groups: groups.filter((g) => g.members.length > 0), clones: [], constraints}
}

