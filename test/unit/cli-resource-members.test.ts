import assert from 'node:assert/strict'
import {actionTouches, movesAny, primitivesOf} from '../../src/cli/resource-members.js'
import {emptyConfig} from '../../src/core/config/defaults.js'
import type {ResourceConfig} from '../../src/core/config/types.js'

const prim = (id: string) => ({id, agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}})

describe('cli: what a resource id stands for in the engine\'s actions', () => {
  const config: ResourceConfig = {
    ...emptyConfig(),
    resources: ['a', 'b', 'c', 'd'].map(prim),
    groups: [{id: 'grp', members: ['a', 'b'], meta: {}}],
    clones: [{id: 'c-clone', child: 'c', meta: {}}, {id: 'grp-clone', child: 'grp', meta: {}}],
  }

  it('a group is its members, a clone its child\'s primitives', () => {
    assert.deepEqual(primitivesOf(config, 'grp'), ['a', 'b'])
    assert.deepEqual(primitivesOf(config, 'c-clone'), ['c'])
    assert.deepEqual(primitivesOf(config, 'grp-clone'), ['a', 'b'])
    assert.deepEqual(primitivesOf(config, 'd'), ['d'])
    assert.deepEqual(primitivesOf(config, 'nope'), [])
  })

  it('clone instances match their primitive; other ids do not', () => {
    assert.ok(actionTouches('c:2', ['c']))
    assert.ok(actionTouches('c', ['c']))
    assert.ok(!actionTouches('cc:1', ['c']))
    assert.ok(!actionTouches(undefined, ['c']))
  })

  it('a move of a member counts as a move of its group; monitors do not', () => {
    assert.ok(movesAny(config, 'grp', [{op: 'stop', resource: 'b'}]))
    assert.ok(!movesAny(config, 'grp', [{op: 'monitor', resource: 'b'}]))
    assert.ok(!movesAny(config, 'grp', [{op: 'start', resource: 'd'}]))
    assert.ok(movesAny(config, 'c-clone', [{op: 'start', resource: 'c:0'}]))
  })
})
