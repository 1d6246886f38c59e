// Observability (issue 13): the pure parts (alerts, failover tracking, history and
// replay, the metrics address), and the shell parts run for real: the metrics
// registry and HTTP endpoint on loopback, alert delivery running real agents.
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {request} from 'node:http'
import {createServer, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ClusterStatus} from '../../src/client/status.js'
import {alertEnvironment, attributeEvents, eventsOf, monitorFailures, nextSequence, nodeEvents, retryDelayMs, selectAlerts, type AlertEvent} from '../../src/core/alerts/index.js'
import type {AlertEntry} from '../../src/core/config/alerts.js'
import {emptyConfig} from '../../src/core/config/defaults.js'
import {applyEdit} from '../../src/core/config/edits.js'
import {ConfigError} from '../../src/core/config/errors.js'
import {validateBootstrap} from '../../src/core/config/bootstrap.js'
import type {ResourceConfig} from '../../src/core/config/types.js'
import {actionFailed, emptyHistory, mergeRecord, parseHistoryMessage, recordTransition, replay, transitionDone, type PlanInput} from '../../src/core/history/index.js'
import {parseListenAddress} from '../../src/core/metrics/address.js'
import {emptyFailoverBook, instanceFailed, nodesLost, observePlacement, refineLoss} from '../../src/core/metrics/failover.js'
import {planningConfig} from '../../src/core/orchestration/index.js'
import {schedule} from '../../src/core/policy/schedule.js'
import type {ClusterState} from '../../src/core/policy/state.js'
import {AlertDispatcher} from '../../src/daemon/alerts/index.js'
import {HistoryStore, readHistory, readInput} from '../../src/daemon/history-store.js'
import {nodesToCheck, watchEvents, WatchFollower, WatchSequence} from '../../src/client/watch-events.js'
import {Ajv2020} from 'ajv/dist/2020.js'
import {ROOT} from '../lib/cli.js'
import {createLogger, type Fields} from '../../src/daemon/logger.js'
import {DaemonMetrics, type MetricsSource} from '../../src/daemon/metrics/registry.js'
import {MetricsServer} from '../../src/daemon/metrics/server.js'
import {hactl, hactlJson} from '../lib/cli.js'
import {checkContract} from '../lib/contract.js'

const quiet = () => createLogger({}, () => undefined)

function configWith(...edits: Parameters<typeof applyEdit>[1][]): ResourceConfig {
  return edits.reduce((c, e) => applyEdit(c, e), emptyConfig())
}

const fileAlert: AlertEntry = {id: 'file', path: '/usr/share/pacemaker/alerts/alert_file.sh.sample', recipients: [{id: 'r1', value: '/tmp/a.log'}]}

describe('observability: configuration', () => {
  it('metrics.address: HOST:PORT, [v6]:PORT or off; anything else is named', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9664'), {host: '127.0.0.1', port: 9664})
    assert.deepEqual(parseListenAddress('[::1]:9664'), {host: '::1', port: 9664})
    assert.equal(parseListenAddress('off'), 'off')
    for (const bad of ['localhost:9664', '127.0.0.1', '1.2.3.4:0', '1.2.3.4:70000', ':9664', '999.1.1.1:1']) {
      const parsed = parseListenAddress(bad)
      assert.ok(typeof parsed === 'object' && 'error' in parsed && parsed.error.includes(JSON.stringify(bad)), bad)
    }
  })

  it('cluster.json accepts a metrics address and rejects a bad one by name', () => {
    const base = {
      version: 1, cluster_name: 'c', cluster_id: 1, transport: 'udp', mcast_addr: '239.255.1.1', port: 5405, crypto: 'hmac', authkey_file: '/etc/hactl/authkey',
      nodes: [{id: 1, name: 'n1', addrs: ['10.0.0.1'], votes: 1}], totem: {heartbeat: 100, token: 1000, consensus: 1200},
      quorum: {two_node: false, wait_for_all: false, last_man_standing: false, last_man_standing_window: 10000, auto_tie_breaker: false},
    }
    assert.equal(validateBootstrap({...base, metrics: {address: '0.0.0.0:9664'}}).metrics?.address, '0.0.0.0:9664')
    assert.throws(() => validateBootstrap({...base, metrics: {address: 'everywhere'}}), /metrics.address is "everywhere"/)
    assert.throws(() => validateBootstrap({...base, metrics: {port: 1}}), ConfigError)
  })

  it('alert.add / alert.remove are edits of the replicated configuration', () => {
    const config = configWith({op: 'alert.add', alert: {...fileAlert, select: ['nodes', 'resources'], timeout: '10s', options: {debug_exec_order: 'true'}}})
    assert.equal(config.epoch, 1)
    assert.deepEqual(config.alerts?.map((a) => a.id), ['file'])
    assert.throws(() => applyEdit(config, {op: 'alert.add', alert: fileAlert}), /alert "file" already exists/)
    assert.throws(() => applyEdit(config, {op: 'alert.remove', id: 'nope'}), /alert "nope" does not exist/)
    assert.deepEqual(applyEdit(config, {op: 'alert.remove', id: 'file'}).alerts, [])
    assert.throws(() => configWith({op: 'alert.add', alert: {...fileAlert, timeout: 'soon'}}), /timeout "soon"/)
    assert.throws(() => configWith({op: 'alert.add', alert: {...fileAlert, path: 'relative'}}), ConfigError)
    assert.throws(() => configWith({op: 'alert.add', alert: {...fileAlert, options: {PATH: '/tmp'}}}), ConfigError)
    assert.throws(() => configWith({op: 'alert.add', alert: {...fileAlert, options: {CRM_alert_kind: 'x'}}}), ConfigError)
  })
})

describe('observability: alerts (pure)', () => {
  it('selects by kind; no select means every kind', () => {
    const nodesOnly: AlertEntry = {...fileAlert, id: 'n', select: ['nodes']}
    const node: AlertEvent = {kind: 'node', node: 'n1', nodeId: 1, desc: 'lost'}
    const rsc: AlertEvent = {kind: 'resource', node: 'n2', rsc: 'vip', task: 'start', intervalMs: 0, rc: 0, targetRc: 0, status: 0, desc: 'ok'}
    assert.deepEqual(selectAlerts([fileAlert, nodesOnly], node).map((a) => a.id), ['file', 'n'])
    assert.deepEqual(selectAlerts([fileAlert, nodesOnly], rsc).map((a) => a.id), ['file'])
  })

  it('sequence numbers grow within a view and across views', () => {
    let state = {viewId: 0, n: 0}
    const seen: number[] = []
    for (const view of [3, 3, 3, 5, 5, 9]) {
      const next = nextSequence(state, view)
      state = next.state
      seen.push(next.sequence)
    }
    assert.deepEqual(seen, [3_000_001, 3_000_002, 3_000_003, 5_000_001, 5_000_002, 9_000_001])
    // An event numbered with an older view id (a stale caller) still gets a larger number.
    assert.equal(nextSequence(state, 4).sequence, 9_000_002)
  })

  it('retries 1 s, 2 s, 4 s, 8 s, then gives up', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => retryDelayMs(a)), [1000, 2000, 4000, 8000, null])
    assert.equal(retryDelayMs(3, {maxAttempts: 10, firstDelayMs: 1000, maxDelayMs: 3000}), 3000)
  })

  it('the CRM_alert_* environment of Pacemaker', () => {
    const env = alertEnvironment({kind: 'resource', node: 'n2', rsc: 'vip', task: 'monitor', intervalMs: 1000, rc: 7, targetRc: 0, status: 0, desc: 'not running'},
      {recipient: '/tmp/a.log', sequence: 42, timestamp: '10:00:00.000001', epochMs: 1_700_000_000_123})
    assert.deepEqual(env, {
      CRM_alert_version: env.CRM_alert_version, CRM_alert_recipient: '/tmp/a.log', CRM_alert_node_sequence: '42', CRM_alert_timestamp: '10:00:00.000001',
      CRM_alert_timestamp_epoch: '1700000000', CRM_alert_timestamp_usec: '123000', CRM_alert_kind: 'resource', CRM_alert_node: 'n2',
      CRM_alert_desc: 'not running', CRM_alert_rsc: 'vip', CRM_alert_task: 'monitor', CRM_alert_interval: '1000', CRM_alert_rc: '7',
      CRM_alert_target_rc: '0', CRM_alert_status: '0',
    })
    assert.ok(env.CRM_alert_version.length > 0)
  })

  it('attribute events: changed, added and removed values on nodes up at both looks; the first look says nothing', () => {
    const ids = new Map([['n1', 1], ['n2', 2]])
    assert.deepEqual(attributeEvents(undefined, {n1: {a: '1'}}, ids), [])
    assert.deepEqual(attributeEvents({n1: {a: '1', b: '2'}, n3: {x: '1'}}, {n1: {a: '2', c: '3'}, n2: {z: '1'}}, ids).map((e) => e.kind === 'attribute' && [e.node, e.nodeId, e.name, e.value]),
      [['n1', 1, 'a', '2'], ['n1', 1, 'c', '3'], ['n1', 1, 'b', null]])
    const [event] = attributeEvents({n1: {}}, {n1: {'master-db': '10'}}, ids)
    const env = alertEnvironment(event, {recipient: 'r', sequence: 1, timestamp: 't', epochMs: 0})
    assert.equal(env.CRM_alert_kind, 'attribute')
    assert.equal(env.CRM_alert_attribute_name, 'master-db')
    assert.equal(env.CRM_alert_attribute_value, '10')
    assert.equal(env.CRM_alert_nodeid, '1')
    assert.deepEqual(selectAlerts([{...fileAlert, select: ['nodes']}], event), [])
    assert.equal(selectAlerts([{...fileAlert, select: ['attributes']}, fileAlert], event).length, 2)
  })

  it('daemon events become alert events on the DC of the view only', () => {
    const ids = new Map([['n1', 1], ['n2', 2], ['n3', 3]])
    // First quorum of a starting cluster: every member announced, by the DC only.
    const starting = {phase: 'usable', quorate: true, dc: 'n1', members: ['n1', 'n2', 'n3'], left: [], joined: []}
    assert.deepEqual(nodeEvents(null, starting, 'n1', ids).events.map((e) => [e.node, e.desc]), [['n1', 'member'], ['n2', 'member'], ['n3', 'member']])
    assert.deepEqual(nodeEvents(null, starting, 'n2', ids), {events: [], members: ['n1', 'n2', 'n3']})
    // The DC n1 crashes: n2, DC of the next quorate view, announces the loss only.
    const after = {phase: 'usable', quorate: true, dc: 'n2', members: ['n2', 'n3'], left: ['n1'], joined: []}
    assert.deepEqual(nodeEvents(['n1', 'n2', 'n3'], after, 'n2', ids).events, [{kind: 'node', node: 'n1', nodeId: 1, desc: 'lost'}])
    // Not quorate, or still gathering: nothing, and the last quorate members stay.
    assert.deepEqual(nodeEvents(['n1', 'n2', 'n3'], {phase: 'gathering', quorate: false, dc: null, members: ['n2']}, 'n2', ids), {events: [], members: ['n1', 'n2', 'n3']})
    assert.deepEqual(eventsOf('view', after, 'n2', ids), [])
    assert.deepEqual(eventsOf('fence-done', {node: 'n1'}, 'n2', ids), [{kind: 'fencing', node: 'n1', task: 'reboot', rc: 0, desc: 'Operation reboot of n1 by n2: OK'}])
    const [start] = eventsOf('action-result', {ok: false, node: 'n3', resource: 'vip', op: 'start'}, 'n2', ids)
    assert.deepEqual(start, {kind: 'resource', node: 'n3', rsc: 'vip', task: 'start', intervalMs: 0, rc: 1, targetRc: 0, status: 0, desc: 'error'})
    assert.deepEqual(eventsOf('dispatch', {}, 'n2', ids), [])
  })

  it('recurring monitor failures the DC learns from reports become resource events once', () => {
    const failure = {resource: 'vip', node: 'n2', op: 'monitor', failCount: 1, lastFailureMs: 100}
    const first = monitorFailures({}, [failure, {...failure, resource: 'web', op: 'start'}], () => 1000)
    assert.deepEqual(first.events, [{kind: 'resource', node: 'n2', rsc: 'vip', task: 'monitor', intervalMs: 1000, rc: 1, targetRc: 0, status: 0, desc: 'error'}])
    assert.deepEqual(monitorFailures(first.seen, [failure], () => 1000).events, [])
    assert.equal(monitorFailures(first.seen, [{...failure, failCount: 2, lastFailureMs: 300}], () => 1000).events.length, 1)
  })
})

describe('observability: failover tracking (pure)', () => {
  it('from a node lost to the resource running elsewhere', () => {
    let book = nodesLost(emptyFailoverBook(), ['n1'], {vip: ['n1'], web: ['n2']}, 1_000)
    assert.deepEqual(Object.keys(book.lost), ['vip'])
    let seen = observePlacement(book, {web: ['n2']}, 1_500)
    assert.deepEqual(seen.failovers, [])
    seen = observePlacement(seen.book, {vip: ['n3'], web: ['n2']}, 3_250)
    assert.deepEqual(seen.failovers, [{resource: 'vip', from: ['n1'], to: 'n3', cause: 'node-lost', durationMs: 2_250}])
    assert.deepEqual(seen.book.lost, {})
  })

  it('counts from when the DC reckons the lost node was last heard', () => {
    let book = nodesLost(emptyFailoverBook(), ['n1'], {vip: ['n1']}, 1_000)
    book = instanceFailed(book, 'db', 'n2', 900)
    book = refineLoss(book, {n1: 700, n2: 100})
    assert.equal(book.lost.vip.atMs, 700)
    assert.equal(book.lost.db.atMs, 900, 'a failure is not a node loss')
    assert.equal(refineLoss(book, {n1: 800}).lost.vip.atMs, 700, 'never later')
  })

  it('a failure recovered in place is not a failover; a failure moved away is', () => {
    let book = instanceFailed(emptyFailoverBook(), 'db', 'n2', 0)
    let seen = observePlacement(book, {db: ['n2']}, 500)
    assert.deepEqual(seen.failovers, [])
    assert.deepEqual(seen.book.lost, {})
    book = instanceFailed(seen.book, 'db', 'n2', 1_000)
    book = instanceFailed(book, 'db', 'n2', 1_100) // the first loss counts
    seen = observePlacement(book, {db: ['n1']}, 1_600)
    assert.deepEqual(seen.failovers.map((f) => [f.cause, f.durationMs]), [['failed', 600]])
  })
})

function plan(config: ResourceConfig, state: ClusterState): PlanInput {
  return {config, nodes: Object.keys(state.nodes), state}
}

describe('observability: transition history (pure)', () => {
  const config = configWith({op: 'node.add', name: 'n1'}, {op: 'node.add', name: 'n2'},
    {op: 'resource.add', resource: {id: 'vip', agent: 'ocf:hactl:dummy', params: {}, meta: {}, utilization: {}, operations: []}})
  const up: ClusterState = {nowMs: 10_000, quorate: true, tokenTimeoutMs: 1000, nodes: {n1: {online: true}, n2: {online: true}}, resources: {}}
  const lost: ClusterState = {...up, nodes: {n1: {online: false, unclean: true, fenced: true}, n2: {online: true}}, resources: {vip: {nodes: {n1: {role: 'started'}}}}}

  function entry(id: number, input: PlanInput) {
    return {transitionId: id, dc: 'n1', atMs: id * 10, epoch: input.config.epoch, summary: [], actions: schedule(planningConfig(input.config, input.nodes), input.state).transition.actions}
  }

  it('records triggers, outcomes, and keeps only the last N', () => {
    let h = recordTransition(emptyHistory(), entry(1, plan(config, up)), plan(config, up), undefined, [])
    assert.deepEqual(h.records[0].trigger, ['first transition recorded on this DC'])
    h = recordTransition(h, entry(2, plan(config, lost)), plan(config, lost), plan(config, up), ['view 7: n1 left'])
    assert.equal(h.records[0].outcome, 'superseded')
    assert.deepEqual(h.records[1].trigger, ['view 7: n1 left', 'node n1 lost'])
    h = actionFailed(h, 'n1', 2, 'vip_start_n2')
    h = transitionDone(h, 'n1', 2, 99)
    assert.equal(h.records[1].outcome, 'actions-failed')
    assert.deepEqual(h.records[1].failedActions, ['vip_start_n2'])
    for (let i = 3; i < 10; i++) h = recordTransition(h, entry(i, plan(config, up)), plan(config, up), plan(config, up), [], 4)
    assert.deepEqual(h.records.map((r) => r.n), [6, 7, 8, 9])
  })

  it('replays a record identically from its input, and notices a tampered one', () => {
    const h = recordTransition(emptyHistory(), entry(1, plan(config, lost)), plan(config, lost), undefined, [])
    const again = replay(h.records[0], plan(config, lost))
    assert.equal(again.identical, true)
    assert.ok(again.replayed.some((a) => a.op === 'start' && a.resource === 'vip' && a.node === 'n2'))
    const differs = replay(h.records[0], plan(config, up))
    assert.equal(differs.identical, false)
    assert.ok(differs.onlyRecorded.length + differs.onlyReplayed.length > 0)
  })
})

describe('observability: history store (real files)', () => {
  it('records transitions with their inputs apart, marks outcomes, and the saved input replays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hactl-history-'))
    try {
      const config = configWith({op: 'node.add', name: 'n1'}, {op: 'node.add', name: 'n2'},
        {op: 'resource.add', resource: {id: 'vip', agent: 'ocf:hactl:dummy', params: {}, meta: {}, utilization: {}, operations: []}})
      let state: ClusterState = {nowMs: 1, quorate: true, tokenTimeoutMs: 1000, nodes: {n1: {online: true}, n2: {online: true}}, resources: {}}
      let transition = {id: 1, actions: schedule(planningConfig(config, ['n1', 'n2']), state).transition.actions}
      const logger = quiet()
      const store = new HistoryStore({nodeName: 'n1', stateDir: dir, now: () => 5, planInput: () => ({config, nodes: ['n1', 'n2'], state, transition})}, logger)
      await store.load()
      logger.tap(store.tap)
      logger.log('notice', 'transition', {id: 1, actions: 1, summary: '* Start vip ( n1 )'})
      logger.log('info', 'transition-complete', {id: 1})
      state = {...state, nodes: {n1: {online: false, unclean: true, fenced: true}, n2: {online: true}}, resources: {vip: {nodes: {n1: {role: 'started'}}}}}
      transition = {id: 2, actions: schedule(planningConfig(config, ['n1', 'n2']), state).transition.actions}
      logger.log('notice', 'view', {view: 9, left: ['n1'], joined: []})
      logger.log('notice', 'transition', {id: 2, actions: 2, summary: '* Move vip ( n1 -> n2 )'})
      logger.log('info', 'action-result', {transition: 2, action: 'vip_start_n2', node: 'n2', ok: false})
      logger.log('info', 'transition-complete', {id: 2})
      await store.stop()
      const history = await readHistory(dir)
      assert.deepEqual(history.records.map((r) => [r.n, r.outcome, r.failedActions]), [[1, 'complete', []], [2, 'actions-failed', ['vip_start_n2']]])
      assert.deepEqual(history.records[1].trigger, ['view 9: n1 left', 'node n1 lost'])
      assert.equal(history.records[1].input, undefined, 'inputs are kept apart')
      for (const r of history.records) assert.equal(replay(r, (await readInput(dir, r.n))!).identical, true)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})

describe('observability: history replicated to members (real files)', () => {
  it('the DC sends each record to the members; after it dies the new DC lists and replays them, and goes on numbering', async () => {
    const dirs = [await mkdtemp(join(tmpdir(), 'hactl-hist-dc-')), await mkdtemp(join(tmpdir(), 'hactl-hist-m-')), await mkdtemp(join(tmpdir(), 'hactl-hist-j-'))]
    try {
      const config = configWith({op: 'node.add', name: 'n1'}, {op: 'node.add', name: 'n2'}, {op: 'node.add', name: 'n3'},
        {op: 'resource.add', resource: {id: 'vip', agent: 'ocf:hactl:dummy', params: {}, meta: {}, utilization: {}, operations: []}})
      const nodes = ['n1', 'n2', 'n3']
      let state: ClusterState = {nowMs: 1, quorate: true, tokenTimeoutMs: 1000, nodes: {n1: {online: true}, n2: {online: true}, n3: {online: true}}, resources: {}}
      let transition: {id: number, actions: ReturnType<typeof schedule>['transition']['actions']} | undefined = {id: 1, actions: schedule(planningConfig(config, nodes), state).transition.actions}
      const stores: HistoryStore[] = []
      const loggers = [quiet(), quiet(), quiet()]
      let clock = 1000
      // What the daemon does: a JSON round trip (the wire) to the named nodes, or to all others.
      const send = (self: number) => (to: string[] | undefined, message: unknown) => {
        for (const target of to ?? nodes.filter((_, i) => i !== self)) stores[nodes.indexOf(target)]?.receive(nodes[self], JSON.parse(JSON.stringify(message)))
      }
      for (let i = 0; i < 2; i++) {
        const dc = i === 0
        stores.push(new HistoryStore({nodeName: nodes[i], stateDir: dirs[i], now: () => clock, send: send(i), planInput: () => dc && transition ? {config, nodes, state, transition} : undefined}, loggers[i]))
        await stores[i].load()
        loggers[i].tap(stores[i].tap)
      }
      loggers[0].log('notice', 'transition', {id: 1, summary: '* Start vip ( n1 )'})
      clock += 10
      loggers[0].log('info', 'transition-complete', {id: 1})
      clock += 10
      state = {...state, resources: {vip: {nodes: {n1: {role: 'started'}}}}, nodes: {...state.nodes, n2: {online: false}}}
      transition = {id: 2, actions: schedule(planningConfig(config, nodes), state).transition.actions}
      loggers[0].log('notice', 'view', {view: 4, left: ['n2'], joined: []})
      loggers[0].log('notice', 'transition', {id: 2, summary: ''})
      clock += 10
      // n3 joins: the DC of the new view sends it the whole history.
      stores.push(new HistoryStore({nodeName: 'n3', stateDir: dirs[2], now: () => clock, planInput: () => undefined}, loggers[2]))
      await stores[2].load()
      loggers[0].log('notice', 'view', {view: 5, dc: 'n1', quorate: true, left: [], joined: ['n3'], members: nodes})
      await stores[0].stop()
      await stores[1].stop()
      await stores[2].stop()

      const member = await readHistory(dirs[1])
      assert.deepEqual(member.records.map((r) => [r.n, r.dc, r.transitionId, r.outcome]), [[1, 'n1', 1, 'complete'], [2, 'n1', 2, 'running']])
      for (const r of member.records) assert.equal(replay(r, (await readInput(dirs[1], r.n))!).identical, true, `member replays #${r.n}`)
      const joiner = await readHistory(dirs[2])
      assert.deepEqual(joiner.records.map((r) => [r.n, r.transitionId]), [[1, 1], [2, 2]], 'the joiner got the history')
      for (const r of joiner.records) assert.equal(replay(r, (await readInput(dirs[2], r.n))!).identical, true, `joiner replays #${r.n}`)

      // n1 dies; n2 becomes DC (restarted: it loads what it was sent) and plans: its record is #3, the running one superseded.
      const logger = quiet()
      state = {...state, nodes: {n1: {online: false, unclean: true, fenced: true}, n2: {online: true}, n3: {online: true}}}
      transition = {id: 1, actions: schedule(planningConfig(config, nodes), state).transition.actions}
      const newDc = new HistoryStore({nodeName: 'n2', stateDir: dirs[1], now: () => clock, planInput: () => ({config, nodes, state, transition})}, logger)
      await newDc.load()
      logger.tap(newDc.tap)
      logger.log('notice', 'transition', {id: 1, summary: '* Move vip ( n1 -> n2 )'})
      await newDc.stop()
      const after = await readHistory(dirs[1])
      assert.deepEqual(after.records.map((r) => [r.n, r.dc, r.outcome]), [[1, 'n1', 'complete'], [2, 'n1', 'superseded'], [3, 'n2', 'running']])
      assert.ok(after.records[2].trigger.includes('node n1 lost'), `the trigger is against the former DC's last input: ${after.records[2].trigger}`)
    } finally {
      for (const dir of dirs) await rm(dir, {recursive: true, force: true})
    }
  })

  it('a malformed message is dropped and logged; an older unknown record is left out; updates keep the number', () => {
    assert.equal(parseHistoryMessage({t: 'history', records: [{key: 'x'}], inputs: {}}), undefined)
    assert.equal(parseHistoryMessage({t: 'history', records: [], inputs: []}), undefined)
    assert.equal(parseHistoryMessage('nope'), undefined)
    const record = {key: 'n1:1:1', transitionId: 1, dc: 'n1', atMs: 100, epoch: 1, trigger: [], summary: [], actions: [], outcome: 'running' as const, failedActions: []}
    assert.ok(parseHistoryMessage({t: 'history', records: [record], inputs: {}}))
    let h = mergeRecord(emptyHistory(), record).history
    h = mergeRecord(h, {...record, outcome: 'complete'}).history
    assert.deepEqual(h.records.map((r) => [r.n, r.outcome]), [[1, 'complete']])
    const older = mergeRecord(h, {...record, key: 'n3:1:9', atMs: 50})
    assert.equal(older.n, undefined)
    assert.equal(older.history, h)
    const lines: string[] = []
    const store = new HistoryStore({nodeName: 'n2', stateDir: '/nonexistent', now: () => 0, planInput: () => undefined}, createLogger({}, (line) => lines.push(line)))
    store.receive('n1', {t: 'history', records: 'all', inputs: {}})
    assert.ok(lines.some((l) => l.includes('history-message-dropped')), lines.join('\n'))
  })
})

function fakeSource(status: ClusterStatus, config: ResourceConfig): MetricsSource & {clock: number} {
  const source = {
    clock: 0,
    nodeName: 'n1',
    bootstrap: {nodes: [{id: 1, name: 'n1', addrs: ['10.0.0.1'], votes: 1}, {id: 2, name: 'n2', addrs: ['10.0.0.2'], votes: 1}]} as MetricsSource['bootstrap'],
    status: () => status,
    config: () => config,
    membership: () => undefined,
    lastDcStatus: () => status,
    now: () => source.clock,
  }
  return source
}

function statusOf(resources: ClusterStatus['resources']): ClusterStatus {
  return {
    clusterName: 'c', dc: 'n1', quorate: true, viewId: 3, epoch: 1, source: 'dc', localNode: 'n1', settled: true, warnings: [], generatedAt: 0, transition: null,
    nodes: [{name: 'n1', id: 1, online: true, standby: false, maintenance: false, unclean: false}, {name: 'n2', id: 2, online: true, standby: false, maintenance: false, unclean: false}],
    resources, failures: [{resource: 'vip', node: 'n2', op: 'monitor', failCount: 1, lastFailureMs: 5}],
  }
}

describe('observability: metrics', () => {
  it('state under ha_cluster_exporter names, events counted through the log tap', async () => {
    let status = statusOf([{id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: ['n1'], role: 'started', targetRole: 'Started'}])
    const config = configWith({op: 'node.add', name: 'n1'}, {op: 'property.set', properties: {'migration-threshold': '3'}},
      {op: 'resource.add', resource: {id: 'vip', agent: 'ocf:hactl:dummy', params: {}, meta: {}, utilization: {}, operations: []}},
      {op: 'constraint.location', resource: 'vip', node: 'n1', score: 100})
    const source = fakeSource(status, config)
    source.status = () => status
    source.lastDcStatus = () => status
    const metrics = new DaemonMetrics(source)
    const logger = quiet()
    logger.tap(metrics.tap)
    logger.log('info', 'view-change', {phase: 'usable', reason: 'member-lost', left: [1]})
    logger.log('info', 'quorum-change', {phase: 'usable', reason: 'paused', left: []})
    logger.log('info', 'view-change', {phase: 'gathering', reason: 'member-lost'})
    logger.log('notice', 'view', {view: 4, left: ['n1'], joined: []})
    source.clock = 1_000
    logger.log('notice', 'transition', {id: 1, actions: 2, summary: 'x'})
    status = statusOf([{id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: ['n2'], role: 'started', targetRole: 'Started'}])
    source.clock = 2_500
    logger.log('info', 'transition-complete', {id: 1})
    logger.log('debug', 'agent-op', {resource: 'vip', agent: 'ocf:hactl:vip', action: 'start', result: 'OCF_SUCCESS', duration_ms: 12} satisfies Fields)
    logger.log('notice', 'fence-done', {node: 'n3'})
    logger.log('info', 'alert-delivered', {alert: 'file'})
    const {body, contentType} = await metrics.render()
    assert.match(contentType, /text\/plain/)
    for (const line of [
      'ha_cluster_pacemaker_nodes{node="n1",type="member",status="online"} 1',
      'ha_cluster_pacemaker_nodes{node="n1",type="member",status="dc"} 1',
      'ha_cluster_pacemaker_resources{node="n2",resource="vip",role="started",managed="true",status="active",agent="ocf:hactl:vip",group="",clone=""} 1',
      'ha_cluster_pacemaker_fail_count{node="n2",resource="vip"} 1',
      'ha_cluster_pacemaker_migration_threshold{node="n2",resource="vip"} 3',
      'ha_cluster_pacemaker_location_constraints{constraint="location-vip-n1",node="n1",resource="vip",role=""} 100',
      'ha_cluster_pacemaker_constraints{type="location"} 1',
      'hactl_membership_view_changes_total{reason="member-lost"} 1',
      'hactl_membership_view_changes_total{reason="paused"} 1',
      'hactl_membership_suspicions_total{outcome="evicted"} 1',
      'hactl_membership_suspicions_total{outcome="cleared"} 1',
      'hactl_failover_duration_seconds_count{cause="node-lost"} 1',
      'hactl_failover_duration_seconds_sum{cause="node-lost"} 2.5',
      'hactl_transition_duration_seconds_sum 1.5',
      'hactl_agent_operation_duration_seconds_count{agent="ocf:hactl:vip",action="start"} 1',
      'hactl_agent_operation_last_duration_seconds{resource="vip",action="start"} 0.012',
      'hactl_fence_attempts_total{node="n3",outcome="done"} 1',
      'hactl_alert_deliveries_total{alert="file",outcome="delivered"} 1',
    ]) assert.ok(body.includes(line), `missing: ${line}\n${body}`)
    // Prometheus' own linter, when installed (CI installs Debian's prometheus).
    const promtool = await execa('promtool', ['check', 'metrics'], {input: body, reject: false}).catch(() => undefined)
    if (promtool?.exitCode === undefined || promtool.failed && promtool.exitCode === undefined) {
      if (process.env.CI === 'true') assert.fail('promtool is missing (Debian prometheus) with CI=true')
    } else {
      // Exit 3 is lint only; ha_cluster_exporter's own names (ha_cluster_pacemaker_fail_count) draw some, kept for its dashboards.
      const problems = `${promtool.stderr}\n${promtool.stdout}`.split('\n').filter((l) => l.trim() !== '')
      assert.ok(promtool.exitCode === 0 || (promtool.exitCode === 3 && problems.every((l) => l.startsWith('ha_cluster_'))), `promtool check metrics (exit ${promtool.exitCode}): ${problems.join('\n')}`)
    }
  })

  it('the endpoint answers GET /metrics, 404 elsewhere, 405 to other methods', async () => {
    const status = statusOf([])
    const metrics = new DaemonMetrics(fakeSource(status, emptyConfig()))
    const server = new MetricsServer({host: '127.0.0.1', port: 0, render: () => metrics.render(), logger: quiet()})
    await server.start()
    const get = (method: string, path: string) => new Promise<{status: number, body: string}>((resolve, reject) => {
      const req = request({host: '127.0.0.1', port: server.port, method, path}, (res) => {
        let body = ''
        res.on('data', (c) => { body += c })
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      })
      req.on('error', reject)
      req.end()
    })
    try {
      const ok = await get('GET', '/metrics')
      assert.equal(ok.status, 200)
      assert.match(ok.body, /# TYPE ha_cluster_pacemaker_nodes gauge/)
      assert.equal((await get('GET', '/nope')).status, 404)
      assert.equal((await get('POST', '/metrics')).status, 405)
    } finally {
      await server.stop()
    }
  })
})

describe('observability: alert delivery (real agents)', function () {
  this.timeout(30_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-alerts-'))
  })

  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('runs the agent with CRM_alert_*, retries a failing one, keeps order per recipient, records the history', async () => {
    const agent = join(dir, 'agent.sh')
    await writeFile(agent, [
      '#!/bin/sh',
      `n=$(cat '${dir}/count' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '${dir}/count'`,
      '[ "$n" -le 2 ] && exit 1',
      'echo "$CRM_alert_node_sequence $CRM_alert_kind $CRM_alert_node $CRM_alert_desc $EXTRA" >> "$CRM_alert_recipient"',
      '',
    ].join('\n'))
    await chmod(agent, 0o755)
    const out = join(dir, 'out.log')
    const config = configWith({op: 'alert.add', alert: {id: 'a', path: agent, recipients: [{id: 'r', value: out}], options: {EXTRA: 'x'}}})
    const logger = quiet()
    const dispatcher = new AlertDispatcher({
      nodeName: 'n2', stateDir: dir, config: () => config, nodeIds: new Map([['n1', 1], ['n3', 3]]), viewId: () => 7, now: () => Date.now(), failures: () => [], priorFailures: () => [],
    }, logger, {maxAttempts: 4, firstDelayMs: 10, maxDelayMs: 50})
    logger.tap(dispatcher.tap)
    logger.log('notice', 'view', {view: 6, phase: 'usable', quorate: true, dc: 'n1', members: ['n1', 'n2'], left: [], joined: []})
    logger.log('notice', 'view', {view: 7, phase: 'usable', quorate: true, dc: 'n2', members: ['n2', 'n3'], left: ['n1'], joined: ['n3']})
    const deadline = Date.now() + 20_000
    let lines: string[] = []
    while (Date.now() < deadline) {
      lines = (await readFile(out, 'utf8').catch(() => '')).split('\n').filter(Boolean)
      if (lines.length === 2) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await dispatcher.stop()
    assert.deepEqual(lines, ['7000001 node n1 lost x', '7000002 node n3 member x'])
    const saved = JSON.parse(await readFile(join(dir, 'alert-history.json'), 'utf8'))
    assert.deepEqual(saved.deliveries.map((d: {sequence: number, attempts: number, outcome: string}) => [d.sequence, d.attempts, d.outcome]), [[7000001, 3, 'delivered'], [7000002, 1, 'delivered']])
  })

  it('attribute changes the DC sees (configured or transient) reach an agent selecting attributes: Pacemaker\'s alert_file.sh.sample line', async function () {
    const sample = '/usr/share/pacemaker/alerts/alert_file.sh.sample'
    if (!(await readFile(sample).then(() => true, () => false))) {
      if (process.env.CI === 'true') throw new Error(`${sample} is missing (Debian pacemaker-common), CI=true`)
      this.skip()
    }
    const out = join(dir, 'attrs.log')
    const config = configWith({op: 'alert.add', alert: {id: 'file', path: sample, recipients: [{id: 'r', value: out}], select: ['attributes']}})
    let attrs: Record<string, Record<string, string>> | undefined = {n1: {rack: 'a'}, n2: {}}
    const logger = quiet()
    const dispatcher = new AlertDispatcher({
      nodeName: 'n1', stateDir: dir, config: () => config, nodeIds: new Map([['n1', 1], ['n2', 2]]), viewId: () => 3, now: () => Date.now(), failures: () => [], priorFailures: () => [],
      nodeAttributes: () => attrs,
    }, logger)
    logger.tap(dispatcher.tap)
    logger.log('info', 'dispatch', {})
    attrs = {n1: {rack: 'b'}, n2: {'master-db': '100'}}
    logger.log('info', 'dispatch', {})
    attrs = {n1: {rack: 'b'}, n2: {}}
    logger.log('info', 'dispatch', {})
    // Not the active DC for a moment: the last look is kept ('e' is alerted)...
    attrs = undefined
    logger.log('info', 'dispatch', {})
    attrs = {n1: {rack: 'e'}, n2: {}}
    logger.log('info', 'dispatch', {})
    // ...but once another node became DC, the first look is a baseline: no alert for 'c'.
    attrs = undefined
    logger.log('notice', 'view', {view: 4, phase: 'usable', quorate: true, dc: 'n2', members: ['n1', 'n2'], left: [], joined: []})
    attrs = {n1: {rack: 'c'}, n2: {}}
    logger.log('info', 'dispatch', {})
    attrs = {n1: {rack: 'd'}, n2: {}}
    logger.log('info', 'dispatch', {})
    const deadline = Date.now() + 20_000
    let lines: string[] = []
    while (Date.now() < deadline) {
      lines = (await readFile(out, 'utf8').catch(() => '')).split('\n').filter(Boolean)
      if (lines.length >= 5) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await dispatcher.stop()
    // Delivered in sequence order per recipient: 'c' (seen on a first look) would come before 'd'.
    assert.deepEqual(lines.map((l) => l.replace(/^\S+ /, '')), [
      "Attribute 'rack' on node 'n1' was updated to 'b'",
      "Attribute 'master-db' on node 'n2' was updated to '100'",
      "Attribute 'master-db' on node 'n2' was updated to ''",
      "Attribute 'rack' on node 'n1' was updated to 'e'",
      "Attribute 'rack' on node 'n1' was updated to 'd'",
    ])
  })

  it('gives up after the limit and records the failure; a missing agent is a failure, not a crash', async () => {
    const config = configWith({op: 'alert.add', alert: {id: 'gone', path: join(dir, 'missing'), recipients: []}})
    const logger = quiet()
    const dispatcher = new AlertDispatcher({
      nodeName: 'n1', stateDir: dir, config: () => config, nodeIds: new Map(), viewId: () => 2, now: () => Date.now(), failures: () => [], priorFailures: () => [],
    }, logger, {maxAttempts: 2, firstDelayMs: 5, maxDelayMs: 5})
    logger.tap(dispatcher.tap)
    logger.log('notice', 'fence-failed', {node: 'n3', exit: 1})
    const deadline = Date.now() + 20_000
    let saved: {deliveries: Array<{outcome: string, attempts: number, kind: string}>} | undefined
    while (Date.now() < deadline) {
      saved = JSON.parse(await readFile(join(dir, 'alert-history.json'), 'utf8').catch(() => '{"deliveries":[]}'))
      if (saved!.deliveries.length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await dispatcher.stop()
    assert.deepEqual(saved!.deliveries.map((d) => [d.kind, d.outcome, d.attempts]), [['fencing', 'failed', 2]])
  })
})

describe('observability: the CLI (real subprocess, offline with -f)', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-alert-cli-'))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('alert add / list / remove; bad input is one line naming the value, exit 2, nothing changed', async () => {
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify(emptyConfig()))
    const added = await hactlJson(['-f', file, 'alert', 'add', 'log', '--path', '/usr/share/pacemaker/alerts/alert_file.sh.sample', '--recipient', '/var/log/a.log', '--select', 'nodes,fencing', '--timeout', '10s', '--option', 'debug_exec_order=true'])
    assert.equal(added.exitCode, 0, added.stderr)
    await checkContract('alert add', added.envelope)
    const before = await readFile(file, 'utf8')
    for (const [args, message] of [
      [['--path', 'relative'], /--path "relative": expected an absolute path/],
      [['--path', '/x', '--select', 'nodes,disks'], /--select "nodes,disks"/],
      [['--path', '/x', '--timeout', 'soon'], /--timeout "soon"/],
      [['--path', '/x', '--option', 'PATH=/tmp'], /--option "PATH"/],
    ] as const) {
      const bad = await hactl(['-f', file, 'alert', 'add', 'other', ...args])
      assert.equal(bad.exitCode, 2, bad.stderr)
      assert.match(bad.stderr, message)
      assert.equal(bad.stderr.trim().split('\n').length, 1)
    }
    const duplicate = await hactl(['-f', file, 'alert', 'add', 'log', '--path', '/x'])
    assert.equal(duplicate.exitCode, 2)
    assert.match(duplicate.stderr, /alert "log" already exists/)
    assert.equal(await readFile(file, 'utf8'), before, 'nothing changed')
    const listed = await hactlJson(['-f', file, 'alert', 'list'])
    await checkContract('alert list', listed.envelope)
    assert.deepEqual(listed.envelope.result, [{id: 'log', path: '/usr/share/pacemaker/alerts/alert_file.sh.sample', recipients: [{id: 'log-recipient-1', value: '/var/log/a.log'}], select: ['nodes', 'fencing'], timeout: '10s', options: {debug_exec_order: 'true'}}])
    const removed = await hactl(['-f', file, 'alert', 'remove', 'log'])
    assert.equal(removed.exitCode, 0, removed.stderr)
    assert.match((await hactl(['-f', file, 'alert', 'list'])).stdout, /no alerts/)
  })

  it('history and simulate --replay on an empty state directory', async () => {
    const empty = await hactlJson(['history', '--state-dir', dir])
    assert.equal(empty.exitCode, 0)
    await checkContract('history', empty.envelope)
    const replayed = await hactl(['simulate', '--replay', '4', '--state-dir', dir])
    assert.equal(replayed.exitCode, 2)
    assert.match(replayed.stderr, /--replay 4: no such transition/)
    const alerts = await hactlJson(['alert', 'history', '--state-dir', dir])
    assert.equal(alerts.exitCode, 0)
    await checkContract('alert history', alerts.envelope)
  })
})

describe('observability: status --watch --json events (pure, against schemas/status-watch.json)', () => {
  it('a crash failover: node lost, fenced, resource moved, transition begun and ended; every line fits the schema', async () => {
    const validate = new Ajv2020({strict: false}).compile(JSON.parse(await readFile(join(ROOT, 'schemas/status-watch.json'), 'utf8')))
    const base = statusOf([{id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: ['n1'], role: 'started', targetRole: 'Started'}])
    const s0: ClusterStatus = {...base, failures: []}
    const lost: ClusterStatus = {...s0, dc: 'n2', viewId: 4, generatedAt: 10, nodes: [{...s0.nodes[0], online: false, unclean: true}, s0.nodes[1]],
      resources: [{...s0.resources[0], nodes: []}], transition: {id: 1, summary: ['* Fence n1', '* Move vip ( n1 -> n2 )'], done: 0, total: 2}, settled: false}
    const moved: ClusterStatus = {...lost, generatedAt: 20, nodes: [{...lost.nodes[0], unclean: false}, lost.nodes[1]],
      resources: [{...s0.resources[0], nodes: ['n2']}], transition: null, settled: true}
    assert.deepEqual(nodesToCheck(s0, lost), ['n1'])
    assert.deepEqual(nodesToCheck(lost, moved), ['n1'])
    const seq = new WatchSequence()
    const lines = [seq.stamp({type: 'status', status: s0}, 0)]
    for (const e of watchEvents(s0, lost, new Map([['n1', false]]))) lines.push(seq.stamp(e, 10))
    for (const e of watchEvents(lost, moved, new Map([['n1', true]]))) lines.push(seq.stamp(e, 20))
    assert.deepEqual(lines.map((l) => [l.seq, l.type]), [[1, 'status'], [2, 'node-lost'], [3, 'resource-stopped'], [4, 'transition'], [5, 'dc'],
      [6, 'fence'], [7, 'transition-complete'], [8, 'resource-started']])
    for (const line of lines) assert.ok(validate(JSON.parse(JSON.stringify(line))), `${JSON.stringify(line)}: ${JSON.stringify(validate.errors)}`)
    // Without fencing: the safety delay clears the node; a clean leave is a leave; a failure counted once.
    assert.deepEqual(watchEvents(lost, moved, new Map([['n1', false]])).map((e) => e.type), ['node-cleared', 'transition-complete', 'resource-started'])
    const left: ClusterStatus = {...s0, nodes: [s0.nodes[0], {...s0.nodes[1], online: false}]}
    assert.deepEqual(watchEvents(s0, left).map((e) => e.type), ['node-left'])
    const failed: ClusterStatus = {...s0, failures: [{resource: 'vip', node: 'n1', op: 'monitor', failCount: 1, lastFailureMs: 5}]}
    assert.deepEqual(watchEvents(s0, failed), [{type: 'resource-failed', resource: 'vip', node: 'n1', op: 'monitor', failCount: 1}])
    assert.deepEqual(watchEvents(failed, failed), [])
    // A node between views answers from its own knowledge: skipped while quorate; without quorum only the quorum and DC change.
    const follower = new WatchFollower(s0)
    const between: ClusterStatus = {...s0, source: 'local', resources: [], nodes: [{...s0.nodes[0], online: false}, s0.nodes[1]]}
    assert.deepEqual(follower.next(between), [])
    assert.deepEqual(follower.toCheck(lost), ['n1'])
    assert.deepEqual(follower.next(lost, new Map([['n1', false]])).map((e) => e.type), ['node-lost', 'resource-stopped', 'transition', 'dc'])
    assert.deepEqual(follower.next({...between, quorate: false, dc: null}).map((e) => e.type), ['dc', 'quorum'])
    assert.deepEqual(follower.next(moved, new Map([['n1', true]])).map((e) => e.type), ['fence', 'transition-complete', 'resource-started', 'dc', 'quorum'])
    assert.ok(!validate({seq: 0, at: 1, type: 'fence', node: 'n1'}), 'seq starts at 1')
    assert.ok(!validate({seq: 1, at: 1, type: 'nonsense'}))
  })
})

describe('observability: status --watch --json, the real CLI against a socket serving canned statuses', function () {
  this.timeout(60_000)

  it('streams a snapshot then typed events, asks the cluster state about a lost node, ends with an error line and exit 3 when the daemon goes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hactl-watch-'))
    const sockets: Socket[] = []
    const vip = (node: string | null): ClusterStatus['resources'] => [{id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: node ? [node] : [], role: node ? 'started' : 'stopped', targetRole: 'Started'}]
    const up = {...statusOf(vip('n1')), failures: []}
    const lostNode = {...up.nodes[0], online: false, unclean: true}
    // What the daemon answers, poll after poll; then it goes away.
    const script: ClusterStatus[] = [
      up, up,
      {...up, dc: 'n2', generatedAt: 2, nodes: [lostNode, up.nodes[1]], resources: vip(null), transition: {id: 1, summary: ['* Move vip ( n1 -> n2 )'], done: 0, total: 2}, settled: false},
      {...up, dc: 'n2', generatedAt: 3, nodes: [{...lostNode, unclean: false}, up.nodes[1]], resources: vip('n2')},
    ]
    let served = 0
    let stateAsked = 0
    const server = createServer((socket) => {
      sockets.push(socket)
      socket.on('error', () => undefined)
      let buffered = ''
      socket.on('data', (chunk) => {
        buffered += chunk.toString()
        for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
          const request = JSON.parse(buffered.slice(0, end)) as {id: number, method: string}
          buffered = buffered.slice(end + 1)
          if (request.method === 'cluster.state') {
            stateAsked++
            const fenced = served >= 4
            const state = {nowMs: 1, quorate: true, tokenTimeoutMs: 1000, resources: {}, nodes: {n1: {online: false, unclean: !fenced, fenced}, n2: {online: true}}}
            socket.write(`${JSON.stringify({id: request.id, ok: true, result: state})}\n`)
            continue
          }
          if (served >= script.length) {
            for (const s of sockets) s.destroy()
            server.close()
            return
          }
          socket.write(`${JSON.stringify({id: request.id, ok: true, result: script[served++]})}\n`)
        }
      })
    })
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(join(dir, 'hactl.sock'), () => resolve())
      })
      const result = await hactl(['status', '--watch', '--json', '--run-dir', dir], {HACTL_TIMEOUT: '5'})
      assert.equal(result.exitCode, 3, result.stderr)
      const validate = new Ajv2020({strict: false}).compile(JSON.parse(await readFile(join(ROOT, 'schemas/status-watch.json'), 'utf8')))
      const lines = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as {seq: number, type: string, node?: string, resource?: string})
      for (const line of lines) assert.ok(validate(line), `${JSON.stringify(line)}: ${JSON.stringify(validate.errors)}`)
      assert.deepEqual(lines.map((l) => [l.seq, l.type, l.resource ?? l.node ?? '']), [
        [1, 'status', ''], [2, 'node-lost', 'n1'], [3, 'resource-stopped', 'vip'], [4, 'transition', ''], [5, 'dc', ''],
        [6, 'fence', 'n1'], [7, 'transition-complete', ''], [8, 'resource-started', 'vip'], [9, 'error', ''],
      ])
      assert.equal(stateAsked, 2, 'the cluster state is asked only when a node\'s presence changed')
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(dir, {recursive: true, force: true})
    }
  })
})
