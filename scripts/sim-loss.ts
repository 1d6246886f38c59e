// npm run sim:loss -- [--nodes 3] [--loss 10] [--jitter 0] [--seconds 600] [--seeds 1] [--seed 1]
//                     [--heartbeat 50] [--token 200] [--crash-every 0] [--stall-every 0 --stall 0] [--timer-late 2]
// The membership detection model (test/sim/membership-loss.ts): false evictions and
// gatherings under steady loss and jitter, and, with --crash-every MS, crash ->
// suspicion and crash -> agreed view. Deterministic per seed; prints JSON and a line.
import {parseArgs} from 'node:util'
import {DEFAULT_TOTEM} from '../src/core/config/bootstrap.js'
import {simulateLoss, type LossResult} from '../test/sim/membership-loss.js'

const {values} = parseArgs({options: Object.fromEntries(['nodes', 'loss', 'jitter', 'seconds', 'seeds', 'seed', 'heartbeat', 'token', 'crash-every', 'stall-every', 'stall', 'timer-late'].map((k) => [k, {type: 'string' as const}]))})
function num(name: string, fallback: number): number {
  const text = values[name] as string | undefined
  if (text === undefined) return fallback
  if (!/^\d+(\.\d+)?$/.test(text)) {
    process.stderr.write(`sim:loss: --${name} must be a non-negative number, got ${JSON.stringify(text)}\n`)
    process.exit(2)
  }
  return Number(text)
}
const opts = {
  nodes: num('nodes', 3), loss: num('loss', 10) / 100, jitterMs: num('jitter', 0), durationMs: num('seconds', 600) * 1000,
  heartbeatMs: num('heartbeat', DEFAULT_TOTEM.heartbeat), tokenMs: num('token', DEFAULT_TOTEM.token),
  crashEveryMs: num('crash-every', 0), stallEveryMs: num('stall-every', 0), stallMs: num('stall', 0), timerLateMs: num('timer-late', 2),
}
const first = num('seed', 1)
const seeds = num('seeds', 1)
const total: LossResult = {viewsAgreed: 0, evictions: 0, gatherings: {}, detectMs: [], agreeMs: []}
for (let seed = first; seed < first + seeds; seed++) {
  const r = simulateLoss({seed, ...opts})
  total.viewsAgreed += r.viewsAgreed
  total.evictions += r.evictions
  for (const [k, v] of Object.entries(r.gatherings)) total.gatherings[k] = (total.gatherings[k] ?? 0) + v
  total.detectMs.push(...r.detectMs)
  total.agreeMs.push(...r.agreeMs)
}
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)])
}
const out = {
  model: 'membership-loss', settings: {...opts, loss: opts.loss * 100, seeds, firstSeed: first},
  simulatedSeconds: (opts.durationMs / 1000) * seeds, viewsAgreed: total.viewsAgreed, evictions: total.evictions, gatherings: total.gatherings,
  detectMs: {trials: total.detectMs.length, median: pct(total.detectMs, 50), p99: pct(total.detectMs, 99), max: pct(total.detectMs, 100)},
  agreeMs: {trials: total.agreeMs.length, median: pct(total.agreeMs, 50), p99: pct(total.agreeMs, 99), max: pct(total.agreeMs, 100)},
}
process.stdout.write(`${JSON.stringify(out)}\n`)
process.stdout.write(`sim:loss ${opts.nodes} nodes, hb ${opts.heartbeatMs} token ${opts.tokenMs}, loss ${opts.loss * 100} %, jitter ${opts.jitterMs} ms, ${out.simulatedSeconds} s: evictions ${out.evictions}, views agreed ${out.viewsAgreed}, gatherings ${JSON.stringify(out.gatherings)}; crash->suspect median ${out.detectMs.median} p99 ${out.detectMs.p99}; crash->agreed median ${out.agreeMs.median} p99 ${out.agreeMs.p99} (${out.agreeMs.trials} trials)\n`)
