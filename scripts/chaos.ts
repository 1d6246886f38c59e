// npm run chaos -- --nodes 3 --rounds 40 --seed 7 [--fence] [--faults a,b] [--cycle] [--max-hold MS] [--out DIR]
// The fault campaign on real hosts (src/lab/chaos/campaign.ts). Prints a line per
// round, a table per fault type, a JSON summary, and last:
//   N rounds, K two-holder intervals, L acknowledged writes lost
// Exits 1 when K or L is not 0 (or the configurations could not all be read), 2 on
// bad arguments. Needs root, iproute2 and nftables.
import {randomInt} from 'node:crypto'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {Campaign, report} from '../src/lab/chaos/campaign.js'
import {FAULT_TYPES, isFaultType, type FaultType} from '../src/lab/chaos/faults.js'
import {netnsAvailable} from '../src/lab/test-net.js'

function usage(message: string): never {
  process.stderr.write(`chaos: ${message}\n`)
  process.exit(2)
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) usage(`--${name} must be an integer from ${min} to ${max}, not '${text}'`)
  return Number(text)
}

let parsed
try {
  parsed = parseArgs({
    options: {
      'nodes': {type: 'string'}, 'rounds': {type: 'string'}, 'seed': {type: 'string'}, 'fence': {type: 'boolean'},
      'faults': {type: 'string'}, 'cycle': {type: 'boolean'}, 'max-hold': {type: 'string'}, 'settle-timeout': {type: 'string'}, 'out': {type: 'string'},
      'help': {type: 'boolean', short: 'h'},
    },
    strict: true, allowPositionals: false,
  })
} catch (error) {
  usage((error as Error).message.split('\n')[0])
}
const flags = parsed.values
if (flags.help) {
  process.stdout.write(`usage: npm run chaos -- [--nodes 3] [--rounds 40] [--seed S] [--fence] [--faults ${FAULT_TYPES.join(',')}] [--cycle] [--max-hold 8000] [--settle-timeout 30000] [--out DIR]\n`)
  process.exit(0)
}
const nodes = integer('nodes', flags.nodes, 3, 3, 9)
const rounds = integer('rounds', flags.rounds, 40, 1, 100_000)
const seed = integer('seed', flags.seed, randomInt(1, 2 ** 31), 0, 2 ** 32 - 1)
const maxHoldMs = integer('max-hold', flags['max-hold'], 8000, 200, 600_000)
const settleTimeoutMs = integer('settle-timeout', flags['settle-timeout'], 30_000, 1000, 600_000)
const faults: FaultType[] = flags.faults === undefined ? [...FAULT_TYPES] : flags.faults.split(',').map((name) => {
  if (!isFaultType(name)) usage(`unknown fault '${name}' (known: ${FAULT_TYPES.join(', ')})`)
  return name
})
if (faults.length === 0) usage('--faults names no fault')
const missing = await netnsAvailable()
if (missing) usage(`the campaign builds network namespaces and ${missing}`)

const outDir = flags.out ?? join(tmpdir(), `hactl-chaos-${seed}-${Date.now()}`)
const started = Date.now()
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`)
let summary
try {
  summary = await Campaign.run({nodes, rounds, seed, fence: flags.fence ?? false, faults, cycle: flags.cycle ?? false, maxHoldMs, settleTimeoutMs, outDir, say})
} catch (error) {
  process.stderr.write(`chaos: the campaign failed: ${(error as Error).message}\n`)
  process.exit(1)
}
const {writeFile} = await import('node:fs/promises')
await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
say(`done in ${Math.round((Date.now() - started) / 1000)} s; logs, events and summary.json in ${outDir}`)
for (const line of report(summary)) process.stdout.write(`${line}\n`)
process.exit(summary.twoHolderCounted > 0 || summary.writes.lost > 0 || summary.writes.unreadNodes.length > 0 ? 1 : 0)
