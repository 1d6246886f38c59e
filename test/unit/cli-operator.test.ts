// The operator's mistakes the CLI refuses (issue 14), offline on -f files: each
// refusal is one line naming the bad value, exit 2 (or 1 for a stale import), and
// the file byte for byte unchanged; --force overrides, as pcs.
import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {hactl, useOfflineFile} from '../lib/cli.js'

describe('cli: mistakes refused, offline (-f)', function () {
  this.timeout(120_000)
  const offline = useOfflineFile('hactl-operator-')
  const {ok, refused} = offline

  it('an agent that is not installed is refused unless --force', async () => {
    await ok(['resource', 'add', 'agent', 'd1', 'ocf:hactl:dummy'])
    await refused(['resource', 'add', 'agent', 'x', 'ocf:nosuch:Thing'], /^hactl: agent ocf:nosuch:Thing is not installed .*--force/)
    await ok(['resource', 'add', 'agent', 'x', 'ocf:nosuch:Thing', 'a=1', '--force'])
  })

  it('resource update: unknown parameters refused with the valid ones listed, unless --force', async () => {
    await refused(['resource', 'update', 'd1', 'fial=start'], /^hactl: ocf:hactl:dummy has no parameter 'fial'; valid parameters: .*fail.*--force/)
    await ok(['resource', 'update', 'd1', 'fail=start'])
    await ok(['resource', 'update', 'd1', 'fial=start', '--force'])
    await ok(['resource', 'update', 'd1', 'fial=']) // removing the typo needs no --force
    // The agent of x is not installed here: its update needs --force too.
    await refused(['resource', 'update', 'x', 'a=2'], /ocf:nosuch:Thing is not installed/)
    await ok(['resource', 'update', 'x', 'a=2', '--force'])
  })

  it('op attributes: a typo such as intervall= is refused on add and update, unless --force', async () => {
    await refused(['resource', 'update', 'd1', '--op', 'monitor intervall=10s'], /^hactl: --op monitor: unknown attribute 'intervall'; valid: interval, timeout/)
    await refused(['resource', 'add', 'agent', 'd2', 'ocf:hactl:dummy', '--op', 'monitor interval=5s tmeout=3s'], /unknown attribute 'tmeout'/)
    await refused(['resource', 'add', 'vip', 'v', '--ip', '192.0.2.1', '--op', 'monitor intervall=5s'], /unknown attribute 'intervall'/)
    await refused(['resource', 'update', 'd1', '--op', 'monitr interval=10s'], /^hactl: ocf:hactl:dummy has no action 'monitr'/)
    await ok(['resource', 'update', 'd1', '--op', 'monitor interval=10s OCF_CHECK_LEVEL=10 start-delay=1s'])
    await ok(['resource', 'update', 'd1', '--op', 'monitor intervall=10s', '--force'])
  })

  it('config import of an older epoch is refused naming both epochs, unless --force', async () => {
    const exported = join(offline.dir, 'exported.json')
    await ok(['config', 'export', exported])
    const old = JSON.parse(await readFile(exported, 'utf8'))
    await ok(['property', 'set', 'resource-stickiness=100'])
    await ok(['property', 'set', 'resource-stickiness=200'])
    const current = JSON.parse(await readFile(offline.file, 'utf8')).epoch
    await refused(['config', 'import', exported], new RegExp(`^hactl: .*exported\\.json is at epoch ${old.epoch}, older than .*c\\.json at epoch ${current}: it would undo the 2 changes made since; .*--force`), 1)
    await ok(['config', 'import', exported, '--force'])
    const after = JSON.parse(await readFile(offline.file, 'utf8'))
    assert.equal(after.properties['resource-stickiness'], undefined)
    assert.ok(after.epoch > current)
    // A file at the current epoch (exported, edited) is imported as before.
    await ok(['config', 'export', exported])
    const edited = JSON.parse(await readFile(exported, 'utf8'))
    edited.properties['resource-stickiness'] = '50'
    await writeFile(exported, JSON.stringify(edited))
    await ok(['config', 'import', exported])
  })

  it('resource op add|remove, constraint ref', async () => {
    await ok(['resource', 'op', 'add', 'd1', 'start', 'timeout=45s'])
    let config = JSON.parse(await readFile(offline.file, 'utf8'))
    assert.deepEqual(config.resources.find((r: {id: string}) => r.id === 'd1').operations.find((o: {name: string}) => o.name === 'start'), {name: 'start', interval: '0', timeout: '45s'})
    await refused(['resource', 'op', 'add', 'd1', 'monitor', 'intervall=5s'], /unknown attribute 'intervall'/)
    await refused(['resource', 'op', 'add', 'd1', 'monitr', 'interval=5s'], /has no action 'monitr'/)
    await ok(['resource', 'op', 'remove', 'd1', 'start'])
    config = JSON.parse(await readFile(offline.file, 'utf8'))
    assert.ok(!config.resources.find((r: {id: string}) => r.id === 'd1').operations.some((o: {name: string}) => o.name === 'start'))
    await refused(['resource', 'op', 'remove', 'd1', 'start'], /^hactl: "d1" has no operation "start" \(operations: /)
    await ok(['constraint', 'location', 'd1', 'prefers', 'n1=50'])
    await ok(['constraint', 'colocation', 'add', 'x', 'with', 'd1'])
    const ref = await hactl(['-f', offline.file, 'constraint', 'ref', 'd1', '--json'])
    assert.deepEqual(JSON.parse(ref.stdout).result.constraints.length, 2)
    await refused(['constraint', 'ref', 'nope'], /resource "nope" does not exist/)
  })

  it('stonith create|list|show|update|remove over fence:AGENT devices; secrets hidden; never a started resource', async () => {
    await refused(['stonith', 'create', 'f1', 'fence_nosuch', 'ip=10.0.0.1'], /^hactl: fence agent fence_nosuch is not installed on this node .*--force/)
    await ok(['stonith', 'create', 'f1', 'fence_nosuch', 'ip=10.0.0.1', 'password=hunter2', 'pcmk_host_list=n1,n2', '--force'])
    const config = JSON.parse(await readFile(offline.file, 'utf8'))
    const device = config.resources.find((r: {id: string}) => r.id === 'f1')
    assert.equal(device.agent, 'fence:fence_nosuch')
    assert.deepEqual(device.operations, [], 'a fence device is not monitored on a node')
    const list = await ok(['stonith', 'list'])
    assert.match(list, /\* f1\t\(fence:fence_nosuch\):\t fences n1 n2/)
    const show = await hactl(['-f', offline.file, 'stonith', 'show', 'f1', '--json'])
    assert.equal(JSON.parse(show.stdout).result.params.password, '***')
    await ok(['stonith', 'update', 'f1', 'ip=10.0.0.2'])
    await refused(['stonith', 'update', 'd1', 'ip=1'], /"d1" is not a fence device \(it is a ocf:hactl:dummy resource\); fence devices: f1/)
    await refused(['stonith', 'remove', 'd1'], /is not a fence device/)
    await ok(['stonith', 'remove', 'f1'])
    assert.ok(!JSON.parse(await readFile(offline.file, 'utf8')).resources.some((r: {id: string}) => r.id === 'f1'))
  })

  it('resource debug-start|monitor|stop run the agent here with the configured parameters', async () => {
    const runDir = join(offline.dir, 'run')
    await ok(['resource', 'update', 'd1', 'fail='])
    const monitor = async () => hactl(['-f', offline.file, 'resource', 'debug-monitor', 'd1', '--run-dir', runDir])
    const stopped = await monitor()
    assert.equal(stopped.exitCode, 1)
    assert.match(stopped.stdout, /^Operation monitor for d1 \(ocf:hactl:dummy\) returned: 'not-running' \(7\)/)
    assert.equal((await hactl(['-f', offline.file, 'resource', 'debug-start', 'd1', '--run-dir', runDir])).exitCode, 0)
    assert.equal((await monitor()).exitCode, 0)
    assert.equal((await hactl(['-f', offline.file, 'resource', 'debug-stop', 'd1', '--run-dir', runDir])).exitCode, 0)
    await ok(['resource', 'update', 'd1', 'fail=start'])
    const failed = await hactl(['-f', offline.file, 'resource', 'debug-start', 'd1', '--run-dir', runDir])
    assert.equal(failed.exitCode, 1)
    assert.match(failed.stdout, /returned: 'error' \(1\): simulated failure of start/)
    assert.match(failed.stderr, /^hactl: start of d1 returned 'error' \(1\)$/m)
    await ok(['resource', 'update', 'd1', 'fail='])
  })
})
