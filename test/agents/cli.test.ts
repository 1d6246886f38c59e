import assert from 'node:assert/strict'
import {Ajv2020} from 'ajv/dist/2020.js'
import {AGENT_RESULT_SCHEMAS} from '../../src/agents/schemas.js'
import {hactl, hactlJson} from '../lib/cli.js'

// The built CLI (npm test builds first).
describe('agents: hactl agent list / describe', function () {
  this.timeout(60_000)
  const ajv = new Ajv2020({strict: false})

  it('lists the hactl agents and ClusterLabs\' agents, in a table and as JSON', async () => {
    const text = await hactl(['agent', 'list', '--provider', 'hactl'])
    assert.equal(text.exitCode, 0, text.stderr)
    assert.match(text.stdout, /^AGENT +PATH\n/)
    assert.match(text.stdout, /^ocf:hactl:dummy +\S+\/resource-agents\/ocf\/hactl\/dummy$/m)
    const {exitCode, envelope} = await hactlJson(['agent', 'list'])
    assert.equal(exitCode, 0)
    assert.ok(ajv.validate(AGENT_RESULT_SCHEMAS['agent list']!, envelope.result), ajv.errorsText())
    const ids = envelope.result.map((a: {id: string}) => a.id)
    for (const id of ['ocf:hactl:vip', 'ocf:hactl:service', 'ocf:hactl:mount', 'ocf:hactl:dummy', 'ocf:hactl:balancer']) assert.ok(ids.includes(id), id)
  })

  it('describes an agent\'s parameters from its meta-data', async () => {
    const text = await hactl(['agent', 'describe', 'ocf:hactl:mount'])
    assert.equal(text.exitCode, 0, text.stderr)
    assert.match(text.stdout, /^ocf:hactl:mount — Manages a filesystem mount/)
    assert.match(text.stdout, /\ndevice +string +- +yes +Block device/)
    assert.match(text.stdout, /\nforce_unmount +boolean +true +no /)
    const {exitCode, envelope} = await hactlJson(['agent', 'describe', 'ocf:hactl:vip'])
    assert.equal(exitCode, 0)
    assert.ok(ajv.validate(AGENT_RESULT_SCHEMAS['agent describe']!, envelope.result), ajv.errorsText())
    assert.deepEqual(envelope.result.parameters.filter((p: {required: boolean}) => p.required).map((p: {name: string}) => p.name), ['ip'])
  })

  it('rejects an unknown or malformed agent with exit 2 and one line', async () => {
    for (const agent of ['ocf:nosuch:thing', 'nonsense', 'ocf:../x:y']) {
      const r = await hactl(['agent', 'describe', agent])
      assert.equal(r.exitCode, 2, agent)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      assert.match(r.stderr, /^hactl: /)
    }
    const {envelope} = await hactlJson(['agent', 'describe', 'ocf:nosuch:thing'])
    assert.deepEqual(Object.keys(envelope.error), ['code', 'message'])
    assert.equal(envelope.error.code, 'agent-not-installed')
  })
})
