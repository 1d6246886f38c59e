// Golden scenarios, like Pacemaker's cts/scheduler: each directory holds a
// configuration and a state; expected.txt is the rendered result (summary,
// placement, actions). UPDATE_SCENARIOS=1 rewrites the expected files; review
// the diff and commit it only if you understand what caused it.
// Run: npm run test:policy (UPDATE_SCENARIOS=1 to regenerate); new scenarios are
// defined in generate.ts (node --import tsx test/scenarios/generate.ts).
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Ajv} from 'ajv'
import {POLICY_RESULT_SCHEMAS} from '../../src/cli/policy-schemas.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import {defaultState, renderResult, schedule, validateClusterState} from '../../src/core/policy/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const update = process.env.UPDATE_SCENARIOS === '1'
const ajv = new Ajv({strict: false})
const resultSchema = ajv.compile(POLICY_RESULT_SCHEMAS.simulate)
const names = readdirSync(here, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name).sort()

describe('policy scenarios', () => {
  it('has at least 60 scenarios', () => assert.ok(names.length >= 60, `only ${names.length}`))
  for (const name of names) {
    it(name, () => {
      const dir = join(here, name)
      const config = validateResourceConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')))
      const statePath = join(dir, 'state.json')
      const state = existsSync(statePath) ? validateClusterState(JSON.parse(readFileSync(statePath, 'utf8'))) : defaultState(config)
      const result = schedule(config, state)
      assert.ok(resultSchema(JSON.parse(JSON.stringify(result))), `the --json result breaks its schema: ${ajv.errorsText(resultSchema.errors)}`)
      const actual = renderResult(result)
      const expectedPath = join(dir, 'expected.txt')
      if (update) writeFileSync(expectedPath, actual)
      assert.ok(existsSync(expectedPath), `${name}/expected.txt is missing: run UPDATE_SCENARIOS=1 npm run test:policy`)
      assert.equal(actual, readFileSync(expectedPath, 'utf8'))
      // Same input, byte-identical output.
      assert.equal(renderResult(schedule(config, state)), actual)
    })
  }
})
