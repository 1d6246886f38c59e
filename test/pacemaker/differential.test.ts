// The differential test against Pacemaker's own scheduler: seeded random
// clusters given to crm_simulate (Pacemaker 2.1.5) and to hactl's policy
// engine; placements and start/stop actions must agree (a tie between equally
// scored nodes counts as agreement) on at least THRESHOLD of the seeds.
// More seeds, one seed, a shrunk seed: npm run pacemaker-diff -- --help (see run.ts).
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {defaultState} from '../../src/core/policy/index.js'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactlJson} from '../lib/cli.js'
import {cleanup, compare, haveCrmSimulate, runHactl} from './compare.js'
import {generate} from './generate.js'
import {runSeeds} from './run.js'

/** Golden scenarios of the classes issue 11 fixed: each must agree with crm_simulate. */
const CHECKED_SCENARIOS = [
  'clone-failcount-per-node', 'colocation-anti-influence', 'colocation-chain-influence', 'colocation-finite-negative-one-node',
  'colocation-mutual-infinity', 'colocation-node-attribute', 'group-partial-utilization', 'optin-member-location', 'order-after-partial-group',
  'order-restart-on-first-start', 'rsc-defaults-stickiness', 'rule-ne-missing-attribute', 'utilization-running-not-displaced',
]

const SEEDS = Number(process.env.PACEMAKER_DIFF_SEEDS ?? 300)
const THRESHOLD = 0.98

describe('differential test against crm_simulate', function () {
  this.timeout(600_000)
  after(cleanup)

  it('hactl simulate (the CLI) gives the engine\'s result the comparison uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hactl-diff-'))
    try {
      for (const seed of [1, 2, 3]) {
        const {config, state} = generate(seed)
        const file = join(dir, `seed-${seed}.json`)
        writeFileSync(file, JSON.stringify({...config, status: state}))
        const {exitCode, envelope} = await hactlJson(['-f', file, 'simulate'])
        assert.equal(exitCode, 0)
        const placement: Record<string, string[]> = {}
        for (const p of envelope.result.placement as Array<{resource: string, node: string | null, status: string}>) {
          if (p.node !== null && (p.status === 'started' || p.status === 'unmanaged')) (placement[p.resource.replace(/:\d+$/, '')] ??= []).push(p.node)
        }
        for (const list of Object.values(placement)) list.sort()
        assert.deepEqual(placement, runHactl(config, state).placement, `seed ${seed}`)
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  for (const name of CHECKED_SCENARIOS) {
    it(`scenario ${name} agrees with crm_simulate`, function () {
      if (!haveCrmSimulate()) {
        if (process.env.CI === 'true') assert.fail('crm_simulate is missing: install pacemaker-cli-utils')
        this.skip()
      }
      const dir = fileURLToPath(new URL(`../scenarios/${name}/`, import.meta.url))
      const config = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as ResourceConfig
      // The CIB has no monitor operations (their history would need digests); they change no placement.
      for (const r of config.resources) r.operations = []
      const state = existsSync(`${dir}state.json`) ? JSON.parse(readFileSync(`${dir}state.json`, 'utf8')) : defaultState(config)
      const r = compare(config, state)
      assert.ok(r.verdict === 'agree' || r.verdict === 'tie', `${r.verdict}: ${r.detail}`)
    })
  }

  it(`agrees with Pacemaker on at least ${THRESHOLD * 100} % of ${SEEDS} random clusters`, function () {
    if (!haveCrmSimulate()) {
      if (process.env.CI === 'true') assert.fail('crm_simulate is missing: install pacemaker-cli-utils')
      this.skip()
    }
    const lines: string[] = []
    const r = runSeeds(1, SEEDS, (line) => lines.push(line))
    const rate = (r.agree + r.tie) / SEEDS
    console.log(`      ${r.agree} agree, ${r.tie} ties, ${r.differ.length} differ, ${r.error.length} errors: agreement ${(100 * rate).toFixed(1)} % (differing seeds: ${r.differ.join(' ') || 'none'})`)
    assert.deepEqual(r.error, [], `crm_simulate or hactl failed on seeds ${r.error.join(' ')}:\n${lines.join('\n')}`)
    assert.ok(rate >= THRESHOLD, `agreement ${(100 * rate).toFixed(1)} % is below ${THRESHOLD * 100} %:\n${lines.join('\n')}`)
  })
})
