// CLI start-up latency: `hactl --version` and `hactl resource --help`, next to
// `node -e 0` measured in the same run (this machine's NODE_EXTRA_CA_CERTS adds
// tens of ms to every Node start). Prints one JSON object, then a table.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const runs = Number(process.env.RUNS ?? 30)

function time(args: string[]): {median_ms: number, p90_ms: number, min_ms: number} {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    execFileSync(process.execPath, args, {stdio: 'ignore'})
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  samples.sort((a, b) => a - b)
  const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] * 10) / 10
  return {median_ms: at(0.5), p90_ms: at(0.9), min_ms: at(0)}
}

const cases = {
  'node -e 0': ['-e', '0'],
  'hactl --version': [bin, '--version'],
  'hactl resource --help': [bin, 'resource', '--help'],
  'hactl -f FILE resource list': [bin, '-f', '/nonexistent/hactl-bench.json', 'resource', 'list'],
}
const results = Object.fromEntries(Object.entries(cases).map(([name, args]) => [name, time(args)]))
console.log(JSON.stringify({benchmark: 'cli', runs, node: process.version, results}))
console.log(`\n${'command'.padEnd(30)}${'median ms'.padStart(12)}${'p90 ms'.padStart(10)}${'min ms'.padStart(10)}`)
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(30)}${String(r.median_ms).padStart(12)}${String(r.p90_ms).padStart(10)}${String(r.min_ms).padStart(10)}`)
}
