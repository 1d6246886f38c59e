// The differential test from the command line:
//   npm run pacemaker-diff -- [--seeds N] [--from S]   many seeds, the disagreement rate
//   npm run pacemaker-diff -- --seed N [--shrink] [--cib]   one seed: its difference, shrunk, or its CIB
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

function main(): void {
  try {
    const one = arg('seed')
    if (one !== undefined) {
      const c = generate(Number(one))
      if (process.argv.includes('--cib')) {
        process.stdout.write(configToCib(c.config, c.state))
        return
      }
      let {config, state} = c
      if (process.argv.includes('--shrink')) ({config, state} = shrink(config, state))
      const r = compare(config, state)
      console.log(`seed ${one}: ${r.verdict}`)
      if (r.pacemaker && r.hactl && r.verdict === 'differ') console.log(describeDifference(r.pacemaker, r.hactl))
      else if (r.detail) console.log(r.detail)
      if (process.argv.includes('--shrink') || process.argv.includes('--show')) console.log(JSON.stringify({config, state}, null, 1))
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
