import assert from 'node:assert/strict'
import {ConfigError, emptyConfig, validateResourceConfig, type ResourceConfig} from '../../src/core/config/index.js'

function base(): ResourceConfig {
  return {
    ...emptyConfig(),
    nodes: [{name: 'n1', attributes: {}, utilization: {}, standby: false, maintenance: false}],
    resources: [
      {id: 'a', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}},
      {id: 'b', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}},
    ],
  }
}

function rejects(change: (c: any) => void, expected: RegExp): void {
  const config: any = structuredClone(base())
  change(config)
  assert.throws(() => validateResourceConfig(config), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`)
    assert.match(error.message, expected)
    assert.ok(!error.message.includes('\n'), 'error must be one line')
    return true
  })
}

describe('resource configuration validation', () => {
  it('accepts a valid configuration', () => {
    assert.deepEqual(validateResourceConfig(base()), base())
  })

  const cases: Array<[string, (c: any) => void, RegExp]> = [
    ['a missing section', (c) => delete c.groups, /groups is missing/],
    ['an unknown top-level key', (c) => { c.extra = 1 }, /unknown key "extra"/],
    ['a negative epoch', (c) => { c.epoch = -1 }, /epoch is -1/],
    ['a bad agent', (c) => { c.resources[0].agent = 'nope' }, /resources\[0\]\.agent is "nope", expected ocf:PROVIDER:TYPE/],
    ['a bad id', (c) => { c.resources[0].id = 'has space' }, /resources\[0\]\.id is "has space"/],
    ['duplicate resource ids', (c) => { c.resources[1].id = 'a' }, /id "a" is already used by a primitive/],
    ['a group id equal to a resource id', (c) => { c.groups = [{id: 'a', members: ['b'], meta: {}}] }, /groups\[0\] id "a" is already used/],
    ['a resource in two groups', (c) => { c.groups = [{id: 'g1', members: ['a'], meta: {}}, {id: 'g2', members: ['a'], meta: {}}] }, /"a" is already a member of group "g1"/],
    ['an unknown group member', (c) => { c.groups = [{id: 'g', members: ['zz'], meta: {}}] }, /members\[0\] "zz" is not a configured resource/],
    ['a clone of a group member', (c) => { c.groups = [{id: 'g', members: ['a'], meta: {}}]; c.clones = [{id: 'x', child: 'a', meta: {}}] }, /"a" is a member of group "g"; clone the group instead/],
    ['a clone of nothing', (c) => { c.clones = [{id: 'x', child: 'q', meta: {}}] }, /clones\[0\]\.child "q" is not a configured resource/],
    ['an unknown resource in a constraint', (c) => { c.constraints = [{id: 'c', type: 'colocation', resource: 'a', withResource: 'ghost', score: 10}] }, /withResource "ghost" is not a configured resource/],
    ['a textual score', (c) => { c.constraints = [{id: 'c', type: 'location', resource: 'a', node: 'n1', score: 'lots'}] }, /score is "lots", expected an integer, INFINITY or -INFINITY/],
    ['a fractional score', (c) => { c.constraints = [{id: 'c', type: 'location', resource: 'a', node: 'n1', score: 1.5}] }, /score is 1.5/],
    ['a location on an undeclared node', (c) => { c.constraints = [{id: 'c', type: 'location', resource: 'a', node: 'n9', score: 5}] }, /node "n9" is not a declared node/],
    ['a location with node and rule', (c) => { c.constraints = [{id: 'c', type: 'location', resource: 'a', node: 'n1', score: 5, rule: {attribute: 'x', operation: 'defined'}}] }, /needs exactly one of node and rule/],
    ['an unknown property', (c) => { c.properties = {'no-such-thing': '1'} }, /properties\.no-such-thing is not a known cluster property/],
    ['a bad property value', (c) => { c.properties = {'no-quorum-policy': 'panic'} }, /no-quorum-policy is "panic": expected one of stop, freeze, ignore/],
    ['a bad meta value', (c) => { c.resources[0].meta = {'resource-stickiness': 'sticky'} }, /resources\[0\]\.meta\.resource-stickiness is "sticky"/],
    ['a bad operation interval', (c) => { c.resources[0].operations = [{name: 'monitor', interval: 'often'}] }, /operations\[0\]\.interval is "often"/],
    ['a constraint id reused', (c) => { c.constraints = [{id: 'a', type: 'order', first: 'a', firstAction: 'start', then: 'b', thenAction: 'start', kind: 'mandatory', symmetrical: true}] }, /constraints\[0\] id "a" is already used/],
    ['an order of a resource after itself', (c) => { c.constraints = [{id: 'o', type: 'order', first: 'a', firstAction: 'start', then: 'a', thenAction: 'start', kind: 'mandatory', symmetrical: true}] }, /orders "a" after itself/],
    ['a duplicate node', (c) => { c.nodes.push({...c.nodes[0]}) }, /nodes\[1\]\.name "n1" is declared twice/],
  ]
  for (const [name, change, expected] of cases) it(`rejects ${name}`, () => rejects(change, expected))

  it('accepts INFINITY scores in every spelling and node rules', () => {
    const config = base()
    config.constraints = [
      {id: 'l1', type: 'location', resource: 'a', node: 'n1', score: 'INFINITY'},
      {id: 'l2', type: 'location', resource: 'b', node: 'n1', score: '-INFINITY'},
      {id: 'l3', type: 'location', resource: 'b', score: '+INFINITY', rule: {attribute: 'ssd', operation: 'eq', value: 'yes'}},
      {id: 'c1', type: 'colocation', resource: 'a', withResource: 'b', score: -200},
    ]
    validateResourceConfig(config)
  })
})
