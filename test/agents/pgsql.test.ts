// ocf:hactl:pgsql on one host without a cluster: ocf-tester, then two PostgreSQL
// 15 instances on two ports driven through the agent directly — a standby
// streams from the primary, a sync commit waits for it, the primary crashes, the
// standby is promoted, and the old primary comes back with pg_rewind and catches up.
// The crm_attribute calls find no daemon here and are ignored by the agent.
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {appendFile, chmod, chown, mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {AGENTS_DIR, commandWorks, eventually, isRoot, requireCapability, tempDir} from './helpers.js'

const PGBIN = '/usr/lib/postgresql/15/bin'
const AGENT = join(AGENTS_DIR, 'pgsql')

async function postgresUid(): Promise<{uid: number, gid: number} | undefined> {
  const r = await execa('id', ['postgres'], {reject: false})
  if (r.exitCode !== 0) return undefined
  return {uid: Number(/uid=(\d+)/.exec(r.stdout)![1]), gid: Number(/gid=(\d+)/.exec(r.stdout)![1])}
}

describe('agents: ocf:hactl:pgsql (PostgreSQL 15, no cluster)', function () {
  this.timeout(240_000)
  let tmp: Awaited<ReturnType<typeof tempDir>>
  const dirs: string[] = []

  before(async function () {
    requireCapability(this, 'root, PostgreSQL 15 (Debian postgresql-15) and a postgres user',
      isRoot && (await commandWorks('test', ['-x', `${PGBIN}/pg_ctl`])) && (await postgresUid()) !== undefined)
    tmp = await tempDir('pgsql')
    await chmod(tmp.path, 0o755)
  })

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return
    for (const dir of dirs) console.log(`--- ${dir}-postgresql.log\n${(await readFile(`${dir}-postgresql.log`, 'utf8').catch(() => '')).split('\n').slice(-25).join('\n')}`)
  })

  after(async () => {
    for (const dir of dirs) await execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/pg_ctl`, '-D', dir, '-m', 'immediate', 'stop'], {reject: false})
    await tmp?.remove()
  })

  /** An initialized data directory (checksums on, so pg_rewind works) that lets replication in from loopback. */
  async function initdb(name: string): Promise<string> {
    const {uid, gid} = (await postgresUid())!
    const dir = join(tmp.path, name)
    await mkdir(dir, {mode: 0o700})
    await chown(dir, uid, gid)
    dirs.push(dir)
    const r = await execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/initdb`, '-k', '-D', dir, '-A', 'trust', '-U', 'postgres'], {reject: false})
    assert.equal(r.exitCode, 0, r.stderr)
    await appendFile(join(dir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n')
    // Killed servers leave no dynamic shared memory in /dev/shm: mmap keeps it in the data directory.
    await appendFile(join(dir, 'postgresql.conf'), '\ndynamic_shared_memory_type = mmap\n')
    return dir
  }

  async function socketDir(): Promise<string> {
    const {uid, gid} = (await postgresUid())!
    const dir = join(tmp.path, 'sock')
    await mkdir(dir, {recursive: true})
    await chown(dir, uid, gid)
    return dir
  }

  function agent(action: string, params: Record<string, string>, node: string) {
    const env: Record<string, string> = {PATH: process.env.PATH ?? '/usr/bin:/bin', OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'db:0',
      HA_RSCTMP: join(tmp.path, `rsc-${node}`), HACTL_RUN_DIR: join(tmp.path, 'no-daemon'), OCF_RESKEY_CRM_meta_on_node: node, OCF_RESKEY_CRM_meta_timeout: '60000'}
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v
    return execa(AGENT, [action], {reject: false, env, extendEnv: false})
  }

  async function psql(port: number, sql: string) {
    return execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/psql`, '-X', '-A', '-t', '-h', join(tmp.path, 'sock'), '-p', String(port), '-d', 'postgres', '-c', sql], {reject: false})
  }

  it('passes ocf-tester', async function () {
    requireCapability(this, 'ocf-tester (Debian resource-agents)', await commandWorks('sh', ['-c', 'command -v ocf-tester']))
    const pgdata = await initdb('tester')
    const r = await execa('ocf-tester', ['-n', 'db', '-o', `pgdata=${pgdata}`, '-o', 'pgport=54351', '-o', `socketdir=${await socketDir()}`, '-o', 'primary_host=127.0.0.1', AGENT], {reject: false, cwd: '/'})
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, /passed all tests/)
  })

  it('refuses a bad configuration with a reason', async () => {
    const r = await agent('start', {pgdata: 'relative/dir', primary_host: '127.0.0.1'}, 'x')
    assert.equal(r.exitCode, 6)
    assert.match(r.stderr, /pgdata must be an absolute path/)
    const s = await agent('validate-all', {pgdata: '/tmp/x', primary_host: 'h;rm', replication: 'sync'}, 'x')
    assert.equal(s.exitCode, 6)
    const t = await agent('validate-all', {pgdata: '/tmp/x', primary_host: 'h', replication: 'maybe'}, 'x')
    assert.equal(t.exitCode, 6)
  })

  it('two instances: streams, waits for the standby in sync mode, fails over, and the old primary comes back with pg_rewind', async () => {
    const sock = await socketDir()
    const a = await initdb('a')
    // The second node starts with nothing: the agent clones it from the primary (pg_basebackup).
    const {uid, gid} = (await postgresUid())!
    const b = join(tmp.path, 'b')
    dirs.push(b)
    await mkdir(b, {mode: 0o700})
    await chown(b, uid, gid)
    const A = {pgdata: a, pgport: '54361', primary_port: '54362', socketdir: sock, primary_host: '127.0.0.1', replication: 'sync'}
    const B = {pgdata: b, pgport: '54362', primary_port: '54361', socketdir: sock, primary_host: '127.0.0.1', replication: 'sync'}

    assert.equal((await agent('monitor', A, 'na')).exitCode, 7)
    const startA = await agent('start', A, 'na')
    assert.equal(startA.exitCode, 0, startA.stderr)
    assert.equal((await agent('monitor', A, 'na')).exitCode, 0, 'started as a standby')
    const promoteA = await agent('promote', A, 'na')
    assert.equal(promoteA.exitCode, 0, promoteA.stderr)
    assert.equal((await agent('monitor', A, 'na')).exitCode, 8, 'Promoted')

    const startB = await agent('start', B, 'nb')
    assert.equal(startB.exitCode, 0, startB.stderr)
    assert.match(startB.stderr, /pg_basebackup/)
    assert.equal((await agent('monitor', B, 'nb')).exitCode, 0)
    await eventually(async () => (await psql(54361, "select sync_state from pg_stat_replication where application_name = 'nb'")).stdout.trim() === 'quorum', 30_000, 'nb is a synchronous (quorum) standby of na')
    // (sync: with no standby, even this commit would wait)
    assert.equal((await psql(54361, 'create table t (x int primary key)')).exitCode, 0)
    assert.equal((await psql(54361, 'insert into t values (1), (2)')).exitCode, 0)
    assert.equal((await psql(54362, 'select count(*) from t')).stdout.trim(), '2', 'a synchronous commit is on the standby when acknowledged')

    // The standby stops: a commit on the primary waits for one (it is not acknowledged).
    assert.equal((await agent('stop', B, 'nb')).exitCode, 0)
    const waiting = psql(54361, 'insert into t values (3)')
    await eventually(async () => (await psql(54361, "select count(*) from pg_stat_activity where wait_event = 'SyncRep'")).stdout.trim() === '1', 30_000, 'the commit waits for a synchronous standby')
    assert.equal((await agent('start', B, 'nb')).exitCode, 0)
    assert.equal((await waiting).exitCode, 0, 'acknowledged once the standby is back')

    // The primary's host crashes (immediate stop, nothing flushed to the standby after it); the standby is promoted.
    await execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/pg_ctl`, '-D', a, '-m', 'immediate', 'stop'])
    const promoteB = await agent('promote', B, 'nb')
    assert.equal(promoteB.exitCode, 0, promoteB.stderr)
    assert.equal((await agent('monitor', B, 'nb')).exitCode, 8)
    assert.equal((await psql(54362, 'select count(*) from t')).stdout.trim(), '3', 'every acknowledged commit is on the new primary')
    const written = psql(54362, 'insert into t values (4)')

    // The old primary comes back: rewound to the new timeline, a standby, caught up.
    const back = await agent('start', A, 'na')
    assert.equal(back.exitCode, 0, back.stderr)
    assert.match(back.stderr, /pg_rewind: Done!/)
    assert.equal((await agent('monitor', A, 'na')).exitCode, 0, 'a standby now')
    assert.equal((await written).exitCode, 0)
    await eventually(async () => (await psql(54361, 'select count(*) from t')).stdout.trim() === '4', 30_000, 'the old primary caught up')
    const log = await readFile(`${a}-postgresql.log`, 'utf8')
    assert.match(log, /started streaming WAL/)

    // Demote: the primary becomes a standby again (stop, restart in recovery).
    const demoteB = await agent('demote', B, 'nb')
    assert.equal(demoteB.exitCode, 0, demoteB.stderr)
    assert.equal((await agent('monitor', B, 'nb')).exitCode, 0)
    for (const [p, n] of [[A, 'na'], [B, 'nb']] as const) assert.equal((await agent('stop', p, n)).exitCode, 0)
    assert.equal((await agent('monitor', A, 'na')).exitCode, 7)
  })
})
