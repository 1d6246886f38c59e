import assert from 'node:assert/strict'
import {execa} from 'execa'
import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Executor, type ActionResult} from '../../src/agents/index.js'
import {ensureRootfs, hostHas, SystemdContainer} from './container.js'
import {AGENTS_DIR, isRoot, publicAgentsCopy, requireCapability, tempDir} from './helpers.js'

const UNITS: Record<string, string> = {
  'hactl-test-ok.service': '[Service]\nExecStart=/bin/sleep infinity\n',
  // Start takes two seconds: the agent must wait for "active", not return while "activating".
  'hactl-test-slow.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 2\n',
  'hactl-test-stuck.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 600\n',
  'hactl-test-broken.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/false\n',
}

describe('agents: service against a real systemd (systemd-nspawn container)', function () {
  this.timeout(60_000)
  const container = new SystemdContainer()
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let executor: Executor

  before(async function () {
    this.timeout(600_000)
    requireCapability(this, 'root, systemd-nspawn (systemd-container) and debootstrap', isRoot && (await hostHas('systemd-nspawn')) && (await hostHas('debootstrap')))
    tmp = await tempDir('svc')
    const units = join(tmp.path, 'units')
    await mkdir(units)
    for (const [name, body] of Object.entries(UNITS)) await writeFile(join(units, name), body)
    const rootfs = await ensureRootfs()
    await container.boot(rootfs, units)
    executor = new Executor({wrapper: container.wrapper()})
  })
  after(async () => {
    await container.shutdown()
    await tmp?.remove()
  })

  const service = (action: string, unit: string, timeoutMs = 20_000): Promise<ActionResult> =>
    executor.run({resource: unit, agent: 'ocf:hactl:service', action, params: {unit}, timeoutMs})

  it('starts, monitors and stops a unit: inactive is not running (7), active is running (0)', async () => {
    assert.equal((await service('monitor', 'hactl-test-ok')).ocfCode, 7)
    const start = await service('start', 'hactl-test-ok')
    assert.equal(start.ocfCode, 0, start.reason ?? start.stderr)
    assert.equal(await container.systemctl('is-active', 'hactl-test-ok.service'), 'active')
    assert.equal((await service('monitor', 'hactl-test-ok')).ocfCode, 0)
    assert.equal((await service('start', 'hactl-test-ok')).ocfCode, 0, 'start of a started unit')
    assert.equal((await service('stop', 'hactl-test-ok')).ocfCode, 0)
    assert.equal(await container.systemctl('is-active', 'hactl-test-ok.service'), 'inactive')
    assert.equal((await service('stop', 'hactl-test-ok')).ocfCode, 0, 'stop of a stopped unit')
    assert.equal((await service('monitor', 'hactl-test-ok')).ocfCode, 7)
  })

  it('waits for a slow unit to settle before reporting the start', async () => {
    const start = await service('start', 'hactl-test-slow')
    assert.equal(start.ocfCode, 0, start.reason ?? start.stderr)
    assert.equal(await container.systemctl('is-active', 'hactl-test-slow.service'), 'active', 'no longer activating when start returns')
    assert.equal((await service('stop', 'hactl-test-slow')).ocfCode, 0)
  })

  it('gives up on a unit that does not settle before the operation timeout, answering before the executor must kill it', async () => {
    const start = await service('start', 'hactl-test-stuck', 3000)
    assert.equal(start.status, 'done', 'the agent answered within its timeout')
    assert.equal(start.ocfCode, 1)
    assert.match(start.reason ?? '', /still activating at the timeout/)
    const stop = await service('stop', 'hactl-test-stuck')
    assert.equal(stop.ocfCode, 0, 'stop cancels the pending start')
    assert.equal(await container.systemctl('is-active', 'hactl-test-stuck.service'), 'inactive')
  })

  it('tells a failed unit (error, 1) from a stopped one (7), and recovers it on start', async () => {
    const start = await service('start', 'hactl-test-broken')
    assert.equal(start.ocfCode, 1)
    assert.match(start.reason ?? '', /failed to start/)
    const monitor = await service('monitor', 'hactl-test-broken')
    assert.equal(monitor.ocfCode, 1)
    assert.match(monitor.reason ?? '', /failed/)
    assert.equal((await service('stop', 'hactl-test-broken')).ocfCode, 0, 'a failed unit is stopped')
    assert.equal((await service('monitor', 'hactl-test-broken')).ocfCode, 7, 'and cleanly so after stop')

    assert.equal((await service('start', 'hactl-test-ok')).ocfCode, 0)
    await container.systemctl('kill', '--signal=KILL', 'hactl-test-ok.service')
    let crashed: ActionResult | undefined
    for (let i = 0; i < 50 && crashed?.ocfCode !== 1; i++) crashed = await service('monitor', 'hactl-test-ok')
    assert.equal(crashed?.ocfCode, 1, 'a crashed unit is failed, not merely stopped')
    assert.equal((await service('start', 'hactl-test-ok')).ocfCode, 0, 'start clears the failed state')
    assert.equal((await service('stop', 'hactl-test-ok')).ocfCode, 0)
  })

  it('reports a unit that does not exist as not installed, yet probes it as stopped and stops it', async () => {
    const start = await service('start', 'hactl-no-such-unit')
    assert.equal(start.ocfCode, 5)
    assert.equal((await service('monitor', 'hactl-no-such-unit')).ocfCode, 7)
    assert.equal((await service('stop', 'hactl-no-such-unit')).ocfCode, 0)
  })

  it('runs systemd:UNIT through the service agent', async () => {
    const run = async (action: string) => executor.run({resource: 'sd', agent: 'systemd:hactl-test-ok', action, timeoutMs: 20_000})
    assert.equal((await run('start')).ocfCode, 0)
    assert.equal(await container.systemctl('is-active', 'hactl-test-ok.service'), 'active')
    assert.equal((await run('monitor')).ocfCode, 0)
    assert.equal((await run('stop')).ocfCode, 0)
    assert.equal((await run('monitor')).ocfCode, 7)
  })

  it('passes ocf-tester', async function () {
    requireCapability(this, 'ocf-tester (Debian resource-agents)', await hostHas('ocf-tester'))
    // ocf-tester runs on the host; the agent itself runs in the container. Its permission
    // check runs meta-data as nobody, who cannot enter namespaces and needs no systemd.
    const copy = await publicAgentsCopy(join(tmp.path, 'copy'))
    const shim = join(tmp.path, 'service-in-container')
    await writeFile(shim, `#!/bin/sh\n[ "$(id -u)" = 0 ] || exec ${copy}/service "$@"\nexec ${container.wrapper().join(' ')} ${AGENTS_DIR}/service "$@"\n`)
    await chmod(shim, 0o755)
    const r = await execa('ocf-tester', ['-n', 'svc', '-o', 'unit=hactl-test-ok', shim], {reject: false, cwd: '/'})
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, /passed all tests/)
  })
})
