// The differential test from the command line:
//   npm run pacemaker-diff -- [--seeds N] [--from S]   many seeds, the disagreement rate
//   npm run pacemaker-diff -- --seed N [--shrink] [--cib]   one seed: its difference, shrunk, or its CIB (shrunk with both)
import type {ResourceConfig} from '../../src/core/config/types.js'
import type {ClusterState} from '../../src/core/policy/state.js'
import {configToCib} from '../../src/core/cib/write.js'
import {cleanup, compare, describeDifference, shrink} from './compare.js'
import {generate} from './generate.js'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}

export function runSeeds(from: number, count: number, log: (line: string) => void): {agree: number, tie: number, differ: number[], error: number[]} {
  const out = {agree: 0, tie: 0, differ: [] as number[], error: [] as number[]}
  for (let seed = from; seed < from + count; seed++) {
    const c = generate(seed)
    const r = compare(c.config, c.state)
    if (r.verdict === 'agree') out.agree++
    else if (r.verdict === 'tie') out.tie++
    else if (r.verdict === 'differ') {
      out.differ.push(seed)
      log(`seed ${seed} differs:\n${r.detail}`)
    } else {
      out.error.push(seed)
      log(`seed ${seed} error: ${r.detail}`)
    }
  }
  return out
}

/** The case in a few lines: what a person reads to find the class of a difference. */
function brief(config: ResourceConfig, state: ClusterState): string {
  const lines: string[] = []
  lines.push(`properties: ${Object.entries(config.properties).map(([k, v]) => `${k}=${v}`).join(' ')}`)
  for (const n of config.nodes) {
    const s = state.nodes[n.name]
    lines.push(`node ${n.name}${s?.online === false ? ' OFFLINE' : ''}${n.standby ? ' standby' : ''} ${JSON.stringify(n.attributes)} ${JSON.stringify(n.utilization)}`)
  }
  for (const r of config.resources) lines.push(`primitive ${r.id} meta=${JSON.stringify(r.meta)} util=${JSON.stringify(r.utilization)}`)
  for (const g of config.groups) lines.push(`group ${g.id}: ${g.members.join(' ')}`)
  for (const c of config.clones) lines.push(`clone ${c.id}: ${c.child} ${JSON.stringify(c.meta)}`)
  for (const c of config.constraints) {
    if (c.type === 'location') lines.push(`location ${c.id} ${c.resource} ${c.score} ${c.node ?? JSON.stringify(c.rule)}`)
    else if (c.type === 'colocation') lines.push(`colocation ${c.id} ${c.resource} with ${c.withResource} ${c.score}${c.nodeAttribute ? ` node-attribute=${c.nodeAttribute}` : ''}`)
    else lines.push(`order ${c.id} ${c.first} then ${c.then} ${c.kind}`)
  }
  const known = new Set(config.resources.map((r) => r.id))
  for (const [id, e] of Object.entries(state.resources)) if (known.has(id.replace(/:\d+$/, ''))) lines.push(`state ${id}: ${Object.entries(e.nodes).map(([n, r]) => `${n}=${r.role}${r.failCount ? `/fail${r.failCount}` : ''}`).join(' ')}`)
  return lines.join('\n')
}

function main(): void {
  try {
    const one = arg('seed')
    if (one !== undefined) {
      const c = generate(Number(one))
      let {config, state} = c
      if (process.argv.includes('--shrink')) ({config, state} = shrink(config, state))
      if (process.argv.includes('--cib')) {
        process.stdout.write(configToCib(config, state))
        return
      }
      const r = compare(config, state)
      console.log(`seed ${one}: ${r.verdict}`)
      if (r.pacemaker && r.hactl && r.verdict === 'differ') console.log(describeDifference(r.pacemaker, r.hactl))
      else if (r.detail) console.log(r.detail)
      if (process.argv.includes('--json')) console.log(JSON.stringify({config, state}, null, 1))
      else if (process.argv.includes('--shrink') || process.argv.includes('--show')) console.log(brief(config, state))
      return
    }
    const from = Number(arg('from') ?? 1)
    const count = Number(arg('seeds') ?? 1000)
    const r = runSeeds(from, count, (line) => console.log(line))
    const total = count - r.error.length
    console.log(`seeds ${from}..${from + count - 1}: ${r.agree} agree, ${r.tie} ties, ${r.differ.length} differ, ${r.error.length} errors; agreement ${(100 * (r.agree + r.tie) / Math.max(1, total)).toFixed(1)} %`)
    if (r.differ.length > 0) console.log(`differing seeds: ${r.differ.join(' ')}`)
  } finally {
    cleanup()
  }
}

if (process.argv[1]?.endsWith('run.ts')) main()
