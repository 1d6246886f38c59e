// Runs one case through crm_simulate and through hactl's policy engine and
// compares what runs where and the start/stop actions. Clone instances are
// compared as multisets per primitive (instance numbers are arbitrary). Where
// the two differ only because Pacemaker had equally scored nodes, a tie-breaker
// (+1 for hactl's choice, added to both) is tried: agreement then counts as a tie.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {childElements, parseXml} from '../../src/core/cib/xml.js'
import {configToCib} from '../../src/core/cib/write.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {schedule} from '../../src/core/policy/index.js'
import type {ClusterState} from '../../src/core/policy/state.js'

export interface Outcome {
  /** primitive id -> sorted node names where it runs after the transition. */
  placement: Record<string, string[]>
  /** Sorted "primitive op node" for every start and stop. */
  actions: string[]
  /** Pacemaker only: final assignment scores, instance id -> node -> score. */
  scores?: Record<string, Record<string, number>>
}

export type Verdict = 'agree' | 'tie' | 'differ' | 'error'

export interface Comparison {
  verdict: Verdict
  pacemaker?: Outcome
  hactl?: Outcome
  detail: string
}

let dir: string | undefined
function workDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'hactl-pcmk-'))
  return dir
}

export function cleanup(): void {
  if (dir) rmSync(dir, {recursive: true, force: true})
  dir = undefined
}

const base = (id: string) => (id.includes(':') ? id.slice(0, id.lastIndexOf(':')) : id)

function parseScoreText(text: string): number {
  if (/^\+?INFINITY$/.test(text)) return 1_000_000
  if (text === '-INFINITY') return -1_000_000
  return Number(text)
}

export function runPacemaker(config: ResourceConfig, state: ClusterState): Outcome {
  const file = join(workDir(), 'cib.xml')
  writeFileSync(file, configToCib(config, state))
  let xml: string
  try {
    // The engine's clock is the state's: date expressions see the same time (UTC, as hactl evaluates them).
    const at = new Date(state.nowMs).toISOString().replace(/\.\d+Z$/, 'Z')
    xml = execFileSync('crm_simulate', ['-x', file, '-S', '-s', '-t', at, '--output-as=xml'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env: {...process.env, TZ: 'UTC'},
    })
  } catch (error) {
    const e = error as {stdout?: string, stderr?: string}
    // It exits 1 when the simulated transition did not complete (a blocked action); its output still holds.
    if (e.stdout?.includes('<revised_cluster_status>')) xml = e.stdout
    else throw new Error(`crm_simulate failed: ${(e.stderr ?? '').split('\n').filter(Boolean).slice(-3).join(' | ')}`)
  }
  const root = parseXml(xml)
  // What runs afterwards: what ran before, less the stops, plus the starts (its revised status keeps a
  // resource whose recurring monitor failed listed where it failed).
  const placement: Record<string, string[]> = {}
  const known = new Set(config.resources.map((r) => r.id))
  for (const [id, entry] of Object.entries(state.resources)) {
    if (!known.has(base(id))) continue
    for (const [node, r] of Object.entries(entry.nodes)) {
      if ((r.role === 'started' || r.role === 'failed') && state.nodes[node]?.online !== false) (placement[base(id)] ??= []).push(node)
    }
  }
  if (!root.children.some((c) => c.name === 'revised_cluster_status')) throw new Error('crm_simulate printed no revised cluster status')
  const actions: string[] = []
  for (const a of childElements(root.children.find((c) => c.name === 'transition') ?? {name: '', attributes: {}, children: [], text: ''}, 'rsc_action')) {
    const op = a.attributes.op
    if (op !== 'start' && op !== 'stop') continue
    const id = base(a.attributes.resource)
    actions.push(`${id} ${op} ${a.attributes.node}`)
    const list = (placement[id] ??= [])
    if (op === 'start') list.push(a.attributes.node)
    else if (list.includes(a.attributes.node)) list.splice(list.indexOf(a.attributes.node), 1)
  }
  for (const [id, list] of Object.entries(placement)) if (list.length === 0) delete placement[id]
  const scores: Record<string, Record<string, number>> = {}
  for (const w of childElements(root.children.find((c) => c.name === 'allocations') ?? {name: '', attributes: {}, children: [], text: ''}, 'node_weight')) {
    if (w.attributes.function !== 'pcmk__primitive_assign') continue
    ;(scores[w.attributes.id] ??= {})[w.attributes.node] = parseScoreText(w.attributes.score)
  }
  for (const list of Object.values(placement)) list.sort()
  actions.sort()
  return {placement, actions, scores}
}

export function runHactl(config: ResourceConfig, state: ClusterState): Outcome {
  const result = schedule(validateResourceConfig(structuredClone(config)), state)
  const placement: Record<string, string[]> = {}
  for (const p of result.placement) if (p.node !== null && (p.status === 'started' || p.status === 'unmanaged')) (placement[base(p.resource)] ??= []).push(p.node)
  for (const list of Object.values(placement)) list.sort()
  const actions = result.transition.actions.filter((a) => a.op === 'start' || a.op === 'stop').map((a) => `${base(a.resource!)} ${a.op} ${a.node}`).sort()
  return {placement, actions}
}

function same(a: Outcome, b: Outcome): boolean {
  const ids = new Set([...Object.keys(a.placement), ...Object.keys(b.placement)])
  for (const id of ids) if ((a.placement[id] ?? []).join() !== (b.placement[id] ?? []).join()) return false
  return a.actions.join('\n') === b.actions.join('\n')
}

export function describeDifference(p: Outcome, h: Outcome): string {
  const lines: string[] = []
  const ids = [...new Set([...Object.keys(p.placement), ...Object.keys(h.placement)])].sort()
  for (const id of ids) {
    const x = (p.placement[id] ?? []).join(',') || '-'
    const y = (h.placement[id] ?? []).join(',') || '-'
    if (x !== y) lines.push(`  ${id}: pacemaker ${x}, hactl ${y}`)
  }
  const onlyP = p.actions.filter((a) => !h.actions.includes(a))
  const onlyH = h.actions.filter((a) => !p.actions.includes(a))
  if (onlyP.length > 0) lines.push(`  actions only in pacemaker: ${onlyP.join('; ')}`)
  if (onlyH.length > 0) lines.push(`  actions only in hactl: ${onlyH.join('; ')}`)
  return lines.join('\n')
}

/** The top-level resource (group or clone) a primitive belongs to: where a tie-breaking location goes. */
function owner(config: ResourceConfig, primitive: string): string {
  const group = config.groups.find((g) => g.members.includes(primitive))?.id ?? primitive
  return config.clones.find((c) => c.child === group)?.id ?? group
}

/** A primitive placed differently where Pacemaker scored hactl's node as high as its own choice. */
function tiedDifferences(config: ResourceConfig, p: Outcome, h: Outcome): Array<{resource: string, node: string}> {
  const out: Array<{resource: string, node: string}> = []
  const ids = [...new Set([...Object.keys(p.placement), ...Object.keys(h.placement)])].sort()
  for (const id of ids) {
    const mine = (h.placement[id] ?? []).filter((n) => !(p.placement[id] ?? []).includes(n))
    const theirs = (p.placement[id] ?? []).filter((n) => !(h.placement[id] ?? []).includes(n))
    if (mine.length === 0 || theirs.length === 0) continue
    const instances = Object.keys(p.scores ?? {}).filter((x) => base(x) === id || x === id)
    for (const inst of instances) {
      const s = p.scores![inst]
      for (const m of mine) for (const t of theirs) if (s[m] !== undefined && s[m] === s[t] && s[m] >= 0 && !out.some((x) => x.resource === owner(config, id))) out.push({resource: owner(config, id), node: m})
    }
  }
  return out
}

export function compare(config: ResourceConfig, state: ClusterState): Comparison {
  let p: Outcome
  let h: Outcome
  try {
    h = runHactl(config, state)
  } catch (error) {
    return {verdict: 'error', detail: `hactl: ${(error as Error).message}`}
  }
  try {
    p = runPacemaker(config, state)
  } catch (error) {
    return {verdict: 'error', detail: (error as Error).message}
  }
  if (same(p, h)) return {verdict: 'agree', pacemaker: p, hactl: h, detail: ''}
  // Break Pacemaker's ties toward hactl's choice, in both, and look again.
  let c = structuredClone(config)
  let pp = p
  for (let round = 0; round < 4; round++) {
    const ties = tiedDifferences(c, pp, h)
    if (ties.length === 0) break
    c = {...c, constraints: [...c.constraints, ...ties.map((tie, i) => ({id: `tie-${round}-${i}`, type: 'location' as const, resource: tie.resource, node: tie.node, score: 1}))]}
    try {
      pp = runPacemaker(c, state)
      const hh = runHactl(c, state)
      if (same(pp, hh)) return {verdict: 'tie', pacemaker: p, hactl: h, detail: ''}
      h = hh
    } catch {
      break
    }
  }
  return {verdict: 'differ', pacemaker: p, hactl: h, detail: describeDifference(p, runHactl(config, state))}
}

/** Drops constraints, then resources, while the difference persists. */
export function shrink(config: ResourceConfig, state: ClusterState): {config: ResourceConfig, state: ClusterState} {
  const differs = (c: ResourceConfig) => {
    try {
      validateResourceConfig(structuredClone(c))
    } catch {
      return false
    }
    return compare(c, state).verdict === 'differ'
  }
  let current = config
  let progress = true
  while (progress) {
    progress = false
    for (let i = 0; i < current.constraints.length; i++) {
      const next = {...current, constraints: current.constraints.filter((_, j) => j !== i)}
      if (differs(next)) {
        current = next
        progress = true
        i--
      }
    }
    for (const r of [...current.resources]) {
      const next = withoutResource(current, r.id)
      if (differs(next)) {
        current = next
        progress = true
      }
    }
  }
  return {config: current, state}
}

function withoutResource(config: ResourceConfig, id: string): ResourceConfig {
  const groups = config.groups.map((g) => ({...g, members: g.members.filter((m) => m !== id)})).filter((g) => g.members.length > 0)
  const gone = new Set([id, ...config.groups.filter((g) => !groups.some((x) => x.id === g.id)).map((g) => g.id)])
  const clones = config.clones.filter((c) => !gone.has(c.child))
  for (const c of config.clones) if (!clones.includes(c)) gone.add(c.id)
  const constraints = config.constraints.filter((c) => (c.type === 'location' ? !gone.has(c.resource) : c.type === 'colocation' ? !gone.has(c.resource) && !gone.has(c.withResource) : !gone.has(c.first) && !gone.has(c.then)))
  return {...config, resources: config.resources.filter((r) => r.id !== id), groups, clones, constraints}
}

/** Whether Pacemaker's crm_simulate (pacemaker-cli-utils) is installed. */
export function haveCrmSimulate(): boolean {
  try {
    execFileSync('crm_simulate', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}
