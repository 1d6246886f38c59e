// Seeded random promotable clones for the differential test against crm_simulate:
// 2-5 nodes (some offline or in standby), one promotable clone (clone-max,
// promoted-max 1 or 2), instances running Unpromoted or Promoted (some failed in the
// Promoted role), promotion scores as transient attributes (absent, negative, ties),
// Promoted location constraints, and a VIP colocated with the Promoted role, ordered
// after the promote, with a location preference of its own.
// Compared: after the transition, which nodes run the clone in which role, and where the VIP runs.
//   node --import tsx test/pacemaker/promotable-random.ts [--seeds N] [--seed S]
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {configToCib} from '../../src/core/cib/write.js'
import {childElements, parseXml} from '../../src/core/cib/xml.js'
import type {Constraint, NodeEntry, Primitive, ResourceConfig} from '../../src/core/config/types.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import {schedule, type ClusterState} from '../../src/core/policy/index.js'
import {random} from './generate.js'

export interface PromotableCase {
  seed: number
  config: ResourceConfig
  state: ClusterState
}

export function generatePromotable(seed: number): PromotableCase {
  const rnd = random(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
  const chance = (p: number) => rnd() < p
  const count = int(2, 5)
  const names = Array.from({length: count}, (_, i) => `n${i + 1}`)
  const nodes = names.map((name): NodeEntry => ({name, attributes: {}, utilization: {}, standby: chance(0.1), maintenance: false}))
  const meta: Record<string, string> = {promotable: 'true'}
  if (chance(0.3)) meta['clone-max'] = String(int(1, count))
  if (chance(0.2)) meta['promoted-max'] = '2'
  if (chance(0.3)) meta.notify = 'true'
  const db: Primitive = {
    id: 'db', agent: 'ocf:pacemaker:Stateful', params: {}, meta: {}, utilization: {},
    operations: [{name: 'monitor', interval: '10s', role: 'Promoted'}, {name: 'monitor', interval: '11s', role: 'Unpromoted'}],
  }
  const config: ResourceConfig = {
    epoch: 1, properties: {'stonith-enabled': 'false'}, nodes, resources: [db], groups: [], clones: [{id: 'db-clone', child: 'db', meta}], constraints: [],
  }
  if (chance(0.3)) config.properties['resource-stickiness'] = String([0, 10, 100][int(0, 2)])
  const state: ClusterState = {nowMs: 0, quorate: true, nodes: {}, resources: {}}
  const max = Number(meta['clone-max'] ?? count)
  const promotedMax = Number(meta['promoted-max'] ?? 1)
  let instance = 0
  let promoted = 0
  for (const name of names) {
    const online = !chance(0.1)
    const attributes: Record<string, string> = {}
    if (online && !chance(0.25)) attributes['master-db'] = String(chance(0.1) ? -int(1, 10) : int(0, 4) * 5)
    state.nodes[name] = Object.keys(attributes).length > 0 ? {online, attributes} : {online}
    if (!online || instance >= max || !chance(0.8)) continue
    const id = `db:${instance++}`
    const isPromoted = promoted < promotedMax && chance(0.4)
    if (isPromoted) promoted++
    state.resources[id] = {nodes: {[name]: isPromoted && chance(0.15)
      ? {role: 'failed', failCount: 1, lastFailureMs: 0, failedOp: 'monitor', failedRole: 'Promoted'}
      : {role: isPromoted ? 'promoted' : 'started'}}}
  }
  const pick = () => names[int(0, count - 1)]
  if (chance(0.3)) {
    const score = [50, 'INFINITY', '-INFINITY', 10][int(0, 3)] as Constraint extends {score: infer S} ? S : never
    config.constraints.push({id: 'db-promoted-loc', type: 'location', resource: 'db-clone', node: pick(), score, role: 'Promoted'})
  }
  if (chance(0.6)) {
    config.resources.push({id: 'vip', agent: 'ocf:heartbeat:Dummy', params: {}, meta: {}, operations: [], utilization: {}})
    config.constraints.push({id: 'vip-with-db', type: 'colocation', resource: 'vip', withResource: 'db-clone', score: chance(0.7) ? 'INFINITY' : 500, withRole: 'Promoted'})
    if (chance(0.5)) config.constraints.push({id: 'db-then-vip', type: 'order', first: 'db-clone', firstAction: 'promote', then: 'vip', thenAction: 'start', kind: 'mandatory', symmetrical: true})
    if (chance(0.5)) config.constraints.push({id: 'vip-loc', type: 'location', resource: 'vip', node: pick(), score: int(1, 20) * 10})
    const promotedNode = Object.values(state.resources).flatMap((e) => Object.entries(e.nodes).filter(([, r]) => r.role === 'promoted').map(([n]) => n))[0]
    if (promotedNode !== undefined && chance(0.7)) state.resources.vip = {nodes: {[promotedNode]: {role: 'started'}}}
  }
  return {seed, config: validateResourceConfig(config), state}
}

/** After the transition: the clone's role per node ("n1=Promoted") and the VIP's node. */
export interface RoleOutcome {
  db: string[]
  vip: string
}

let dir: string | undefined

export function cleanupPromotable(): void {
  if (dir) rmSync(dir, {recursive: true, force: true})
  dir = undefined
}

export function pacemakerRoles(c: PromotableCase): RoleOutcome {
  dir ??= mkdtempSync(join(tmpdir(), 'hactl-pcmk-roles-'))
  const file = join(dir, 'cib.xml')
  // crm_simulate schedules no monitors it has no history for when the CIB has none: leave them out.
  const config = structuredClone(c.config)
  for (const r of config.resources) r.operations = []
  writeFileSync(file, configToCib(config, c.state))
  let xml: string
  try {
    xml = execFileSync('crm_simulate', ['-x', file, '-S', '--output-as=xml'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env: {...process.env, TZ: 'UTC'}})
  } catch (error) {
    const e = error as {stdout?: string, stderr?: string}
    if (e.stdout?.includes('<revised_cluster_status>')) xml = e.stdout
    else throw new Error(`crm_simulate failed: ${(e.stderr ?? '').split('\n').filter(Boolean).slice(-3).join(' | ')}`)
  }
  // What runs afterwards: what ran before (on live nodes), then the transition's actions applied in turn
  // (its revised status lists a failed instance where it failed, and orphans).
  const root = parseXml(xml)
  const transition = root.children.find((x) => x.name === 'transition')
  if (!transition) throw new Error('crm_simulate printed no transition')
  const db = new Map<string, string>()
  const vip = new Set<string>()
  for (const [id, entry] of Object.entries(c.state.resources)) {
    for (const [node, r] of Object.entries(entry.nodes)) {
      if (c.state.nodes[node]?.online === false || !['started', 'promoted', 'failed'].includes(r.role)) continue
      if (id === 'vip') vip.add(node)
      else db.set(node, r.role === 'promoted' || (r.role === 'failed' && r.failedRole === 'Promoted') ? 'Promoted' : 'Unpromoted')
    }
  }
  for (const a of childElements(transition, 'rsc_action')) {
    const {op, node} = a.attributes
    const id = (a.attributes.resource ?? '').replace(/:\d+$/, '')
    if (id === 'vip') {
      if (op === 'start') vip.add(node)
      if (op === 'stop') vip.delete(node)
    } else if (id === 'db') {
      if (op === 'start') db.set(node, 'Unpromoted')
      if (op === 'stop') db.delete(node)
      if (op === 'promote') db.set(node, 'Promoted')
      if (op === 'demote' && db.has(node)) db.set(node, 'Unpromoted')
    }
  }
  return {db: [...db].map(([n, r]) => `${n}=${r}`).sort(), vip: [...vip].sort().join(',') || '-'}
}

export function hactlRoles(c: PromotableCase): RoleOutcome {
  const result = schedule(c.config, c.state)
  const out: RoleOutcome = {db: [], vip: '-'}
  for (const p of result.placement) {
    if (p.node === null || p.status !== 'started') continue
    if (p.resource.startsWith('db:')) out.db.push(`${p.node}=${p.role}`)
    if (p.resource === 'vip') out.vip = p.node
  }
  out.db.sort()
  return out
}

export function comparePromotable(c: PromotableCase): {agree: boolean, detail: string} {
  const p = pacemakerRoles(c)
  const h = hactlRoles(c)
  const agree = p.db.join() === h.db.join() && p.vip === h.vip
  return {agree, detail: agree ? '' : `pacemaker db ${p.db.join(' ') || '-'} vip ${p.vip}; hactl db ${h.db.join(' ') || '-'} vip ${h.vip}`}
}

function main(): void {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i < 0 ? undefined : process.argv[i + 1]
  }
  try {
    const one = arg('seed')
    if (one !== undefined) {
      const c = generatePromotable(Number(one))
      console.log(JSON.stringify({config: c.config, state: c.state}))
      console.log(comparePromotable(c))
      return
    }
    const seeds = Number(arg('seeds') ?? 200)
    let agree = 0
    const differ: number[] = []
    for (let seed = 1; seed <= seeds; seed++) {
      const r = comparePromotable(generatePromotable(seed))
      if (r.agree) agree++
      else {
        differ.push(seed)
        console.log(`seed ${seed}: ${r.detail}`)
      }
    }
    console.log(`${agree} of ${seeds} agree (${(100 * agree / seeds).toFixed(1)} %); differing seeds: ${differ.join(' ') || 'none'}`)
  } finally {
    cleanupPromotable()
  }
}

if (process.argv[1]?.endsWith('promotable-random.ts')) main()
