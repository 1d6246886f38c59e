// pcs's positional grammar for resource create / update (a pcs user types
// `pcs resource create R AGENT k=v op monitor interval=10s meta k=v clone`):
// the parser alone, then the real CLI offline on a -f file.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {parsePcsWords} from '../../src/cli/pcs-words.js'
import {HactlError} from '../../src/cli/errors.js'
import {hactl, useOfflineFile} from '../lib/cli.js'

describe('pcs words: parameters, op, meta, clone/promotable', () => {
  it('splits the sections; a bare word in op starts the next action', () => {
    assert.deepEqual(parsePcsWords(['ip=192.0.2.1', 'cidr_netmask=24', 'op', 'monitor', 'interval=10s', 'timeout=20s', 'start', 'timeout=30s', 'meta', 'resource-stickiness=100'], 'u'), {
      params: ['ip=192.0.2.1', 'cidr_netmask=24'], ops: ['monitor interval=10s timeout=20s', 'start timeout=30s'], meta: ['resource-stickiness=100'],
    })
    assert.deepEqual(parsePcsWords(['a=1', 'clone'], 'u').clone, {promotable: false, meta: []})
    assert.deepEqual(parsePcsWords(['promotable', 'db-ms', 'notify=true'], 'u').clone, {promotable: true, id: 'db-ms', meta: ['notify=true']})
    assert.deepEqual(parsePcsWords(['clone', 'c1', 'meta', 'interleave=true'], 'u').clone, {promotable: false, id: 'c1', meta: ['interleave=true']})
    // A parameter that happens to be named op is a parameter.
    assert.deepEqual(parsePcsWords(['op=x'], 'u').params, ['op=x'])
  })

  it('refuses what pcs refuses, naming the word', () => {
    const cases: Array<[string[], RegExp, boolean?]> = [
      [['bogus'], /parameter "bogus" is not KEY=VALUE/],
      [['op', 'interval=10s'], /"interval=10s" comes before an action name/],
      [['meta', 'stray'], /meta attribute "stray" is not KEY=VALUE/],
      [['clone', 'promotable'], /cloned once/],
      [['clone', 'op', 'monitor'], /"op" after the clone section/],
      [['clone', 'c1', 'x'], /clone meta attribute "x"/],
      [['clone'], /"clone" is not allowed here/, false],
    ]
    for (const [words, message, allowClone] of cases) {
      assert.throws(() => parsePcsWords(words, 'u', allowClone ?? true), (e: unknown) => e instanceof HactlError && message.test(e.message) && e.exitCode === 2, words.join(' '))
    }
  })
})

describe('cli: resource create and update in pcs syntax, offline (-f)', function () {
  this.timeout(120_000)
  const offline = useOfflineFile('hactl-pcs-create-')
  const {ok, refused} = offline

  const resource = async (id: string) => JSON.parse(await readFile(offline.file, 'utf8')).resources.find((r: {id: string}) => r.id === id)

  it('creates with operations, meta and a group; updates parameters, an operation and meta in one change', async () => {
    await ok(['node', 'add', 'n1'])
    await ok(['resource', 'create', 'd1', 'ocf:hactl:dummy', 'op', 'monitor', 'interval=5s', 'timeout=15s', 'start', 'timeout=30s', 'meta', 'resource-stickiness=100', '--group', 'g'])
    const d1 = await resource('d1')
    assert.equal(d1.agent, 'ocf:hactl:dummy')
    assert.deepEqual(d1.meta, {'resource-stickiness': '100'})
    const monitor = d1.operations.find((o: {name: string}) => o.name === 'monitor')
    assert.equal(monitor.interval, '5s')
    assert.equal(monitor.timeout, '15s')
    assert.equal(d1.operations.find((o: {name: string}) => o.name === 'start').timeout, '30s')
    const epoch = JSON.parse(await readFile(offline.file, 'utf8')).epoch
    await ok(['resource', 'update', 'd1', 'fail=start', 'op', 'monitor', 'interval=7s', 'meta', 'migration-threshold=3'])
    const after = await resource('d1')
    assert.equal(after.params.fail, 'start')
    assert.equal(after.operations.find((o: {name: string}) => o.name === 'monitor').interval, '7s')
    assert.deepEqual(after.meta, {'resource-stickiness': '100', 'migration-threshold': '3'})
    assert.equal(JSON.parse(await readFile(offline.file, 'utf8')).epoch, epoch + 1, 'one change, one epoch')
  })

  it('clone and promotable at the end clone the new resource in the same change', async () => {
    await ok(['resource', 'create', 'p', 'ocf:hactl:dummy', 'clone', 'meta', 'interleave=true'])
    await ok(['resource', 'create', 's', 'ocf:hactl:dummy', 'promotable', 's-ms', 'notify=true'])
    const config = JSON.parse(await readFile(offline.file, 'utf8'))
    assert.deepEqual(config.clones.find((c: {id: string}) => c.id === 'p-clone'), {id: 'p-clone', child: 'p', meta: {interleave: 'true'}})
    assert.deepEqual(config.clones.find((c: {id: string}) => c.id === 's-ms'), {id: 's-ms', child: 's', meta: {notify: 'true', promotable: 'true'}})
  })

  it('pcs 0.10/0.11 spellings of everyday commands', async () => {
    assert.match(await ok(['resource', 'config']), /^Group: g \(d1\)\n  Resource: d1 \(ocf:hactl:dummy\)/m)
    assert.match(await ok(['resource', 'config']), /^Clone: p-clone of p$/m)
    assert.match(await ok(['resource', 'config', 'd1']), /^Resource: d1 /)
    assert.equal(JSON.parse(await ok(['resource', 'config', '--json'])).result.length, 3, 'g, p-clone, s-ms')
    await ok(['resource', 'defaults', 'update', 'resource-stickiness=100'])
    await ok(['resource', 'op', 'defaults', 'update', 'timeout=30s'])
    await ok(['constraint', 'colocation', 'add', 'g', 'with', 'p-clone', 'score=100'])
    await ok(['resource', 'move-with-constraint', 'g', 'n1'])
    const config = JSON.parse(await readFile(offline.file, 'utf8'))
    assert.equal(config.rscDefaults['resource-stickiness'], '100')
    assert.equal(config.opDefaults.timeout, '30s')
    assert.ok(config.constraints.some((c: {id: string}) => c.id === 'cli-prefer-g'))
    assert.match(await ok(['constraint', 'config']), /g with p-clone \(score 100\)/)
    assert.match(await ok(['constraint', 'show']), /cli-prefer-g/)
    assert.match(await ok(['property', 'show', '--all']), /stonith-enabled/)
    assert.match(await ok(['property', 'config', '--all']), /no-quorum-policy/)
    await ok(['stonith', 'create', 'f1', 'fence_nosuch', 'pcmk_host_list=n1', 'op', 'monitor', 'interval=60s', '--force'])
    assert.match(await ok(['stonith', 'config']), /f1\t\(fence:fence_nosuch\):\t fences n1/)
    // Commands of the running cluster: the words resolve to them.
    for (const words of [['quorum', 'status'], ['stonith', 'fence'], ['resource', 'refresh'], ['resource', 'status'], ['cluster', 'status'], ['resource', 'describe']]) {
      const help = await hactl([...words, '--help'])
      assert.equal(help.exitCode, 0, `${words.join(' ')}: ${help.stderr}`)
    }
  })

  it('a word given twice stays where it was (oclif sorts argv by first place); pcs location rules with and/or', async () => {
    await ok(['resource', 'create', 'd9', 'ocf:hactl:dummy', 'op', 'monitor', 'interval=10s', 'timeout=20s', 'op', 'start', 'timeout=20s'])
    const d9 = await resource('d9')
    assert.equal(d9.operations.find((o: {name: string}) => o.name === 'start').timeout, '20s')
    assert.equal(d9.operations.find((o: {name: string}) => o.name === 'monitor').timeout, '20s')
    await ok(['constraint', 'location', 'd9', 'rule', 'score=-INFINITY', 'pingd', 'lt', '1', 'or', 'not_defined', 'pingd'])
    await ok(['constraint', 'location', 'd9', 'rule', 'score=50', 'a', 'eq', '1', 'or', 'b', 'eq', '1'])
    const rules = JSON.parse(await readFile(offline.file, 'utf8')).constraints.filter((c: {resource: string, rule?: unknown}) => c.resource === 'd9' && c.rule).map((c: {rule: unknown}) => c.rule)
    assert.deepEqual(rules, [
      {booleanOp: 'or', rules: [{attribute: 'pingd', operation: 'lt', value: '1'}, {attribute: 'pingd', operation: 'not_defined'}]},
      {booleanOp: 'or', rules: [{attribute: 'a', operation: 'eq', value: '1'}, {attribute: 'b', operation: 'eq', value: '1'}]},
    ])
    assert.match(await ok(['constraint', 'config']), /d9 avoids pingd lt 1 or not_defined pingd \(score -INFINITY\)/)
    await refused(['constraint', 'location', 'd9', 'avoids', 'n1=-50'], /^hactl: avoids n1=-50: give the score as a positive number/)
  })

  it('pcs spellings of constraint, group and alert commands', async () => {
    await ok(['resource', 'create', 'e1', 'ocf:hactl:dummy', '--group', 'eg'])
    await ok(['resource', 'create', 'e2', 'ocf:hactl:dummy', '--group', 'eg'])
    await ok(['resource', 'create', 'e3', 'ocf:hactl:dummy'])
    await ok(['constraint', 'location', 'e3', 'prefers', 'n1=10'])
    await ok(['constraint', 'colocation', 'add', 'e3', 'with', 'eg', 'score=100'])
    await ok(['constraint', 'order', 'e3', 'then', 'eg', 'kind=Optional', 'symmetrical=false', 'id=o-e3'])
    const constraints = async () => JSON.parse(await readFile(offline.file, 'utf8')).constraints.filter((c: {resource?: string, first?: string}) => c.resource === 'e3' || c.first === 'e3')
    assert.deepEqual((await constraints()).find((c: {id: string}) => c.id === 'o-e3'), {id: 'o-e3', type: 'order', first: 'e3', firstAction: 'start', then: 'eg', thenAction: 'start', kind: 'optional', symmetrical: false})
    assert.match(await ok(['constraint']), /o-e3 +order +start e3 then start eg \(optional, not symmetrical\)/, 'pcs constraint lists them')
    assert.match(await ok(['constraint', '--full']), /location-e3-n1/)
    await ok(['constraint', 'order', 'remove', 'e3'])
    await ok(['constraint', 'colocation', 'delete', 'eg', 'e3'])
    await ok(['constraint', 'location', 'remove', 'location-e3-n1'])
    assert.deepEqual(await constraints(), [])
    await refused(['constraint', 'colocation', 'delete', 'eg', 'e3'], /^hactl: no colocation constraint between eg and e3/, 1)
    assert.equal(await ok(['resource', 'group', 'list']), 'g: d1\neg: e1 e2\n')
    await ok(['resource', 'ungroup', 'eg', 'e2'])
    assert.match(await ok(['resource', 'group', 'list']), /^eg: e1$/m)
    await ok(['alert', 'create', 'path=/usr/share/pacemaker/alerts/alert_file.sh.sample', 'id=log', 'options', 'debug_exec_order=true', 'meta', 'timeout=10s'])
    await ok(['alert', 'recipient', 'add', 'log', 'value=/var/log/alerts.log'])
    assert.match(await ok(['alert', 'config']), /^log +\/usr\/share\/pacemaker\/alerts\/alert_file\.sh\.sample +all +10s +\/var\/log\/alerts\.log$/m)
    await ok(['alert', 'recipient', 'remove', 'log-recipient-1'])
    await refused(['alert', 'create', 'path=/bin/true', 'description=x'], /^hactl: alert create: description= is not kept/)
    await ok(['node', 'add', 'n2'])
    await ok(['node', 'standby', '--all'])
    const standby = async () => JSON.parse(await readFile(offline.file, 'utf8')).nodes.filter((n: {standby: boolean}) => n.standby).map((n: {name: string}) => n.name)
    assert.deepEqual(await standby(), ['n1', 'n2'])
    await ok(['node', 'unstandby', 'n1', 'n2'])
    assert.deepEqual(await standby(), [])
    await refused(['node', 'maintenance', '--all', 'n1'], /^hactl: --all acts on every node: name no nodes with it/)
    await ok(['resource', 'unmanage', 'e1', 'e3'])
    assert.equal((await resource('e3')).meta['is-managed'], 'false')
    await ok(['resource', 'manage', 'e1', 'e3'])
    assert.equal((await resource('e3')).meta['is-managed'], undefined)
    assert.match(await ok(['cluster', 'verify']), /^configuration is valid/)
    // pcs's lifetime=: a rule that stops counting at the end, as crm_resource --lifetime writes it.
    assert.match(await ok(['resource', 'move-with-constraint', 'e3', 'n2', 'lifetime=PT1H']), /^moving e3 to n2 until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/)
    await ok(['resource', 'ban', 'e3', 'n1', '--lifetime', 'P1D'])
    const moves = JSON.parse(await readFile(offline.file, 'utf8')).constraints.filter((c: {id: string}) => c.id.startsWith('cli-') && c.id.includes('e3'))
    assert.deepEqual(moves.map((c: {id: string, rule: {rules: Array<{attribute?: string, value?: string, date?: string}>}}) => [c.id, c.rule.rules[0].value, c.rule.rules[1].date]), [['cli-prefer-e3', 'n2', 'lt'], ['cli-ban-e3-on-n1', 'n1', 'lt']])
    await refused(['resource', 'ban', 'e3', 'n1', 'lifetime=1h'], /^hactl: lifetime "1h" is not an ISO 8601 duration/)
    await ok(['resource', 'clear', 'e3', 'n1'])
    await ok(['resource', 'clear', 'e3'])
    assert.equal(JSON.parse(await readFile(offline.file, 'utf8')).constraints.filter((c: {id: string}) => c.id.startsWith('cli-')).length, 1, 'only g\'s cli-prefer-g is left')
    // --after and --before place a new member, or moved members, as pcs does.
    await ok(['resource', 'create', 'e5', 'ocf:hactl:dummy', '--group', 'eg', '--after', 'e1'])
    await ok(['resource', 'group', 'add', 'eg', 'e3', '--before', 'e1'])
    assert.match(await ok(['resource', 'group', 'list']), /^eg: e3 e1 e5$/m)
    await refused(['resource', 'group', 'add', 'eg', 'e3', '--after', 'nosuch'], /^hactl: "nosuch" is not a member of group "eg"/)
    // pcs property / pcs stonith alone list them.
    assert.match(await ok(['property']), /no properties set|NAME/)
    assert.match(await ok(['stonith']), /f1\t\(fence:fence_nosuch\)/)
    // pcs cluster cib FILE; pcs -f FILE …; pcs cluster cib-push FILE --config.
    const copy = `${offline.dir}/cib-copy.json`
    await ok(['cluster', 'cib', copy])
    const pushed = await hactl(['-f', copy, 'resource', 'create', 'e4', 'ocf:hactl:dummy'])
    assert.equal(pushed.exitCode, 0, pushed.stderr)
    await ok(['cluster', 'cib-push', copy, '--config'])
    assert.ok(await resource('e4'), 'the pushed copy is the configuration now')
    const agents = await hactl(['resource', 'agents', 'ocf:hactl'])
    assert.equal(agents.exitCode, 0, agents.stderr)
    assert.match(agents.stdout, /^ocf:hactl:vip /m)
    assert.doesNotMatch(agents.stdout, /ocf:heartbeat:/)
  })

  it('a mistake is one line naming the word, exit 2, nothing written', async () => {
    await refused(['resource', 'create', 'x', 'ocf:hactl:dummy', 'op', 'interval=10s'], /^hactl: operation attribute "interval=10s" comes before an action name/)
    await refused(['resource', 'create', 'x', 'ocf:hactl:dummy', 'clone', '--group', 'g'], /^hactl: clone and --group g together/)
    await refused(['resource', 'create', 'x', 'ocf:hactl:dummy', 'op', 'monitor', 'intervl=5s'], /^hactl: --op monitor: unknown attribute 'intervl'/)
    await refused(['resource', 'update', 'd1', 'clone'], /^hactl: "clone" is not allowed here/)
  })
})
