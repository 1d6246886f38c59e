import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {simulateCluster} from './cluster/sim.js'

// The whole-cluster simulation under a fixed budget: two processes (one per core)
// each run consecutive seeds of 10 simulated minutes from a fixed first seed until
// their share of simulated hours has passed, every invariant checked after every
// event. A failure prints the seed and the command that replays it:
//   npm run sim:cluster -- --seed N --trace
// HACTL_SIM_CLUSTER_HOURS overrides the budget (simulated hours in all).
const HOURS = Number(process.env.HACTL_SIM_CLUSTER_HOURS ?? 24)
const SCRIPT = fileURLToPath(new URL('../../scripts/sim-cluster.ts', import.meta.url))

function run(firstSeed: number, hours: number): Promise<{code: number, stdout: string, stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, '--seed', String(firstSeed), '--hours', String(hours), '--minutes', '10'],
      {maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => resolve({code: error ? (error.code as number) ?? 1 : 0, stdout, stderr}))
  })
}

describe('whole-cluster simulation', function () {
  this.timeout(600_000)

  it(`keeps every invariant over ${HOURS} simulated hours (two processes, fixed seeds)`, async () => {
    const results = await Promise.all([run(1, HOURS / 2), run(1_000_001, HOURS / 2)])
    for (const r of results) {
      assert.equal(r.code, 0, `${r.stderr}${r.stdout.split('\n').slice(-3).join('\n')}`)
      assert.match(r.stdout, /every invariant held/)
    }
  })

  it('is deterministic: one seed, one history', () => {
    const lines = (seed: number) => {
      const out: string[] = []
      simulateCluster({seed, durationMs: 60_000, trace: (l) => out.push(l)})
      return out
    }
    assert.deepEqual(lines(42), lines(42))
    assert.notDeepEqual(lines(42), lines(43))
  })

  it('catches a broken core: a controller that ignores quorum loss overlaps a resource', () => {
    // The simulator must be able to fail: with the no-quorum stop disabled (policy
    // ignore) a partitioned holder keeps its resources while the majority recovers them.
    let failed = 0
    for (let seed = 1; seed <= 30 && failed === 0; seed++) {
      const result = simulateCluster({seed, durationMs: 120_000, fencing: false, noQuorumPolicy: 'ignore'})
      if (!result.ok) failed++
    }
    assert.ok(failed > 0, 'some seed found an overlap')
  })
})
