import assert from 'node:assert/strict'
import {applyEdit, ConfigError, emptyConfig, type ConfigEdit, type Primitive, type ResourceConfig} from '../../src/core/config/index.js'

function primitive(id: string): Primitive {
  return {id, agent: 'ocf:hactl:dummy', params: {}, meta: {}, operations: [], utilization: {}}
}

function build(...edits: ConfigEdit[]): ResourceConfig {
  return edits.reduce(applyEdit, emptyConfig())
}

const add = (id: string, group?: string): ConfigEdit => ({op: 'resource.add', resource: primitive(id), group})

describe('configuration edits', () => {
  it('bumps the epoch by one per accepted edit, and leaves the input alone', () => {
    const before = build(add('a'))
    const snapshot = structuredClone(before)
    const after = applyEdit(before, add('b'))
    assert.equal(before.epoch, 1)
    assert.equal(after.epoch, 2)
    assert.deepEqual(before, snapshot)
  })

  it('refuses a duplicate id', () => {
    assert.throws(() => applyEdit(build(add('a')), add('a')), /id "a" is already used/)
  })

  it('adds to a group in order, and --before inserts', () => {
    const config = build(add('a', 'g'), add('b', 'g'), {op: 'resource.add', resource: primitive('c'), group: 'g', before: 'b'})
    assert.deepEqual(config.groups, [{id: 'g', members: ['a', 'c', 'b'], meta: {}}])
  })

  it('moving a resource into another group takes it out of the first, and an emptied group disappears with its constraints', () => {
    const config = build(add('a', 'g1'), {op: 'constraint.location', resource: 'g1', node: 'n1', score: '50'}, {op: 'group.add', group: 'g2', members: ['a']})
    assert.deepEqual(config.groups.map((g) => [g.id, g.members]), [['g2', ['a']]])
    assert.deepEqual(config.constraints, [])
  })

  it('removing a resource removes the constraints that name it', () => {
    const config = build(add('a'), add('b'),
      {op: 'constraint.colocation', resource: 'a', withResource: 'b', score: 'INFINITY'},
      {op: 'constraint.order', first: 'b', firstAction: 'start', then: 'a', thenAction: 'start', kind: 'mandatory', symmetrical: true},
      {op: 'resource.remove', id: 'b'})
    assert.deepEqual(config.constraints, [])
    assert.deepEqual(config.resources.map((r) => r.id), ['a'])
  })

  it('removing a group removes its members; removing a clone removes its child', () => {
    let config = build(add('a', 'g'), add('b', 'g'), add('c'), {op: 'clone.add', id: 'c-clone', child: 'c', meta: {}})
    config = applyEdit(config, {op: 'resource.remove', id: 'g'})
    assert.deepEqual(config.resources.map((r) => r.id), ['c'])
    config = applyEdit(config, {op: 'resource.remove', id: 'c-clone'})
    assert.deepEqual(config.resources, [])
    assert.deepEqual(config.clones, [])
  })

  it('unclone (clone.remove), as pcs: by clone or child id the clone and its constraints go and the child stays; a member of a cloned group leaves the group', () => {
    const cloned = build(add('c'), add('d'), {op: 'clone.add', id: 'c-clone', child: 'c', meta: {}},
      {op: 'constraint.location', resource: 'c-clone', node: 'n1', score: '100'},
      {op: 'constraint.location', resource: 'd', node: 'n1', score: '50'})
    for (const name of ['c-clone', 'c']) {
      const config = applyEdit(cloned, {op: 'clone.remove', id: name})
      assert.deepEqual(config.clones, [])
      assert.deepEqual(config.resources.map((r) => r.id), ['c', 'd'])
      assert.deepEqual(config.constraints.map((c) => c.type === 'location' && c.resource), ['d'], 'only the clone\'s constraint went')
    }
    assert.throws(() => applyEdit(cloned, {op: 'clone.remove', id: 'd'}), /"d" is not a clone resource/)
    assert.throws(() => applyEdit(cloned, {op: 'clone.remove', id: 'x'}), /resource "x" does not exist/)
    const group = build(add('a', 'g'), add('b', 'g'), {op: 'clone.add', id: 'g-clone', child: 'g', meta: {}})
    const member = applyEdit(group, {op: 'clone.remove', id: 'b'})
    assert.deepEqual(member.groups.map((g) => g.members), [['a']])
    assert.deepEqual(member.clones.map((c) => c.id), ['g-clone'], 'the clone stays')
    const last = applyEdit(member, {op: 'clone.remove', id: 'a'})
    assert.deepEqual([last.clones, last.groups.map((g) => g.members)], [[], [['a']]], 'the last member: the clone goes, the group stays')
  })

  it('move replaces its own constraint, ban adds one per node, clear removes only those', () => {
    let config = build(add('a'),
      {op: 'constraint.location', resource: 'a', node: 'n3', score: 50},
      {op: 'resource.move', id: 'a', node: 'n1'},
      {op: 'resource.move', id: 'a', node: 'n2'},
      {op: 'resource.ban', id: 'a', node: 'n1'})
    assert.deepEqual(config.constraints.map((c) => c.id), ['location-a-n3', 'cli-prefer-a', 'cli-ban-a-on-n1'])
    assert.equal((config.constraints[1] as {node: string}).node, 'n2')
    config = applyEdit(config, {op: 'resource.clear', id: 'a'})
    assert.deepEqual(config.constraints.map((c) => c.id), ['location-a-n3'])
  })

  it('meta and params: KEY= removes, others merge', () => {
    let config = build(add('a'), {op: 'resource.meta', id: 'a', meta: {'resource-stickiness': '100', priority: '5'}})
    config = applyEdit(config, {op: 'resource.meta', id: 'a', meta: {priority: ''}})
    assert.deepEqual(config.resources[0].meta, {'resource-stickiness': '100'})
  })

  it('node standby declares an undeclared node only when none are declared', () => {
    const config = build({op: 'node.set', name: 'n1', standby: true})
    assert.equal(config.nodes[0].standby, true)
    assert.throws(() => applyEdit(config, {op: 'node.set', name: 'n2', standby: true}), /node "n2" does not exist \(nodes: n1\)/)
  })

  it('an edit that makes the configuration invalid throws and returns nothing', () => {
    const config = build(add('a'))
    assert.throws(() => applyEdit(config, {op: 'property.set', properties: {'no-quorum-policy': 'maybe'}}), ConfigError)
    assert.throws(() => applyEdit(config, {op: 'constraint.location', resource: 'a', node: 'n1', score: 'much'}), /score "much"/)
  })

  it('a batch is one epoch and all or nothing', () => {
    const config = build(add('a'), {op: 'node.add', name: 'n1'}, {op: 'node.add', name: 'n2'})
    const batch: ConfigEdit = {op: 'batch', edits: [
      {op: 'constraint.location', resource: 'a', node: 'n1', score: 10},
      {op: 'constraint.location', resource: 'a', node: 'n2', score: 5},
    ]}
    assert.equal(applyEdit(config, batch).epoch, config.epoch + 1)
    assert.throws(() => applyEdit(config, {op: 'batch', edits: [...batch.edits, {op: 'constraint.location', resource: 'a', node: 'n9', score: 1}]}), /"n9"/)
  })

  it('import keeps the epoch growing past both documents', () => {
    const current = build(add('a'), add('b'))
    const imported = {...build(add('x')), epoch: 10}
    assert.equal(applyEdit(current, {op: 'config.replace', config: imported}).epoch, 11)
    assert.equal(applyEdit({...current, epoch: 20}, {op: 'config.replace', config: imported}).epoch, 21)
  })
})
