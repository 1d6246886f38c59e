#!/usr/bin/env node
// `npm run bench`: every benchmark in turn. They measure and print; none asserts.
// Those that build network namespaces need root (membership, failover, loss, agents).
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
// Extra arguments of a benchmark here (a short run: the full one is the benchmark's own default).
const args = {loss: ['--loss-seconds', '60'], 'idle-curve': ['--windows', '9']}
const benchmarks = ['cli', 'policy', 'agents', 'membership', 'failover', 'loss', 'balancer', 'idle', 'idle-curve', 'heartbeat-path', 'metrics', 'postgres']
let failed = 0
for (const name of benchmarks) {
  console.log(`\n=== bench/${name}.ts`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...(args[name] ?? [])], {stdio: 'inherit'})
  if (result.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
