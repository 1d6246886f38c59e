import assert from 'node:assert/strict'
import {buildBootstrap} from '../../src/core/config/bootstrap.js'
import {adoptNodeList, NodeListError, nodesVersion, sameNodeList, withNodeAdded, withNodeRemoved} from '../../src/core/config/bootstrap-nodes.js'
import {ConfigError} from '../../src/core/config/errors.js'

function three() {
  return buildBootstrap({name: 'c', authkeyFile: '/etc/hactl/authkey', nodes: [{name: 'n1', addrs: ['10.0.0.1']}, {name: 'n2', addrs: ['10.0.0.2']}, {name: 'n3', addrs: ['10.0.0.3']}]})
}

function reason(f: () => unknown): string {
  try {
    f()
  } catch (error) {
    assert.ok(error instanceof NodeListError, String(error))
    return error.reason
  }
  assert.fail('no error')
}

describe('live node list edits (cluster.json)', () => {
  it('adds a node with the lowest free id, one vote, a higher nodes_version', () => {
    const base = three()
    const next = withNodeAdded(base, {name: 'n4', addrs: ['10.0.0.4']})
    assert.deepEqual(next.nodes.at(-1), {id: 4, name: 'n4', addrs: ['10.0.0.4'], votes: 1})
    assert.equal(nodesVersion(next), nodesVersion(base) + 1)
    assert.equal(base.nodes.length, 3, 'the input is not changed')
  })

  it('removes a node and bumps the version', () => {
    const next = withNodeRemoved(withNodeAdded(three(), {name: 'n4', addrs: ['10.0.0.4']}), 'n2')
    assert.deepEqual(next.nodes.map((n) => n.name), ['n1', 'n3', 'n4'])
    assert.equal(nodesVersion(next), 2)
  })

  it('refuses bad input with a typed reason', () => {
    const base = three()
    assert.equal(reason(() => withNodeAdded(base, {name: 'n2', addrs: ['10.0.0.9']})), 'node-exists')
    assert.equal(reason(() => withNodeAdded(base, {name: 'n4', addrs: ['10.0.0.2']})), 'bad-node-address')
    assert.equal(reason(() => withNodeAdded(base, {name: 'n4', addrs: ['nope']})), 'bad-node-address')
    assert.equal(reason(() => withNodeAdded(base, {name: 'n4', addrs: []})), 'bad-node-address')
    assert.equal(reason(() => withNodeAdded(base, {name: 'a/b', addrs: ['10.0.0.4']})), 'bad-node-name')
    assert.equal(reason(() => withNodeAdded(base, {name: 'n4', addrs: ['10.0.0.4'], id: 3})), 'bad-node-id')
    assert.equal(reason(() => withNodeRemoved(base, 'n9')), 'node-unknown')
  })

  it('adopts only a newer list, checked as cluster.json', () => {
    const base = three()
    const next = withNodeAdded(base, {name: 'n4', addrs: ['10.0.0.4']})
    assert.equal(adoptNodeList(next, 1, base.nodes), undefined, 'not newer')
    assert.equal(adoptNodeList(base, 'x', next.nodes), undefined)
    const adopted = adoptNodeList(base, 1, next.nodes)!
    assert.ok(sameNodeList(adopted.nodes, next.nodes))
    assert.throws(() => adoptNodeList(base, 2, [{id: 1, name: 'n1', addrs: ['x'], votes: 1}]), ConfigError)
  })
})
