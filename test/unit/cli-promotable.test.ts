// Promotable clones through the CLI on a configuration file (-f), as a subprocess:
// resource promotable, role monitors, role colocations (pcs' syntax and flags),
// promote orders, Promoted locations, move --promoted, and simulate with roles.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl, hactlJson} from '../lib/cli.js'
import {checkContract} from '../lib/contract.js'

describe('cli: promotable clones (-f, subprocess)', function () {
  this.timeout(120_000)
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-promotable-'))
    file = join(dir, 'c.json')
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  async function ok(args: string[], contract?: string): Promise<any> {
    const {exitCode, envelope, stderr} = await hactlJson(['-f', file, ...args])
    assert.equal(exitCode, 0, `${args.join(' ')}: ${JSON.stringify(envelope)} ${stderr}`)
    if (contract) await checkContract(contract, envelope)
    return envelope.result
  }

  async function rejected(args: string[], expected: RegExp): Promise<void> {
    const before = await readFile(file)
    const result = await hactl(['-f', file, ...args])
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr)
    assert.match(result.stderr, expected)
    assert.deepEqual(await readFile(file), before, 'the file changed')
  }

  const config = async () => JSON.parse(await readFile(file, 'utf8'))

  it('builds a primary/replica configuration with pcs\' verbs', async () => {
    for (const n of ['n1', 'n2', 'n3']) await ok(['node', 'add', n])
    await ok(['resource', 'add', 'agent', 'db', 'ocf:pacemaker:Stateful', '--force', '--op', 'monitor interval=10s role=Master', '--op', 'monitor interval=11s role=Slave'])
    await ok(['resource', 'add', 'agent', 'vip', 'ocf:hactl:dummy', '--force'])
    await ok(['resource', 'promotable', 'db', 'meta', 'notify=true', '--promoted-max', '1'], 'resource promotable')
    await ok(['constraint', 'colocation', 'add', 'vip', 'with', 'Promoted', 'db-clone', 'INFINITY'], 'constraint colocation add')
    await ok(['constraint', 'order', 'promote', 'db-clone', 'then', 'start', 'vip'], 'constraint order')
    await ok(['constraint', 'location', 'db-clone', 'prefers', 'n3=20', '--role', 'Master'], 'constraint location')
    const c = await config()
    assert.deepEqual(c.clones, [{id: 'db-clone', child: 'db', meta: {promotable: 'true', notify: 'true', 'promoted-max': '1'}}])
    assert.deepEqual(c.resources[0].operations.filter((o: any) => o.name === 'monitor').map((o: any) => [o.interval, o.role]), [['10s', 'Promoted'], ['11s', 'Unpromoted']])
    assert.deepEqual(c.constraints.map((x: any) => [x.type, x.withRole ?? x.role ?? x.firstAction]), [['colocation', 'Promoted'], ['order', 'promote'], ['location', 'Promoted']])
  })

  it('takes the role as a flag too, and refuses roles on what is not promotable', async () => {
    await ok(['constraint', 'colocation', 'add', 'vip', 'with', 'db-clone', '-100', '--role', 'Unpromoted'])
    const last = (await config()).constraints.at(-1)
    assert.deepEqual([last.withRole, last.score], ['Unpromoted', -100])
    await ok(['constraint', 'remove', last.id])
    await rejected(['constraint', 'colocation', 'add', 'db-clone', 'with', 'Promoted', 'vip'], /"vip" is not one/)
    await rejected(['constraint', 'colocation', 'add', 'vip', 'with', 'db-clone', '--role', 'Boss'], /--role "Boss"/)
    await rejected(['constraint', 'order', 'promote', 'vip', 'then', 'start', 'db-clone'], /action promote needs a promotable clone/)
    await rejected(['resource', 'move', 'vip', 'n1', '--promoted'], /role Promoted needs a promotable clone/)
    await rejected(['resource', 'update', 'db', '--op', 'monitor interval=11s role=Unpromoted on-fail=demote'], /only a promote or a recurring monitor with role Promoted/)
  })

  it('simulates promotion by score, a failover of the Promoted role and a switchover', async () => {
    const base = ['--running', 'db-clone@n1', '--running', 'db-clone@n2', '--running', 'db-clone@n3']
    const scores = ['--attribute', 'n1:master-db=5', '--attribute', 'n2:master-db=10', '--attribute', 'n3:master-db=5']
    const first = await ok(['simulate', ...base, ...scores], 'simulate')
    // n3's Promoted location (20) outweighs n2's 5 more points of score.
    assert.deepEqual(first.placement.filter((p: any) => p.role === 'Promoted').map((p: any) => p.node), ['n3'])
    assert.ok(first.transition.actions.some((a: any) => a.op === 'notify' && a.notify.env.OCF_RESKEY_CRM_meta_notify_promote_uname === 'n3'))
    const text = await hactl(['-f', file, 'simulate', '--promoted', 'db-clone@n3', '--running', 'db-clone@n1', '--running', 'db-clone@n2', '--running', 'vip@n3', ...scores, '--node-down', 'n3'])
    assert.equal(text.exitCode, 0, text.stderr)
    assert.match(text.stdout, /\* Promote db:\d \( Unpromoted -> Promoted n2 \)/)
    assert.match(text.stdout, /\* Move vip \( n3 -> n2 \)/)
    await ok(['resource', 'move', 'db-clone', 'n1', '--promoted'], 'resource move')
    const moved = (await config()).constraints.find((c: any) => c.id === 'cli-prefer-db-clone')
    assert.deepEqual([moved.node, moved.role, moved.score], ['n1', 'Promoted', 'INFINITY'])
    const switched = await hactl(['-f', file, 'simulate', '--promoted', 'db-clone@n3', '--running', 'db-clone@n1', '--running', 'db-clone@n2', '--running', 'vip@n3', ...scores])
    assert.match(switched.stdout, /\* Demote db:\d \( Promoted -> Unpromoted n3 \)/)
    assert.match(switched.stdout, /\* Promote db:\d \( Unpromoted -> Promoted n1 \)/)
    assert.match(switched.stdout, /db:\d\s+n1\s+started Promoted/)
  })

  it('explains the role choice with resource why', async () => {
    const why = await hactl(['-f', file, 'resource', 'why', 'db-clone'])
    assert.equal(why.exitCode, 0, why.stderr)
    assert.match(why.stdout, /Roles of db-clone \(promoted-max 1, promoted-node-max 1\):/)
    assert.match(why.stdout, /cannot be promoted \(no promotion score \(master-db\) on n\d\)/)
    const json = await ok(['resource', 'why', 'db-clone'], 'resource why')
    assert.equal(json.roles.clone, 'db-clone')
  })
})
