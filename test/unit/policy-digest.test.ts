// `resource update` reaching a running resource: the parameter digest a node
// records with an instance, compared by the engine with the configured one
// (Pacemaker's op-digest and op-restart-digest), and `hactl simulate` showing it.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {definitionChange, paramDigest, paramRecord} from '../../src/core/policy/digest.js'
import {schedule, summarize, validateClusterState, type ClusterState} from '../../src/core/policy/index.js'
import {hactl} from '../lib/cli.js'

const node = (name: string) => ({name, attributes: {}, utilization: {}, standby: false, maintenance: false})
const primitive = (id: string, params: Record<string, string>) => ({id, agent: 'ocf:hactl:dummy', params, meta: {}, operations: [{name: 'monitor', interval: '10s'}], utilization: {}})

function config(params: Record<string, string>, group = false): ResourceConfig {
  return {
    epoch: 1, properties: {}, nodes: [node('n1'), node('n2')], resources: [primitive('a', params), primitive('b', {})],
    groups: group ? [{id: 'g', members: ['a', 'b'], meta: {}}] : [], clones: [], constraints: [],
  } as ResourceConfig
}

function running(record: object): ClusterState {
  return {nowMs: 0, quorate: true, nodes: {n1: {online: true}, n2: {online: true}}, resources: {
    a: {nodes: {n1: {role: 'started', ...record}}}, b: {nodes: {n1: {role: 'started'}}},
  }}
}

describe('policy: parameter digests (resource definition change)', () => {
  it('a digest does not depend on the order of parameters; the restart digest leaves out the reloadable ones', () => {
    assert.equal(paramDigest({x: '1', y: '2'}), paramDigest({y: '2', x: '1'}))
    assert.notEqual(paramDigest({x: '1'}), paramDigest({x: '2'}))
    assert.match(paramDigest({}), /^[0-9a-f]{32}$/)
    assert.equal(paramRecord({x: '1', fake: 'a'}, ['fake']).restartDigest, paramDigest({x: '1'}))
    assert.deepEqual(Object.keys(paramRecord({x: '1'})), ['digest'])
  })

  it('classifies a change: none without a record, reload when only reloadable parameters changed, restart otherwise', () => {
    const record = paramRecord({state: '/s', fake: 'a'}, ['fake'])
    assert.equal(definitionChange({state: '/t'}, undefined), 'none')
    assert.equal(definitionChange({state: '/s', fake: 'a'}, record), 'none')
    assert.equal(definitionChange({state: '/s', fake: 'b'}, record), 'reload')
    assert.equal(definitionChange({state: '/t', fake: 'b'}, record), 'restart')
    assert.equal(definitionChange({state: '/s', fake: 'b'}, paramRecord({state: '/s', fake: 'a'})), 'restart', 'no reload-agent: restart')
  })

  it('plans "Restart a ( n1 ) due to resource definition change", monitors re-armed, nothing else', () => {
    const state = running(paramRecord({fake: 'old'}))
    const result = schedule(config({fake: 'new'}), validateClusterState(state))
    assert.deepEqual(summarize(result), ['* Restart a ( n1 ) due to resource definition change'])
    assert.deepEqual(result.transition.actions.map((a) => a.id), ['a_stop_n1', 'a_start_n1', 'a_monitor_10000_n1'])
    const again = schedule(config({fake: 'new'}), result.nextState)
    assert.deepEqual(again.transition.actions, [], 'the next state records the new digest')
  })

  it('nothing to do when the digest matches, or when none was recorded (an older node)', () => {
    assert.deepEqual(schedule(config({fake: 'x'}), running(paramRecord({fake: 'x'}))).transition.actions, [])
    assert.deepEqual(schedule(config({fake: 'x'}), running({})).transition.actions, [])
  })

  it('plans a reload-agent, no restart, when only reloadable parameters changed', () => {
    const state = running(paramRecord({state: '/s', fake: 'old'}, ['fake']))
    const result = schedule(config({state: '/s', fake: 'new'}), state)
    assert.deepEqual(summarize(result), ['* Reload a ( n1 ) due to resource definition change'])
    assert.deepEqual(result.transition.actions.map((a) => [a.id, a.op]), [['a_reload-agent_n1', 'reload-agent']])
    assert.deepEqual(schedule(config({state: '/s', fake: 'new'}), result.nextState).transition.actions, [])
  })

  it('a restarted group member restarts the members after it; a reloaded one does not', () => {
    const restart = schedule(config({fake: 'new'}, true), running(paramRecord({fake: 'old'})))
    assert.deepEqual(summarize(restart), ['* Restart a ( n1 ) due to resource definition change', '* Restart b ( n1 ) due to required a start'])
    const reload = schedule(config({state: '/s', fake: 'new'}, true), running(paramRecord({state: '/s', fake: 'old'}, ['fake'])))
    assert.deepEqual(summarize(reload), ['* Reload a ( n1 ) due to resource definition change'])
  })

  it('hactl simulate shows the restart line for a configuration whose status records other parameters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hactl-digest-'))
    try {
      const file = join(dir, 'c.json')
      await writeFile(file, JSON.stringify({...config({fake: 'new'}), status: running(paramRecord({fake: 'old'}))}))
      const result = await hactl(['-f', file, 'simulate'])
      assert.equal(result.exitCode, 0, result.stderr)
      assert.match(result.stdout, /\* Restart a \( n1 \) due to resource definition change/)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
