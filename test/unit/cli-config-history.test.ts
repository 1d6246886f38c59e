// The state store keeps the last committed configurations (like Pacemaker's
// cib-N.raw); a corrupt current record gives one line naming the file and the
// way back; `config history` and `config rollback` work on them (real files,
// the real CLI).
import assert from 'node:assert/strict'
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl} from '../lib/cli.js'
import {CorruptStateError, HISTORY_KEEP, listHistory, StateStore} from '../../src/daemon/state-store.js'
import {emptyConfig} from '../../src/core/config/defaults.js'

const record = (epoch: number, stickiness = String(epoch)) => ({term: 1, born: 1, config: {...emptyConfig(), epoch, properties: {'resource-stickiness': stickiness}}})

describe('cli: kept configurations, config history and rollback', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-history-'))
  })
  afterEach(async () => rm(dir, {recursive: true, force: true}))

  it('keeps the last 20 committed records in history/, 0600 in a 0700 directory', async () => {
    const store = new StateStore<ReturnType<typeof record>>(dir)
    for (let epoch = 1; epoch <= 25; epoch++) await store.save(record(epoch))
    await store.idle()
    const kept = await listHistory(dir)
    assert.equal(HISTORY_KEEP, 20)
    assert.deepEqual(kept.map((e) => e.epoch), Array.from({length: 20}, (_, i) => i + 6))
    assert.equal((await stat(join(dir, 'history'))).mode & 0o777, 0o700)
    assert.equal((await stat(kept[0].path)).mode & 0o777, 0o600)
    assert.deepEqual(JSON.parse(await readFile(kept[19].path, 'utf8')), record(25))
    assert.deepEqual((await readdir(join(dir, 'history'))).filter((n) => n.endsWith('.tmp')), [])
  })

  it('a corrupt current record: one line naming the file and config history / rollback', async () => {
    await writeFile(join(dir, 'cib.json'), '{"term": 1, "born": 1, "conf')
    await assert.rejects(new StateStore(dir).load(), (error: Error) => {
      assert.ok(error instanceof CorruptStateError)
      assert.match(error.message, new RegExp(`^the stored configuration ${dir}/cib\\.json is corrupt \\(not JSON: .*\\); earlier ones are kept: list them with 'hactl config history --state-dir ${dir}' and, with this daemon stopped, put one back with 'hactl config rollback EPOCH --restore --state-dir ${dir}'`))
      assert.ok(!error.message.includes('\n'))
      return true
    })
    await writeFile(join(dir, 'cib.json'), '{"term": 1, "born": 1}')
    await assert.rejects(new StateStore(dir).load(), /is corrupt \(no configuration in it\)/)
  })

  it('config history lists epoch, time and size; rollback --restore puts a kept record back; rollback -f makes it a new epoch', async () => {
    const store = new StateStore<ReturnType<typeof record>>(dir)
    for (let epoch = 1; epoch <= 3; epoch++) await store.save(record(epoch))
    await store.idle()
    const listed = await hactl(['config', 'history', '--state-dir', dir])
    assert.equal(listed.exitCode, 0, listed.stderr)
    assert.match(listed.stdout, /^EPOCH  STORED +AGE +SIZE\n +1  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \d+ ms ago +\d+ B\n/)
    assert.match(listed.stdout, / +3  .*\(current\)\n$/)
    await writeFile(join(dir, 'cib.json'), 'garbage')
    const json = await hactl(['config', 'history', '--state-dir', dir, '--json'])
    const result = JSON.parse(json.stdout).result
    assert.equal(result.current, null)
    assert.match(result.currentProblem, /cib\.json is corrupt/)
    assert.deepEqual(result.entries.map((e: {epoch: number}) => e.epoch), [1, 2, 3])
    // No daemon answers on this run directory: --restore may write.
    const restore = await hactl(['config', 'rollback', '2', '--restore', '--state-dir', dir, '--run-dir', join(dir, 'run')])
    assert.equal(restore.exitCode, 0, restore.stderr)
    assert.deepEqual(await new StateStore(dir).load(), record(2))
    assert.ok((await readdir(dir)).some((n) => n.startsWith('cib.json.bad-')), 'the corrupt file is kept aside')
    const missing = await hactl(['config', 'rollback', '9', '--state-dir', dir, '--run-dir', join(dir, 'run')])
    assert.equal(missing.exitCode, 2)
    assert.match(missing.stderr, /^hactl: no configuration of epoch 9 is kept in .*\/history \(kept: 1, 2, 3\)\n$/)
    const file = join(dir, 'c.json')
    await writeFile(file, JSON.stringify({...record(7).config, properties: {'resource-stickiness': '7'}}))
    const offline = await hactl(['-f', file, 'config', 'rollback', '1', '--state-dir', dir])
    assert.equal(offline.exitCode, 0, offline.stderr)
    const after = JSON.parse(await readFile(file, 'utf8'))
    assert.equal(after.epoch, 8)
    assert.equal(after.properties['resource-stickiness'], '1')
  })
})
