import assert from 'node:assert/strict'
import {execa} from 'execa'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {Executor, type ActionResult} from '../../src/agents/index.js'
import {commandWorks, publicAgentsCopy, eventually, isRoot, loopExt4, MountNamespace, processAlive, requireCapability, tempDir} from './helpers.js'

describe('agents: mount in a mount namespace (real loop-device ext4 and tmpfs)', function () {
  this.timeout(60_000)
  const ns = new MountNamespace()
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let loop: Awaited<ReturnType<typeof loopExt4>> | undefined
  let executor: Executor

  before(async function () {
    requireCapability(this, 'root, unshare, losetup and mkfs.ext4 (util-linux, e2fsprogs)', isRoot && (await commandWorks('sh', ['-c', 'command -v unshare && command -v losetup && command -v mkfs.ext4 && command -v fuser'])))
    tmp = await tempDir('mount')
    await ns.open()
    loop = await loopExt4(tmp.path, 'disk', 'hactldisk')
    executor = new Executor({wrapper: ns.wrapper(), killGraceMs: 500})
  })
  after(async () => {
    await ns.close()
    await loop?.detach()
    await tmp?.remove()
  })

  const mount = (action: string, params: Record<string, string>, extra: {resource?: string, checkLevel?: number} = {}): Promise<ActionResult> =>
    executor.run({resource: extra.resource ?? 'fs1', agent: 'ocf:hactl:mount', action, params, timeoutMs: 20_000, checkLevel: extra.checkLevel})
  const mountedOn = async (dir: string): Promise<boolean> => (await ns.mountinfo()).split('\n').some((l) => l.split(' ')[4] === dir)

  it('mounts and unmounts an ext4 loop device; the host never sees it', async () => {
    const params = {device: loop!.device, directory: join(tmp.path, 'data'), fstype: 'ext4', options: 'noatime'}
    assert.equal((await mount('monitor', params)).ocfCode, 7)
    const start = await mount('start', params)
    assert.equal(start.ocfCode, 0, start.reason ?? start.stderr)
    assert.equal(await mountedOn(params.directory), true)
    const hostMounts = (await execa('cat', ['/proc/self/mountinfo'])).stdout
    assert.equal(hostMounts.includes(params.directory), false, 'the mount stays in its namespace')
    assert.equal((await mount('monitor', params)).ocfCode, 0)
    assert.equal((await mount('monitor', params, {checkLevel: 20})).ocfCode, 0, 'deep monitor writes and reads a probe file')
    assert.equal((await mount('start', params)).ocfCode, 0, 'start of a started mount')
    assert.equal((await mount('stop', params)).ocfCode, 0)
    assert.equal(await mountedOn(params.directory), false)
    assert.equal((await mount('stop', params)).ocfCode, 0, 'stop of a stopped mount')
    assert.equal((await mount('monitor', params)).ocfCode, 7)
  })

  it('finds the device by UUID= and LABEL=, and refuses to mount it a second time elsewhere', async () => {
    const one = {device: `UUID=${loop!.uuid}`, directory: join(tmp.path, 'one'), fstype: 'ext4'}
    const two = {device: 'LABEL=hactldisk', directory: join(tmp.path, 'two'), fstype: 'ext4'}
    assert.equal((await mount('start', one, {resource: 'one'})).ocfCode, 0)
    const twice = await mount('start', two, {resource: 'two'})
    assert.equal(twice.ocfCode, 1)
    assert.match(twice.reason ?? '', /already mounted on .*one: refusing/)
    assert.equal(await mountedOn(two.directory), false)
    assert.equal((await mount('stop', one, {resource: 'one'})).ocfCode, 0)
    assert.equal((await mount('start', two, {resource: 'two'})).ocfCode, 0, 'free again, LABEL= mounts')
    assert.equal((await mount('stop', two, {resource: 'two'})).ocfCode, 0)
  })

  it('runs fsck before mounting when run_fsck=force, and not when run_fsck=no', async () => {
    const params = {device: loop!.device, directory: join(tmp.path, 'fsck'), fstype: 'ext4'}
    try {
      const forced = await mount('start', {...params, run_fsck: 'force'}, {resource: 'fsck'})
      assert.equal(forced.ocfCode, 0, forced.reason ?? forced.stderr)
      assert.match(forced.stderr, /clean, \d+\/\d+ files/, `fsck -p reported on the filesystem: ${forced.stderr}`)
      assert.equal((await mount('stop', params, {resource: 'fsck'})).ocfCode, 0)
      const skipped = await mount('start', {...params, run_fsck: 'no'}, {resource: 'fsck'})
      assert.equal(skipped.ocfCode, 0)
      assert.doesNotMatch(skipped.stderr, /clean,/)
    } finally {
      assert.equal((await mount('stop', params, {resource: 'fsck'})).ocfCode, 0)
    }
  })

  it('mounts a tmpfs with options', async () => {
    const params = {device: 'tmpfs', directory: join(tmp.path, 'scratch'), fstype: 'tmpfs', options: 'size=2m,mode=0700'}
    assert.equal((await mount('start', params, {resource: 'tmp'})).ocfCode, 0)
    const line = (await ns.mountinfo()).split('\n').find((l) => l.split(' ')[4] === params.directory) ?? ''
    assert.match(line, /tmpfs tmpfs .*size=2048k.*mode=700/)
    assert.equal((await mount('monitor', params, {resource: 'tmp', checkLevel: 20})).ocfCode, 0)
    assert.equal((await mount('stop', params, {resource: 'tmp'})).ocfCode, 0)
    assert.equal(await mountedOn(params.directory), false)
  })

  it('stop kills a process holding the mount, then unmounts', async () => {
    const params = {device: loop!.device, directory: join(tmp.path, 'busy'), fstype: 'ext4', signal_delay: '1'}
    assert.equal((await mount('start', params, {resource: 'busy'})).ocfCode, 0)
    // A holder that ignores SIGTERM: only the SIGKILL escalation frees the mount.
    const holder = execa('nsenter', [...ns.wrapper(), 'sh', '-c', `trap "" TERM; cd '${params.directory}' && exec 3>'${params.directory}/open' && echo ready && while :; do sleep 1; done`], {detached: true, reject: false})
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    const stop = await mount('stop', params, {resource: 'busy'})
    assert.equal(stop.ocfCode, 0, stop.reason ?? stop.stderr)
    assert.match(stop.stderr, /sending SIGTERM/)
    assert.equal(await mountedOn(params.directory), false)
    await eventually(async () => !processAlive(holder.pid!), 3000, 'the holder to be killed')
    await holder
  })

  it('fails stop on a busy mount when force_unmount=false, and detaches lazily only when lazy_unmount=true', async () => {
    const dir = join(tmp.path, 'lazy')
    const params = {device: 'tmpfs', directory: dir, fstype: 'tmpfs', force_unmount: 'false'}
    assert.equal((await mount('start', params, {resource: 'lazy'})).ocfCode, 0)
    const holder = execa('nsenter', [...ns.wrapper(), 'sh', '-c', `cd '${dir}' && echo ready && exec sleep 1000`], {detached: true, reject: false})
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    try {
      const refused = await mount('stop', params, {resource: 'lazy'})
      assert.equal(refused.ocfCode, 1)
      assert.match(refused.reason ?? '', /still in use/)
      assert.equal(await mountedOn(dir), true)
      assert.equal(processAlive(holder.pid!), true, 'force_unmount=false kills nobody')
      const lazy = await mount('stop', {...params, lazy_unmount: 'true'}, {resource: 'lazy'})
      assert.equal(lazy.ocfCode, 0)
      assert.equal(await mountedOn(dir), false)
    } finally {
      holder.kill('SIGKILL')
      await holder
    }
  })

  it('runs ocf-tester on mount (ext4 and tmpfs) inside the namespace', async function () {
    requireCapability(this, 'ocf-tester (Debian resource-agents)', await commandWorks('sh', ['-c', 'command -v ocf-tester']))
    await mkdir(join(tmp.path, 'ot'), {recursive: true})
    const agents = await publicAgentsCopy(join(tmp.path, 'copy'))
    for (const opts of [[`device=${loop!.device}`, `directory=${tmp.path}/ot/ext4`, 'fstype=ext4'], ['device=tmpfs', `directory=${tmp.path}/ot/tmp`, 'fstype=tmpfs', 'options=size=1m']]) {
      const r = await execa('nsenter', [...ns.wrapper(), 'ocf-tester', '-n', 'fs', ...opts.flatMap((o) => ['-o', o]), join(agents, 'mount')], {reject: false, cwd: '/'})
      assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
      assert.match(r.stdout, /passed all tests/)
    }
  })
})
