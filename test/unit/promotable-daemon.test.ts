// The daemon half of promotable clones in the pure core: what an agent's answer
// means for a Promoted/Unpromoted instance (src/core/controller/local-report.ts),
// and transient attributes and role actions on the wire (src/core/controller/messages.ts).
import assert from 'node:assert/strict'
import {afterAction, afterMonitor, afterProbe, isActive} from '../../src/core/controller/local-report.js'
import {isAttributes, parsePeerMessage} from '../../src/core/controller/messages.js'
import {emptyConfig} from '../../src/core/config/defaults.js'

const done = (ocfCode: number) => ({status: 'done', ocfCode})

describe('promotable instances in the node report', () => {
  it('a probe answering 8 (OCF_RUNNING_PROMOTED) finds the instance Promoted; 9 is a failure', () => {
    assert.deepEqual(afterProbe(undefined, done(8)), {report: {role: 'promoted', failCount: 0}, verdict: 'running'})
    assert.equal(afterProbe(undefined, done(0)).report.role, 'started')
    assert.equal(afterProbe(undefined, done(9)).verdict, 'failed')
  })

  it('promote makes it Promoted, demote Unpromoted (started); a failed promote is a failure; a failed notify changes nothing', () => {
    const config = emptyConfig()
    const started = {role: 'started' as const, failCount: 0}
    assert.equal(afterAction(config, started, 'promote', done(0), 5).report.role, 'promoted')
    assert.equal(afterAction(config, {role: 'promoted', failCount: 0}, 'demote', done(0), 5).report.role, 'started')
    const failed = afterAction(config, started, 'promote', done(1), 5)
    assert.deepEqual(failed, {ok: false, report: {role: 'failed', failCount: 1, lastFailureMs: 5, failedOp: 'promote'}})
    assert.deepEqual(afterAction(config, started, 'notify', done(1), 5), {ok: true, report: started})
    assert.ok(isActive({role: 'promoted', failCount: 0}))
  })

  it('each role has its monitor success: 8 for Promoted, 0 for Unpromoted; the other is a role mismatch (failure)', () => {
    assert.equal(afterMonitor({role: 'promoted', failCount: 0}, done(8), 1), null)
    assert.equal(afterMonitor({role: 'started', failCount: 0}, done(0), 1), null)
    assert.deepEqual(afterMonitor({role: 'started', failCount: 0}, done(8), 1), {role: 'failed', failCount: 1, lastFailureMs: 1, failedOp: 'monitor'})
    assert.deepEqual(afterMonitor({role: 'promoted', failCount: 2}, done(0), 1), {role: 'failed', failCount: 3, lastFailureMs: 1, failedOp: 'monitor'})
    assert.equal(afterMonitor({role: 'promoted', failCount: 0}, done(7), 1)?.role, 'failed')
  })
})

describe('transient attributes and role actions on the wire', () => {
  const report = (attributes: unknown) => ({v: 1, ch: 'node', viewId: 3, m: {t: 'report', full: true, epoch: 1, resources: {'db:0': {role: 'promoted', failCount: 0}}, attributes}})

  it('a report carries the node\'s attributes; bad names, values or too many are dropped as malformed', () => {
    assert.ok(parsePeerMessage(report({'master-db': '10'})).ok)
    assert.ok(!parsePeerMessage(report({'bad name': '1'})).ok)
    assert.ok(!parsePeerMessage(report({'master-db': 10})).ok)
    assert.ok(!parsePeerMessage(report({a: 'x'.repeat(5000)})).ok)
    assert.ok(!isAttributes(Object.fromEntries(Array.from({length: 300}, (_, i) => [`a${i}`, '1']))))
  })

  it('promote, demote and notify actions pass; a notify with a bad payload does not', () => {
    const action = (extra: Record<string, unknown>) => ({v: 1, ch: 'dc', viewId: 3, m: {t: 'action', transitionId: 1, action: {id: 'a', node: 'n1', resource: 'db:0', reason: 'r', dependsOn: [], ...extra}}})
    assert.ok(parsePeerMessage(action({op: 'promote'})).ok)
    assert.ok(parsePeerMessage(action({op: 'monitor', intervalMs: 2000, role: 'Promoted'})).ok)
    assert.ok(parsePeerMessage(action({op: 'notify', notify: {type: 'pre', operation: 'promote', env: {OCF_RESKEY_CRM_meta_notify_promote_uname: 'n1'}}})).ok)
    assert.ok(!parsePeerMessage(action({op: 'notify', notify: {type: 'sideways', operation: 'promote', env: {}}})).ok)
    assert.ok(!parsePeerMessage(action({op: 'monitor', role: 'Master'})).ok)
  })
})

describe('the resource guard holds a Promoted instance with its demote', () => {
  it('a held instance may carry a demote command, checked like its stop', async () => {
    const {parseGuardMessage} = await import('../../src/core/guard/protocol.js')
    const stop = {file: '/a/pgsql', args: ['stop'], env: {OCF_RESOURCE_INSTANCE: 'db:0'}, timeoutMs: 20000}
    const demote = {...stop, args: ['demote']}
    const ok = parseGuardMessage(JSON.stringify({t: 'hold', seq: 1, held: [{id: 'db:0', demote, stop}]}))
    assert.deepEqual(ok, {t: 'hold', seq: 1, held: [{id: 'db:0', demote, stop}]})
    assert.equal(parseGuardMessage(JSON.stringify({t: 'hold', seq: 1, held: [{id: 'db:0', demote: {...demote, timeoutMs: 0}, stop}]})), null)
    assert.equal(parseGuardMessage(JSON.stringify({t: 'hold', seq: 1, held: [{id: 'db:0', demote: 'x', stop}]})), null)
  })
})

describe('a node\'s transient attributes (src/daemon/attributes.ts)', () => {
  it('set, delete, bounded names and values, a one-line error naming the bad one', async () => {
    const {TransientAttributes, checkAttribute} = await import('../../src/daemon/attributes.js')
    const a = new TransientAttributes()
    assert.equal(a.set('master-db', '10'), true)
    assert.equal(a.set('master-db', '10'), false, 'unchanged: no report')
    assert.deepEqual(a.all(), {'master-db': '10'})
    assert.equal(a.delete('master-db'), true)
    assert.equal(a.delete('master-db'), false)
    assert.throws(() => checkAttribute('-x'), (e: Error & {exitCode?: number}) => e.exitCode === 2 && /"-x"/.test(e.message))
    assert.throws(() => a.set('ok', 'two\nlines'), /value of attribute ok/)
    for (let i = 0; i < 256; i++) a.set(`a${i}`, '1')
    assert.throws(() => a.set('one-more', '1'), /256 transient attributes/)
  })
})

describe('the DC replans on an attribute change only when the policy can read it', () => {
  it('a promotion score or a rule\'s attribute replans; an agent\'s own bookkeeping does not', async () => {
    const {initialOrchestrator, stepOrchestrator, clusterState} = await import('../../src/core/orchestration/index.js')
    let state = initialOrchestrator(['n1', 'n2'], 300)
    state = stepOrchestrator(state, {type: 'view', nowMs: 1, viewId: 1, members: ['n1', 'n2'], quorate: true, active: false}).state
    const report = (attributes: Record<string, string>) => {
      state = stepOrchestrator({...state, dirty: false}, {type: 'report', node: 'n2', resources: {}, full: false, attributes}).state
      return state.dirty
    }
    assert.equal(report({'pgsql-lsn-db': '100'}), false)
    assert.equal(report({'pgsql-lsn-db': '200'}), false)
    assert.equal(report({'pgsql-lsn-db': '200', 'master-db': '900'}), true)
    assert.equal(report({'pgsql-lsn-db': '200', 'master-db': '900'}), false, 'unchanged')
    assert.equal(report({'pgsql-lsn-db': '300'}), true, 'a score deleted')
    assert.deepEqual(clusterState(state).nodes.n2?.attributes, {'pgsql-lsn-db': '300'})
    state = stepOrchestrator(state, {type: 'view', nowMs: 2, viewId: 2, members: ['n1'], quorate: false, active: false}).state
    assert.equal(clusterState(state).nodes.n2?.attributes, undefined, 'gone with the node (lifetime reboot)')
  })
})
