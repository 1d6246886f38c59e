// An operator's day (issue 14), CLI side: real daemons in network namespaces,
// the real CLI. Each test here failed on the main branch before its fix.
import assert from 'node:assert/strict'
import {requireNetns} from '../lib/netns.js'
import {TestCluster} from '../lib/cluster.js'
import {hactl} from '../lib/cli.js'

/** Nodes (names) where the given resources run, from node 1's status. */
async function placement(cluster: TestCluster, ids: string[], node = 1): Promise<string[]> {
  const status = await cluster.status(node)
  return ids.map((id) => (status?.resources ?? []).filter((r: {id: string}) => r.id === id || r.id.startsWith(`${id}:`))
    .flatMap((r: {nodes: string[]}) => r.nodes).join(','))
}

describe('e2e: an operator\'s day (CLI)', function () {
  this.timeout(240_000)
  let cluster: TestCluster

  before(async function () {
    await requireNetns(this)
    cluster = await TestCluster.create({nodes: 3})
    await cluster.startAll()
    await cluster.waitQuorate()
  })

  after(async () => {
    await cluster?.destroy()
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.tail(40))
  })

  async function ok(node: number, args: string[]): Promise<{stdout: string, stderr: string, json: any}> {
    const result = await cluster.cli(node, args)
    assert.equal(result.exitCode, 0, `hactl ${args.join(' ')}: ${result.stderr}${result.stdout}`)
    return result
  }

  /** A status text from a quorate partition: under load a view may flap for a moment, which is not what these tests are about. */
  async function quorateStatus(node: number, args: string[] = []): Promise<string> {
    let text = ''
    await cluster.waitFor(async () => {
      text = (await ok(node, ['status', ...args])).stdout
      return /quorum: yes/.test(text) && !/Transition \d+ in progress/.test(text)
    }, 30_000, `a quorate, settled status on n${node}`)
    return text
  }

  it('resource move GROUP NODE keeps its constraint when clearing it would move the group back', async () => {
    await ok(1, ['resource', 'add', 'agent', 'ga', 'ocf:hactl:dummy', '--group', 'grp'])
    await ok(1, ['resource', 'add', 'agent', 'gb', 'ocf:hactl:dummy', '--group', 'grp'])
    await ok(1, ['constraint', 'location', 'grp', 'prefers', 'n1=100'])
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['ga', 'gb']), ['n1', 'n1'])
    const move = await ok(2, ['resource', 'move', 'grp', 'n2', '--json'])
    assert.match(move.json.result.note ?? '', /kept constraint cli-prefer-grp/)
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['ga', 'gb']), ['n2', 'n2'], 'the group stays where it was moved')
    const constraints = await ok(1, ['constraint', 'list', '--json'])
    assert.ok(constraints.json.result.some((c: {id: string}) => c.id === 'cli-prefer-grp'))
    await ok(1, ['resource', 'clear', 'grp'])
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['ga', 'gb']), ['n1', 'n1'])
  })

  it('resource move CLONE NODE keeps its constraint when clearing it would move the instance back', async () => {
    await ok(1, ['resource', 'add', 'agent', 'cd', 'ocf:hactl:dummy'])
    await ok(1, ['resource', 'clone', 'cd', '--max', '1'])
    await ok(1, ['constraint', 'location', 'cd-clone', 'prefers', 'n1=100'])
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['cd']), ['n1'])
    const move = await ok(2, ['resource', 'move', 'cd-clone', 'n3', '--json'])
    assert.match(move.json.result.note ?? '', /kept constraint cli-prefer-cd-clone/)
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['cd']), ['n3'])
    await ok(1, ['resource', 'clear', 'cd-clone'])
    await cluster.waitQuorate()
  })

  it('resource unclone: the copies the resource no longer needs stop, one stays; a resource that is not cloned is refused', async () => {
    await ok(1, ['resource', 'add', 'agent', 'uc', 'ocf:hactl:dummy'])
    const refused = await cluster.cli(1, ['resource', 'unclone', 'uc'])
    assert.equal(refused.exitCode, 2, refused.stderr)
    assert.match(refused.stderr, /"uc" is not a clone resource/)
    await ok(1, ['resource', 'clone', 'uc'])
    await cluster.waitFor(async () => (await placement(cluster, ['uc']))[0].split(',').filter(Boolean).length === 3, 30_000, 'three copies of uc')
    const unclone = await ok(2, ['resource', 'unclone', 'uc-clone'])
    assert.match(unclone.stdout, /^Attempting to stop the copies of uc-clone\.\.\.\nStopped\nuncloned uc-clone \(epoch \d+\)$/)
    await cluster.waitFor(async () => (await placement(cluster, ['uc']))[0].split(',').filter(Boolean).length === 1, 30_000, 'one copy of uc')
    await cluster.waitQuorate()
    const status = await cluster.status(1)
    assert.deepEqual(status.resources.filter((r: {id: string}) => r.id === 'uc' || r.id.startsWith('uc:')).map((r: {id: string}) => r.id), ['uc'], `uc is one resource again: ${JSON.stringify(status.resources)}`)
    await ok(1, ['resource', 'remove', 'uc'])
  })

  it('a stale config import is refused naming both epochs; typos in update are refused', async () => {
    const exported = `${cluster.dir}/exported.json`
    await ok(1, ['config', 'export', exported])
    const old = JSON.parse(await (await import('node:fs/promises')).readFile(exported, 'utf8')).epoch
    await ok(2, ['property', 'set', 'batch-limit=10'])
    const now = (await cluster.status(1)).epoch
    const stale = await cluster.cli(3, ['config', 'import', exported])
    assert.equal(stale.exitCode, 1, stale.stderr)
    assert.match(stale.stderr, new RegExp(`^hactl: .*exported\\.json is at epoch ${old}, older than the cluster's configuration at epoch ${now}: .*--force`))
    assert.equal((await cluster.status(1)).epoch, now, 'nothing was changed')
    const typo = await cluster.cli(1, ['resource', 'update', 'ga', 'fial=start'])
    assert.equal(typo.exitCode, 2, typo.stderr)
    assert.match(typo.stderr, /has no parameter 'fial'/)
    const op = await cluster.cli(1, ['resource', 'update', 'ga', '--op', 'monitor intervall=5s'])
    assert.equal(op.exitCode, 2, op.stderr)
    assert.equal((await cluster.status(1)).epoch, now, 'nothing was changed')
    await ok(1, ['property', 'unset', 'batch-limit'])
  })

  it('status shows cluster-wide states: maintenance-mode, unmanaged, node maintenance, fencing', async () => {
    const plain = {stdout: await quorateStatus(2)}
    assert.match(plain.stdout, /fencing is disabled .*a whole-host freeze .* is only safe with fencing/)
    assert.doesNotMatch(plain.stdout, /DISABLED|unmanaged/)
    await ok(1, ['property', 'set', 'maintenance-mode=true'])
    const maintenance = {stdout: await quorateStatus(2)}
    assert.match(maintenance.stdout, /\*\*\* Resource management is DISABLED \*\*\*/)
    assert.match(maintenance.stdout, /\* ga\t\(ocf:hactl:dummy\):\t Started n1 \(unmanaged\)/)
    await ok(1, ['property', 'unset', 'maintenance-mode'])
    await ok(1, ['node', 'maintenance', 'n1'])
    const node = {stdout: await quorateStatus(3)}
    assert.match(node.stdout, /Maintenance: \[ n1 \]/)
    assert.match(node.stdout, /\* gb\t\(ocf:hactl:dummy\):\t Started n1 \(unmanaged\)/)
    await ok(1, ['node', 'unmaintenance', 'n1'])
    await ok(1, ['property', 'set', 'stonith-enabled=true'])
    const fencing = {stdout: await quorateStatus(1)}
    assert.match(fencing.stdout, /fencing is enabled \(stonith-enabled=true\) but no fence device is configured/)
    await ok(1, ['property', 'unset', 'stonith-enabled'])
    await cluster.waitQuorate()
    // pcs status resources|nodes, pcs resource status R, pcs resource unmanage|manage R.
    await quorateStatus(1)
    const resources = (await ok(1, ['status', 'resources'])).stdout
    assert.match(resources, /^Resources:\n  \* Resource Group: grp:\n    \* ga\t/)
    assert.doesNotMatch(resources, /Nodes:|Cluster:/)
    assert.match((await ok(1, ['status', 'nodes'])).stdout, /^Nodes:\n  \* Online: \[ n1 n2 n3 \]$/)
    assert.equal((await ok(1, ['resource', 'status', 'gb'])).stdout, '  * gb\t(ocf:hactl:dummy):\t Started n1')
    assert.match((await ok(1, ['resource', 'status', 'grp'])).stdout, /^  \* Resource Group: grp:\n    \* ga\t.*\n    \* gb\t/)
    const unknown = await cluster.cli(1, ['resource', 'status', 'nosuch'])
    assert.equal(unknown.exitCode, 2, unknown.stderr)
    assert.match(unknown.stderr, /"nosuch" is not resources, nodes or a resource in the status/)
    await ok(1, ['resource', 'unmanage', 'grp'])
    assert.match(await quorateStatus(2), /\* ga\t\(ocf:hactl:dummy\):\t Started n1 \(unmanaged\)/)
    await ok(1, ['resource', 'manage', 'grp'])
    assert.doesNotMatch(await quorateStatus(2), /unmanaged/)
  })

  it('status --full: node attributes, fail counts per node, inactive resources, operations with rc and run time', async () => {
    await ok(1, ['node', 'attribute', 'n2', 'rack=r2'])
    await ok(1, ['resource', 'add', 'agent', 'off', 'ocf:hactl:dummy', '--disabled'])
    await cluster.waitQuorate()
    const full = {stdout: await quorateStatus(3, ['--full'])}
    assert.match(full.stdout, /Node Attributes:\n(.*\n)*  \* Node: n2 \(2\):\n    \* rack\t: r2/)
    assert.match(full.stdout, /Migration Summary:\n  \* Node: n1: no failures/)
    assert.match(full.stdout, /Inactive Resources:\n  \* off\t\(ocf:hactl:dummy\):\t Stopped \(disabled\)/)
    // crm_mon -o: each start the agent ran, with its rc and its run time, on the node that ran it.
    const holder = (await placement(cluster, ['ga']))[0]
    assert.match(full.stdout, new RegExp(`Operations:\\n(.*\\n)*  \\* Node: ${holder}:\\n(    .*\\n)*    \\* ga: start: rc=0 \\(ok\\) exec-time=\\d+ms last-rc-change=\\d{4}-`))
    const json = await ok(3, ['status', '--full', '--json'])
    const starts = json.json.result.operations.filter((o: {resource: string, op: string}) => o.resource === 'ga' && o.op === 'start')
    assert.ok(starts.length > 0 && starts.every((o: {rc: number, ok: boolean, execMs: number}) => o.rc === 0 && o.ok && o.execMs >= 0), JSON.stringify(starts))
  })

  it('debug-monitor runs the agent here; failcount show and reset', async () => {
    const holder = (await placement(cluster, ['ga']))[0]
    const other = ['n1', 'n2', 'n3'].find((n) => n !== holder)!
    const here = await cluster.cli(Number(holder.slice(1)), ['resource', 'debug-monitor', 'ga'])
    assert.equal(here.exitCode, 0, here.stderr)
    assert.match(here.stdout, /returned: 'ok' \(0\)/)
    const there = await cluster.cli(Number(other.slice(1)), ['resource', 'debug-monitor', 'ga'])
    assert.equal(there.exitCode, 1, there.stderr)
    assert.match(there.stdout, /returned: 'not-running' \(7\)/)
    const none = await ok(2, ['resource', 'failcount', 'show', 'grp'])
    assert.match(none.stdout, /No failcounts for grp/)
    assert.equal((await ok(2, ['resource', 'cleanup'])).stdout, 'no resource has failures: nothing to clean up')
    // Stopped behind the cluster's back: the next monitor (10 s) finds it not running.
    await ok(Number(holder.slice(1)), ['resource', 'debug-stop', 'ga'])
    await cluster.waitFor(async () => ((await cluster.status(1))?.failures ?? []).some((f: {resource: string}) => f.resource === 'ga'), 40_000, 'ga\'s failure recorded')
    const shown = await ok(2, ['resource', 'failcount', 'show', 'grp', '--json'])
    assert.deepEqual(shown.json.result.map((f: {resource: string, node: string, failCount: number}) => [f.resource, f.node, f.failCount]), [['ga', holder, 1]])
    // pcs resource cleanup without a resource: every resource that has failures.
    assert.equal((await ok(Number(holder.slice(1)), ['resource', 'cleanup'])).stdout, 'cleanup of ga requested')
    await cluster.waitFor(async () => ((await cluster.status(1))?.failures ?? []).length === 0, 30_000, 'failures cleaned up')
    await cluster.waitQuorate()
  })

  it('relocate show|run: back to the preferred node despite stickiness, no constraint left', async () => {
    await ok(1, ['resource', 'ban', 'grp', 'n1'])
    await cluster.waitQuorate()
    await ok(1, ['property', 'set', 'resource-stickiness=200'])
    await ok(1, ['resource', 'clear', 'grp'])
    await cluster.waitQuorate()
    const away = (await placement(cluster, ['ga']))[0]
    assert.notEqual(away, 'n1', 'stickiness 200 beats the preference of 100')
    const show = await ok(2, ['resource', 'relocate', 'show', '--json'])
    assert.deepEqual(show.json.result.filter((m: {resource: string}) => m.resource === 'grp'), [{resource: 'grp', instances: ['ga', 'gb'], from: away, to: 'n1', kind: 'group'}])
    await ok(2, ['resource', 'relocate', 'run'])
    await cluster.waitQuorate()
    assert.deepEqual(await placement(cluster, ['ga', 'gb']), ['n1', 'n1'])
    const constraints = await ok(1, ['constraint', 'list', '--json'])
    assert.deepEqual(constraints.json.result.filter((c: {id: string}) => c.id.startsWith('cli-')).map((c: {id: string}) => c.id), [])
    await ok(1, ['property', 'unset', 'resource-stickiness'])
  })

  it('stonith create shows a device apart from resources; node fence asks for confirmation', async () => {
    const noDevice = await cluster.cli(1, ['node', 'fence', 'n3', '--force'])
    assert.equal(noDevice.exitCode, 1, noDevice.stderr)
    assert.match(noDevice.stderr, /^hactl: no fence device covers n3/)
    await ok(1, ['stonith', 'create', 'fn', 'fence_netns', 'pcmk_host_list=n3', '--force'])
    const status = await quorateStatus(2)
    assert.match(status, /Fence devices:\n  \* fn\t\(fence:fence_netns\):\t fences n3/)
    assert.doesNotMatch(status.split('Fence devices:')[0], /fn\t/, 'not listed among the resources')
    const unconfirmed = await cluster.cli(1, ['node', 'fence', 'n3'])
    assert.equal(unconfirmed.exitCode, 2, unconfirmed.stderr)
    assert.match(unconfirmed.stderr, /^hactl: fencing n3 powers it off or reboots it: confirm with --force/)
    await ok(1, ['stonith', 'remove', 'fn'])
  })

  it('config history and a live rollback as a new epoch; a corrupt state file names itself and rollback --restore brings the node back', async () => {
    await ok(1, ['property', 'set', 'cluster-recheck-interval=7min'])
    const kept = (await cluster.status(1)).epoch
    await ok(1, ['property', 'unset', 'cluster-recheck-interval'])
    await cluster.waitQuorate()
    const history = await ok(2, ['config', 'history', '--state-dir', cluster.stateDir(2), '--json'])
    assert.ok(history.json.result.entries.some((e: {epoch: number}) => e.epoch === kept), JSON.stringify(history.json.result))
    const before = (await cluster.status(2)).epoch
    const rollback = await ok(2, ['config', 'rollback', String(kept), '--state-dir', cluster.stateDir(2), '--json'])
    assert.equal(rollback.json.result.epoch, before + 1)
    const shown = await ok(3, ['property', 'list', '--json'])
    assert.equal(shown.json.result.find((p: {name: string}) => p.name === 'cluster-recheck-interval').value, '7min')
    await ok(1, ['property', 'unset', 'cluster-recheck-interval'])
    await cluster.waitQuorate()

    // A corrupt cib.json on n3: the daemon refuses to start with one line saying which file and how back.
    await cluster.stop(3)
    const {writeFile} = await import('node:fs/promises')
    await writeFile(`${cluster.stateDir(3)}/cib.json`, '{"term": 3, "bo')
    const logged = cluster.logs.get(3)!.length
    const child = cluster.start(3)
    const exit = await child
    cluster.daemons.delete(3)
    assert.notEqual(exit.exitCode, 0)
    const said = cluster.logs.get(3)!.slice(logged).join('\n')
    assert.match(said, new RegExp(`hactl: the stored configuration ${cluster.stateDir(3)}/cib\\.json is corrupt \\(not JSON: .*\\); earlier ones are kept: list them with 'hactl config history --state-dir `))
    const listed = await hactl(['config', 'history', '--state-dir', cluster.stateDir(3), '--json'])
    const last = JSON.parse(listed.stdout).result.entries.at(-1).epoch
    const restore = await hactl(['config', 'rollback', String(last), '--restore', '--state-dir', cluster.stateDir(3), '--run-dir', cluster.runDir(3)])
    assert.equal(restore.exitCode, 0, restore.stderr)
    cluster.start(3)
    await cluster.waitQuorate([1, 2, 3], 60_000)
    assert.equal((await cluster.status(3)).epoch, (await cluster.status(1)).epoch, 'n3 caught up with the cluster')
  })

  // Last: it stops a daemon and lets the cluster recover.
  it('a SIGSTOPped daemon: status and edits give up with one line and exit 3', async () => {
    cluster.kill(3, 'SIGSTOP')
    try {
      for (const args of [['status'], ['resource', 'list'], ['node', 'standby', 'n3']]) {
        const result = await hactl([...args, '--run-dir', cluster.runDir(3)], {HACTL_TIMEOUT: '2', HACTL_CONFIG_DIR: cluster.configDir(3)})
        assert.equal(result.exitCode, 3, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
        assert.match(result.stderr, /^hactl: the daemon on .*hactl\.sock did not answer \S+ within 2 s: it is hung or stopped[^\n]*\n$/)
      }
    } finally {
      cluster.kill(3, 'SIGCONT')
    }
    await cluster.waitQuorate([1, 2, 3], 60_000)
  })
})
