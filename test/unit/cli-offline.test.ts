import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl, hactlJson} from '../lib/cli.js'
import {checkContract} from '../lib/contract.js'

describe('the CLI on a configuration file (-f), as a subprocess', function () {
  this.timeout(120_000)
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-cli-'))
    file = join(dir, 'c.json')
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  /** Runs an edit or read with --json, checks the envelope against its schema and returns the result. */
  async function ok(id: string, args: string[]): Promise<any> {
    const {exitCode, envelope, stderr} = await hactlJson(['-f', file, ...id.split(' '), ...args])
    assert.equal(exitCode, 0, `${id} ${args.join(' ')} failed: ${JSON.stringify(envelope)} ${stderr}`)
    await checkContract(id, envelope)
    return envelope.result
  }

  /** A rejected command: exit 2, one line naming the bad value, the file byte for byte unchanged. */
  async function rejected(args: string[], expected: RegExp, exitCode = 2): Promise<void> {
    const before = await readFile(file)
    const result = await hactl(['-f', file, ...args])
    assert.equal(result.exitCode, exitCode, `expected exit ${exitCode} for ${args.join(' ')}: ${result.stdout}${result.stderr}`)
    const lines = result.stderr.trimEnd().split('\n')
    assert.equal(lines.length, 1, `expected one line, got: ${result.stderr}`)
    assert.match(lines[0], expected)
    assert.ok(!/\bat .*\.(js|ts):\d+/.test(result.stderr), 'no stack trace')
    assert.deepEqual(await readFile(file), before, 'the file changed')
  }

  it('builds a configuration with the pcs-like commands, one epoch per change', async () => {
    const first = await hactl(['-f', file, 'resource', 'add', 'vip', 'web-ip', '--ip', '192.0.2.10', '--cidr', '24'])
    assert.equal(first.exitCode, 0, first.stderr)
    assert.match(first.stdout, /added vip web-ip \(192\.0\.2\.10\) \(epoch 1\)/)
    for (const name of ['n1', 'n2', 'n3']) await ok('node add', [name])
    await ok('resource add service', ['web', '--unit', 'nginx', '--group', 'web-group'])
    await ok('resource add mount', ['data', '--device', '/dev/vdb1', '--directory', '/srv/data', '--fstype', 'ext4', '--options', 'noatime'])
    await ok('resource add agent', ['d1', 'ocf:hactl:dummy', 'state=/run/d1.state', '--op', 'monitor interval=5s timeout=10s', '--meta', 'migration-threshold=3'])
    await ok('resource group add', ['web-group', 'web-ip', 'web'])
    await ok('constraint location', ['web-group', 'prefers', 'n1=100', 'n2=50'])
    await ok('constraint location', ['d1', 'avoids', 'n3'])
    await ok('constraint location', ['data', 'rule', 'score=200', 'ssd', 'eq', 'yes'])
    await ok('constraint colocation add', ['data', 'with', 'web-group', '-INFINITY'])
    await ok('constraint order', ['start', 'data', 'then', 'start', 'd1', '--kind', 'optional'])
    await ok('node attribute', ['n1', 'ssd=yes', 'rack=r1'])
    await ok('node utilization', ['n1', 'cpu=8'])
    await ok('resource utilization', ['d1', 'cpu=2'])
    await ok('node standby', ['n2'])
    await ok('node maintenance', ['n3'])
    await ok('node unmaintenance', ['n3'])
    await ok('property set', ['no-quorum-policy=freeze', 'resource-stickiness=100'])
    await ok('property unset', ['resource-stickiness'])
    await ok('resource meta', ['web-ip', 'resource-stickiness=50'])
    await ok('resource update', ['web-ip', 'cidr_netmask=16'])
    await ok('resource disable', ['d1'])
    await ok('resource enable', ['d1'])
    await ok('resource move', ['web-group', 'n3'])
    await ok('resource ban', ['d1', 'n1'])
    await ok('resource clone', ['data', '--max', '2'])
    const last = await ok('resource clear', ['web-group'])
    assert.equal(last.epoch, 29)

    const config = await ok('config show', [])
    assert.deepEqual(config.groups, [{id: 'web-group', members: ['web-ip', 'web'], meta: {}}])
    assert.deepEqual(config.resources.find((r: any) => r.id === 'web-ip').params, {ip: '192.0.2.10', cidr_netmask: '16'})
    assert.deepEqual(config.properties, {'no-quorum-policy': 'freeze'})
    assert.deepEqual(config.nodes.find((n: any) => n.name === 'n2').standby, true)
    assert.deepEqual(config.constraints.map((c: any) => c.id), [
      'location-web-group-n1', 'location-web-group-n2', 'location-d1-n3', 'location-data', 'colocation-data-web-group', 'order-data-d1', 'cli-ban-d1-on-n1',
    ])
    const d1 = config.resources.find((r: any) => r.id === 'd1')
    assert.equal(d1.meta['target-role'], 'Started')
    assert.deepEqual(d1.operations.find((o: any) => o.name === 'monitor'), {name: 'monitor', interval: '5s', timeout: '10s'})

    const listed = await ok('resource list', [])
    assert.deepEqual(listed.map((r: any) => [r.id, r.group, r.clone]), [['web-ip', 'web-group', null], ['web', 'web-group', null], ['data', null, 'data-clone'], ['d1', null, null]])
    await ok('resource show', ['web-ip'])
    await ok('constraint list', [])
    await ok('node list', [])
    const props = await ok('property list', ['--all'])
    assert.ok(props.some((p: any) => p.name === 'symmetric-cluster' && p.value === 'true' && !p.set))
    await ok('config validate', [])
  })

  it('refuses bad input with one line, exit 2, and leaves the file untouched', async () => {
    await rejected(['resource', 'add', 'vip', 'web-ip', '--ip', '192.0.2.11'], /id "web-ip" is already used/)
    await rejected(['resource', 'add', 'vip', 'x', '--ip', '300.1.1.1'], /--ip "300\.1\.1\.1" is not an IPv4 or IPv6 address/)
    await rejected(['resource', 'add', 'agent', 'x', 'nonsense'], /agent "nonsense" is not ocf:PROVIDER:TYPE/)
    await rejected(['resource', 'add', 'agent', 'x', 'ocf:hactl:dummy', 'novalue'], /parameter "novalue" is not KEY=VALUE/)
    await rejected(['resource', 'add', 'agent', 'x', 'ocf:hactl:dummy', 'bogus=1'], /ocf:hactl:dummy has no parameter 'bogus'; valid parameters: state, fail/)
    await rejected(['resource', 'add', 'agent', 'x', 'ocf:hactl:mount', 'device=/dev/vdb'], /requires parameter directory, fstype/)
    await rejected(['constraint', 'colocation', 'add', 'web-ip', 'with', 'ghost'], /resource "ghost" does not exist/)
    await rejected(['constraint', 'location', 'web-ip', 'prefers', 'n1=lots'], /score for n1 "lots" is not an integer, INFINITY or -INFINITY/)
    await rejected(['constraint', 'location', 'web-ip', 'prefers', 'n1=10', 'n9=5'], /node "n9" is not a declared node/)
    await rejected(['property', 'set', 'no-quorum-policy=panic'], /no-quorum-policy is "panic": expected one of stop, freeze, ignore/)
    await rejected(['property', 'set', 'made-up=1'], /made-up is not a known cluster property/)
    await rejected(['resource', 'remove', 'ghost'], /resource "ghost" does not exist/)
    await rejected(['resource', 'meta', 'web-ip', 'resource-stickiness=sticky'], /resource-stickiness is "sticky"/)
    await rejected(['resource', 'update', 'web-ip', '--op', 'monitor interval=often'], /--op monitor interval="often" is not a duration/)
    await rejected(['node', 'standby', 'n7'], /node "n7" does not exist/)
    await rejected(['resource', 'group', 'add', 'g', 'data-clone'], /"data-clone" is not a primitive resource/)
    await rejected(['resource', 'add', 'vip'], /Missing 1 required arg/)
    await rejected(['constraint', 'order', 'web-ip', 'before', 'd1'], /an order is: \[ACTION\] A then \[ACTION\] B/)
    await rejected(['node', 'utilization', 'n1', 'cpu=many'], /utilization cpu="many" is not a non-negative integer/)
    await rejected(['resource', 'add', 'vip', 'x', '--ip', '10.0.0.1', '--if-epoch', '3'], /at epoch 29, not 3; nothing was changed/, 1)
  })

  it('answers errors in the JSON envelope with --json', async () => {
    const {exitCode, envelope} = await hactlJson(['-f', file, 'resource', 'remove', 'ghost'])
    assert.equal(exitCode, 2)
    assert.deepEqual(envelope, {status: 'error', error: {code: 'not-found', message: 'resource "ghost" does not exist'}})
    await checkContract('resource remove', envelope)
  })

  it('exports, validates and imports; a broken file is refused with its path', async () => {
    const exported = join(dir, 'exported.json')
    await ok('config export', [exported])
    const text = JSON.parse(await readFile(exported, 'utf8'))
    text.resources = text.resources.filter((r: any) => r.id === 'd1')
    text.groups = []; text.clones = []
    text.constraints = text.constraints.filter((c: any) => c.resource === 'd1')
    await writeFile(exported, JSON.stringify(text))
    const result = await ok('config import', [exported])
    assert.equal(result.epoch, 30)
    await writeFile(join(dir, 'broken.json'), '{"epoch": 1,')
    await rejected(['config', 'import', join(dir, 'broken.json')], /broken\.json is not valid JSON/)
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({...text, resources: [{...text.resources[0], agent: 'bad'}]}))
    const validate = await hactl(['config', 'validate', join(dir, 'wrong.json')])
    assert.equal(validate.exitCode, 2)
    assert.match(validate.stderr, /resources\[0\]\.agent is "bad"/)
  })

  it('writes atomically: no temporary file remains, the mode is 0644', async () => {
    const {readdir} = await import('node:fs/promises')
    assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.tmp')), [])
    assert.equal((await stat(file)).mode & 0o777, 0o644)
  })

  it('without -f and without a daemon, says so and exits 3', async () => {
    const result = await hactl(['resource', 'list', '--run-dir', join(dir, 'no-daemon')])
    assert.equal(result.exitCode, 3)
    assert.match(result.stderr, /^hactl: no cluster daemon is running on this node \(socket .*no-daemon\/hactl\.sock\)/)
  })
})

describe('cluster setup, join and keygen', function () {
  this.timeout(60_000)
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'hactl-setup-')) })
  after(async () => rm(dir, {recursive: true, force: true}))

  it('writes cluster.json and a 0400 256-bit key, and the join token recreates both elsewhere', async () => {
    const a = join(dir, 'a')
    const {exitCode, envelope} = await hactlJson(['cluster', 'setup', 'prod', 'n1=10.213.0.1', 'n2=10.213.0.2', 'n3=10.213.0.3', '--config-dir', a])
    assert.equal(exitCode, 0, JSON.stringify(envelope))
    await checkContract('cluster setup', envelope)
    const key = await stat(join(a, 'authkey'))
    assert.equal(key.mode & 0o777, 0o400)
    assert.equal(key.size, 32)
    const cluster = JSON.parse(await readFile(join(a, 'cluster.json'), 'utf8'))
    assert.deepEqual(cluster.nodes.map((n: any) => [n.id, n.name, n.addrs[0]]), [[1, 'n1', '10.213.0.1'], [2, 'n2', '10.213.0.2'], [3, 'n3', '10.213.0.3']])
    assert.equal(cluster.crypto, 'aes256gcm')

    const text = await hactl(['cluster', 'setup', 'prod', 'n1=10.213.0.1', 'n2=10.213.0.2', 'n3=10.213.0.3', '--config-dir', a, '--force'])
    const token = /hactl cluster join (\S+)/.exec(text.stdout)![1]
    const b = join(dir, 'b')
    const joined = await hactl(['cluster', 'join', token, '--config-dir', b])
    assert.equal(joined.exitCode, 0, joined.stderr)
    assert.deepEqual(await readFile(join(b, 'authkey')), await readFile(join(a, 'authkey')))
    assert.equal((await stat(join(b, 'authkey'))).mode & 0o777, 0o400)

    const timing = await hactlJson(['cluster', 'timing', '--config-dir', b])
    assert.equal(timing.exitCode, 0)
    await checkContract('cluster timing', timing.envelope)
    const again = await hactl(['cluster', 'join', token, '--config-dir', b])
    assert.equal(again.exitCode, 2)
    assert.match(again.stderr, /already exists; use --force/)
  })

  it('two nodes get two_node and wait_for_all; bad nodes are refused', async () => {
    const c = join(dir, 'c')
    const {envelope} = await hactlJson(['cluster', 'setup', 'pair', 'a=10.213.1.1', 'b=10.213.1.2', '--config-dir', c])
    assert.deepEqual([envelope.result.cluster.quorum.two_node, envelope.result.cluster.quorum.wait_for_all], [true, true])
    const bad = await hactl(['cluster', 'setup', 'x', 'a=10.213.1.1', 'a=10.213.1.2', '--config-dir', join(dir, 'd')])
    assert.equal(bad.exitCode, 2)
    assert.match(bad.stderr, /nodes\[1\]\.name "a" is used twice/)
  })

  it('keygen refuses to replace a key unless forced', async () => {
    const e = join(dir, 'e')
    assert.equal((await hactl(['cluster', 'keygen', '--config-dir', e])).exitCode, 0)
    const before = await readFile(join(e, 'authkey'))
    assert.equal((await hactl(['cluster', 'keygen', '--config-dir', e])).exitCode, 2)
    assert.equal((await hactl(['cluster', 'keygen', '--config-dir', e, '--force'])).exitCode, 0)
    assert.notDeepEqual(await readFile(join(e, 'authkey')), before)
  })
})
