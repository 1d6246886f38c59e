// Location rules: and/or nesting, `ne` on a node without the attribute, date
// expressions on the injected clock and the recheck time they give; and their
// round trip through a CIB.
import assert from 'node:assert/strict'
import {cibToConfig} from '../../src/core/cib/read.js'
import {configToCib} from '../../src/core/cib/write.js'
import type {ResourceConfig, RuleExpression} from '../../src/core/config/types.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'
import {defaultState, schedule} from '../../src/core/policy/index.js'

function cluster(rule: RuleExpression, score: number | 'INFINITY' | '-INFINITY' = 100): ResourceConfig {
  return validateResourceConfig({
    epoch: 1, properties: {},
    nodes: [
      {name: 'n1', attributes: {rack: 'a', ssd: 'yes'}, utilization: {}, standby: false, maintenance: false},
      {name: 'n2', attributes: {rack: 'b'}, utilization: {}, standby: false, maintenance: false},
      {name: 'n3', attributes: {}, utilization: {}, standby: false, maintenance: false},
    ],
    resources: [{id: 'db', agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}}],
    groups: [], clones: [],
    constraints: [{id: 'where', type: 'location', resource: 'db', score, rule}],
  })
}

function placeAt(config: ResourceConfig, nowMs = 0): {node: string | null, recheckAtMs: number | null} {
  const result = schedule(config, {...defaultState(config), nowMs})
  return {node: result.placement.find((p) => p.resource === 'db')!.node, recheckAtMs: result.recheckAtMs}
}

// 2023-11-14 was a Tuesday.
const TUESDAY_10H = Date.UTC(2023, 10, 14, 10, 0, 0)
const TUESDAY_18H30 = Date.UTC(2023, 10, 14, 18, 30, 0)

describe('location rules', () => {
  it('ne is true on a node without the attribute', () => {
    // rack ne a: n2 (b) and n3 (no rack) match; with -INFINITY only n1 is left.
    assert.equal(placeAt(cluster({attribute: 'rack', operation: 'ne', value: 'a'}, '-INFINITY')).node, 'n1')
  })

  it('and / or, nested', () => {
    assert.equal(placeAt(cluster({booleanOp: 'and', rules: [{attribute: 'rack', operation: 'defined'}, {attribute: 'ssd', operation: 'not_defined'}]})).node, 'n2')
    const nested: RuleExpression = {booleanOp: 'or', rules: [
      {attribute: '#uname', operation: 'eq', value: 'n3'},
      {booleanOp: 'and', rules: [{attribute: 'rack', operation: 'eq', value: 'a'}, {attribute: 'ssd', operation: 'eq', value: 'no'}]},
    ]}
    assert.equal(placeAt(cluster(nested)).node, 'n3')
  })

  it('a date_spec maintenance window uses the injected clock and says when to look again', () => {
    // Banned from n1 on weekdays 9-17 (UTC).
    const window: RuleExpression = {booleanOp: 'and', rules: [
      {attribute: '#uname', operation: 'eq', value: 'n1'},
      {date: 'date_spec', spec: {weekdays: '1-5', hours: '9-17'}},
    ]}
    const config = cluster(window, '-INFINITY')
    config.constraints.push({id: 'prefer-n1', type: 'location', resource: 'db', node: 'n1', score: 50})
    const during = placeAt(config, TUESDAY_10H)
    assert.equal(during.node, 'n2')
    assert.equal(during.recheckAtMs, Date.UTC(2023, 10, 14, 18, 0, 0), 'the window closes at 18:00')
    const after = placeAt(config, TUESDAY_18H30)
    assert.equal(after.node, 'n1')
    assert.equal(after.recheckAtMs, Date.UTC(2023, 10, 15, 9, 0, 0), 'it opens again at 09:00 on Wednesday')
  })

  it('in_range, gt and lt', () => {
    const config = cluster({date: 'in_range', start: '2023-11-14T00:00:00Z', end: '2023-11-14T12:00:00Z'}, '-INFINITY')
    config.constraints.push({id: 'prefer-n2', type: 'location', resource: 'db', node: 'n2', score: 10})
    assert.equal(placeAt(config, TUESDAY_10H).node, null)
    assert.equal(placeAt(config, TUESDAY_10H).recheckAtMs, Date.UTC(2023, 10, 14, 12, 0, 0) + 1)
    assert.equal(placeAt(config, TUESDAY_18H30).node, 'n2')
  })

  it('rejects a date that is not one', () => {
    assert.throws(() => cluster({date: 'gt', start: 'next tuesday'}), /rule.start is "next tuesday": expected an ISO 8601 date/)
  })

  it('goes through a CIB and back', () => {
    const rule: RuleExpression = {booleanOp: 'or', rules: [
      {attribute: 'rack', operation: 'eq', value: 'b'},
      {booleanOp: 'and', rules: [{date: 'date_spec', spec: {hours: '9-17', weekdays: '1-5'}}, {attribute: 'ssd', operation: 'defined'}]},
    ]}
    const config = cluster(rule)
    const back = cibToConfig(configToCib(config))
    assert.deepEqual(back.unsupported, [])
    assert.deepEqual(back.config.constraints, config.constraints)
  })
})
