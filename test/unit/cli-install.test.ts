// hactl install --root (a package tree), the unit's settings, and the daemon's
// systemd helpers (systemd-notify, chrt), with the real CLI and real programs.
import assert from 'node:assert/strict'
import {chmod, lstat, mkdtemp, readFile, readlink, realpath, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {hactl} from '../lib/cli.js'
import {unitText} from '../../src/install/unit.js'
import {sdNotify, tryRealtime} from '../../src/daemon/sd-notify.js'

describe('cli: install --root, the unit, sd-notify', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-install-'))
  })
  afterEach(async () => rm(dir, {recursive: true, force: true}))

  it('--root writes where a package ships units, with relative links, and uninstall removes it all', async () => {
    const root = join(dir, 'pkg')
    const result = await hactl(['install', '--root', root, '--enable', '--json'])
    assert.equal(result.exitCode, 0, result.stderr)
    const unit = join(root, 'usr/lib/systemd/system/hactl.service')
    assert.match(await readFile(unit, 'utf8'), /^ExecStart=\/usr\/bin\/hactl daemon$/m)
    const link = join(root, 'etc/systemd/system/multi-user.target.wants/hactl.service')
    assert.equal(await readlink(link), '../../../../usr/lib/systemd/system/hactl.service')
    assert.equal(await realpath(link), await realpath(unit))
    await lstat(join(root, 'usr/share/man/man1/hactl.1'))
    const removed = await hactl(['uninstall', '--root', root, '--json'])
    assert.equal(removed.exitCode, 0, removed.stderr)
    // Every file written: the unit, the man pages and the enable link.
    assert.equal(JSON.parse(removed.stdout).result.removed.length, JSON.parse(result.stdout).result.files.length)
    await assert.rejects(lstat(unit))
    await assert.rejects(lstat(link))
  })

  it('the unit: Type=notify with NotifyAccess=all, KillMode=process, TasksMax=infinity, no CPUSchedulingPolicy', async () => {
    const text = unitText({exec: '/usr/bin/hactl'})
    for (const line of ['Type=notify', 'NotifyAccess=all', 'KillMode=process', 'TasksMax=infinity', 'RuntimeDirectoryPreserve=yes']) assert.match(text, new RegExp(`^${line}$`, 'm'), line)
    assert.doesNotMatch(text, /^CPUSchedulingPolicy=/m, 'would fail to start on kernels without a realtime budget')
    assert.doesNotMatch(text, /^RestrictRealtime=yes/m, 'the daemon asks for SCHED_RR itself')
    // systemd's own parser accepts it (the ExecStart program must exist for verify).
    const file = join(dir, 'hactl.service')
    await writeFile(file, unitText({exec: '/bin/true'}))
    const verify = await execa('systemd-analyze', ['verify', file], {reject: false})
    assert.doesNotMatch(String(verify.stderr), /hactl\.service:\d+: (Unknown|Failed|Invalid)/, String(verify.stderr))
  })

  it('sdNotify runs systemd-notify --pid=PID --ready only under systemd (NOTIFY_SOCKET)', async () => {
    const record = join(dir, 'argv')
    const fake = join(dir, 'systemd-notify')
    await writeFile(fake, `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> ${record}\n`)
    await chmod(fake, 0o755)
    const env = {PATH: `${dir}:/usr/bin:/bin`}
    assert.equal(await sdNotify({ready: true, status: 'joined'}, env, 4242), undefined)
    await assert.rejects(readFile(record))
    const result = await sdNotify({ready: true, status: 'joined view 3'}, {...env, NOTIFY_SOCKET: '/run/notify'}, 4242)
    assert.deepEqual(result, {ok: true, reason: null})
    assert.equal(await readFile(record, 'utf8'), '/run/notify --pid=4242 --ready --status=joined view 3\n')
    const missing = await sdNotify({ready: true}, {PATH: join(dir, 'nothing'), NOTIFY_SOCKET: '/run/notify'})
    assert.equal(missing?.ok, false)
  })

  it('tryRealtime: SCHED_RR with reset-on-fork where the kernel allows it, a reason where not', async () => {
    const child = execa('sleep', ['30'], {reject: false})
    try {
      const result = await tryRealtime(5, child.pid!)
      if (result.ok) {
        const policy = await execa('chrt', ['-p', String(child.pid)])
        assert.match(String(policy.stdout), /SCHED_RR\|SCHED_RESET_ON_FORK/)
      } else assert.ok(result.reason && result.reason.length > 0)
    } finally {
      child.kill('SIGKILL')
      await child
    }
  })
})
