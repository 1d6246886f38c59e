// `hactl simulate`, `hactl resource why` and renderSimulation, end to end on a
// configuration file: the built CLI as a subprocess (npm test builds first).
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Ajv} from 'ajv'
import {POLICY_RESULT_SCHEMAS} from '../../src/cli/policy-schemas.js'
import {renderSimulation} from '../../src/cli/simulate-render.js'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {explain, schedule, stateOf, summarize, validateClusterState} from '../../src/core/policy/index.js'
import {hactl, hactlJson} from '../lib/cli.js'

function cluster(): ResourceConfig {
  const node = (name: string) => ({name, attributes: {}, utilization: {}, standby: false, maintenance: false})
  const primitive = (id: string) => ({id, agent: 'ocf:hactl:vip', params: {}, meta: {}, operations: [{name: 'monitor', interval: '10s'}], utilization: {}})
  return {
    epoch: 1, properties: {}, nodes: [node('n1'), node('n2'), node('n3')], resources: [primitive('web-ip'), primitive('web')], groups: [], clones: [],
    constraints: [
      {id: 'web-ip-likes-n2', type: 'location', resource: 'web-ip', node: 'n2', score: 50},
      {id: 'web-with-ip', type: 'colocation', resource: 'web', withResource: 'web-ip', score: 'INFINITY'},
      {id: 'ip-then-web', type: 'order', first: 'web-ip', firstAction: 'start', then: 'web', thenAction: 'start', kind: 'mandatory', symmetrical: true},
    ],
  }
}

const ajv = new Ajv({strict: false})
const simulateSchema = ajv.compile(POLICY_RESULT_SCHEMAS.simulate)
const whySchema = ajv.compile(POLICY_RESULT_SCHEMAS['resource why'])

describe('hactl simulate (subprocess)', function () {
  this.timeout(60_000)
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-simulate-'))
    file = join(dir, 'c.json')
    await writeFile(file, `${JSON.stringify(cluster(), null, 2)}\n`)
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  it('moves a resource off a node that goes down, stops before starts', async () => {
    const {exitCode, stdout} = await hactl(['-f', file, 'simulate', '--running', 'web-ip@n1', '--running', 'web@n1', '--node-down', 'n1'])
    assert.equal(exitCode, 0, stdout)
    assert.match(stdout, /\* Move web-ip \( n1 -> n2 \) due to node offline/)
    assert.match(stdout, /\* Move web \( n1 -> n2 \) due to node offline/)
    const actions = stdout.slice(stdout.indexOf('Actions:')).split('\n').map((l) => l.trim().split(/\s+/)[1]).filter(Boolean)
    assert.ok(actions.indexOf('web-ip_start_n2') < actions.indexOf('web_start_n2'), stdout)
  })

  it('gives placement and ordered actions with --json', async () => {
    const {exitCode, envelope} = await hactlJson(['-f', file, 'simulate', '--fail', 'web-ip@n2'])
    assert.equal(exitCode, 0)
    const result = envelope.result
    assert.ok(simulateSchema(result), ajv.errorsText(simulateSchema.errors))
    assert.deepEqual(result.placement.map((p: {resource: string, node: string}) => [p.resource, p.node]), [['web-ip', 'n2'], ['web', 'n2']])
    const ids = result.transition.actions.map((a: {id: string}) => a.id)
    assert.ok(ids.indexOf('web_stop_n2') < ids.indexOf('web-ip_stop_n2'), 'web stops before web-ip (symmetrical order)')
    for (const a of result.transition.actions) assert.equal(typeof a.reason, 'string')
  })

  it('chains with --save-state: the second run on the saved state has nothing to do', async () => {
    const saved = join(dir, 'next.json')
    const first = await hactl(['-f', file, 'simulate', '--standby', 'n2', '--save-state', saved])
    assert.equal(first.exitCode, 0, first.stderr)
    const again = await hactlJson(['-f', saved, 'simulate'])
    assert.equal(again.exitCode, 0)
    assert.deepEqual(again.envelope.result.transition.actions, [])
    assert.deepEqual(again.envelope.result.placement.map((p: {node: string}) => p.node), ['n1', 'n1'])
    const status = JSON.parse(await readFile(saved, 'utf8')).status
    validateClusterState(status)
    assert.equal(status.nodes.n2.standby, true)
  })

  it('holds a lost node\'s resources until the safety delay has passed (--node-fail, --advance)', async () => {
    const saved = join(dir, 'running.json')
    assert.equal((await hactl(['-f', file, 'simulate', '--save-state', saved])).exitCode, 0)
    const held = await hactl(['-f', saved, 'simulate', '--node-fail', 'n2'])
    assert.match(held.stdout, /\* Hold web-ip \( n2 \) until 3150ms/)
    assert.match(held.stdout, /Recheck at 3150ms/)
    const later = await hactl(['-f', saved, 'simulate', '--node-fail', 'n2', '--advance', '4s'])
    assert.match(later.stdout, /\* Move web-ip \( n2 -> n1 \) due to node lost and safety delay passed/)
  })

  it('rejects an unknown node or resource with one line and exit 2', async () => {
    for (const [args, pattern] of [
      [['--node-down', 'n9'], /unknown node "n9"/],
      [['--running', 'nope@n1'], /unknown resource "nope"/],
      [['--fail', 'web-ip'], /expected RESOURCE@NODE\[:OP\]/],
      [['--advance', 'soon'], /--advance "soon": expected a duration/],
    ] as const) {
      const result = await hactl(['-f', file, 'simulate', ...args])
      assert.equal(result.exitCode, 2, result.stderr)
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr)
      assert.match(result.stderr, pattern)
    }
  })

  it('prints the graph for Graphviz with --dot', async () => {
    const {exitCode, stdout} = await hactl(['-f', file, 'simulate', '--dot'])
    assert.equal(exitCode, 0)
    assert.match(stdout, /^digraph transition \{/)
    assert.match(stdout, /"web-ip_start_n2" -> "web_start_n2";/)
  })

  it('explains a placement with resource why', async () => {
    const {exitCode, stdout} = await hactl(['-f', file, 'resource', 'why', 'web-ip'])
    assert.equal(exitCode, 0, stdout)
    assert.match(stdout, /^web-ip runs on n2/)
    assert.match(stdout, /50 {2}location web-ip-likes-n2/)
    const json = await hactlJson(['-f', file, 'resource', 'why', 'web'])
    assert.ok(whySchema(json.envelope.result), ajv.errorsText(whySchema.errors))
    const bad = await hactl(['-f', file, 'resource', 'why', 'nope'])
    assert.equal(bad.exitCode, 2)
  })
})

describe('policy engine: explain, summarize, state, renderSimulation', () => {
  it('explain: per node, the terms add up to the score', () => {
    const config = cluster()
    const explanation = explain(config, stateOf(config), 'web')!
    const unit = explanation.units[0]
    assert.equal(unit.node, 'n2')
    const n1 = unit.nodes.find((n) => n.node === 'n1')!
    assert.ok(n1.terms.some((t) => t.source.startsWith('colocation web-with-ip') && t.score === -1_000_000), JSON.stringify(n1))
    const n2 = unit.nodes.find((n) => n.node === 'n2')!
    assert.ok(n2.score >= 0)
    assert.equal(explain(config, stateOf(config), 'nope'), undefined)
  })

  it('summarize: Pacemaker-like lines with reasons', () => {
    const config = {...cluster(), nodes: cluster().nodes.map((n) => (n.name === 'n2' ? {...n, standby: true} : n))}
    const state = {...stateOf(config), resources: {'web-ip': {nodes: {n2: {role: 'started' as const}}}, web: {nodes: {n2: {role: 'started' as const}}}}}
    assert.deepEqual(summarize(schedule(config, state)), ['* Move web-ip ( n2 -> n1 ) due to node standby', '* Move web ( n2 -> n1 ) due to node standby'])
  })

  it('validateClusterState names the bad path and value', () => {
    assert.throws(() => validateClusterState({nowMs: 0, quorate: true, nodes: {n1: {online: 'yes'}}, resources: {}}), /nodes\.n1\.online is "yes"/)
    assert.throws(() => validateClusterState({nowMs: -1, quorate: true, nodes: {}, resources: {}}), /nowMs/)
  })

  it('renderSimulation shows the transition a change causes', () => {
    const before = cluster()
    const after: ResourceConfig = {...before, constraints: [...before.constraints, {id: 'cli-ban-web-ip-on-n2', type: 'location', resource: 'web-ip', node: 'n2', score: '-INFINITY'}]}
    const text = renderSimulation(before, after)
    assert.match(text, /\* Move web-ip \( n2 -> n1 \) due to ban cli-ban-web-ip-on-n2/)
    assert.match(text, /\* Move web \( n2 -> n1 \)/)
    assert.match(renderSimulation(before, before), /\(nothing to do\)/)
  })
})
