// A real systemd for the service agent: systemd-nspawn boots a Debian minbase
// rootfs (debootstrap, cached under test/agents/.cache) as PID 1 of its own
// namespaces, joined to a network namespace of the test run so nothing touches
// the host's network. The rootfs stays pristine (--volatile=overlay).

import {execa, type ResultPromise} from 'execa'
import {existsSync, readFileSync, readlinkSync} from 'node:fs'
import {mkdir, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {eventually, Namespaces, ROOT, RUN, sh} from './helpers.js'

export const CACHE_DIR = process.env.HACTL_TEST_CACHE ?? join(ROOT, 'test', 'agents', '.cache')
const SUITE = process.env.HACTL_TEST_SUITE ?? 'bookworm'
const MIRROR = process.env.HACTL_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian'

/** The cached rootfs, built once (about a minute, ~250 MB) and reused by later runs. */
export async function ensureRootfs(): Promise<string> {
  const rootfs = join(CACHE_DIR, `rootfs-${SUITE}`)
  if (existsSync(join(rootfs, 'lib', 'systemd', 'systemd'))) return rootfs
  await mkdir(CACHE_DIR, {recursive: true})
  const building = `${rootfs}.building-${RUN}`
  try {
    const r = await execa('debootstrap', ['--variant=minbase', '--include=systemd,systemd-sysv,dbus', SUITE, building, MIRROR], {reject: false, all: true})
    if (r.exitCode !== 0) throw new Error(`debootstrap failed (${r.exitCode}): ${String(r.all).split('\n').slice(-5).join(' | ')}`)
    // A rename publishes only a complete rootfs, so an interrupted build is never reused.
    await rename(building, rootfs).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(rootfs, 'lib', 'systemd', 'systemd'))) throw error
    })
  } finally {
    await rm(building, {recursive: true, force: true})
  }
  return rootfs
}

export class SystemdContainer {
  private nspawn?: ResultPromise
  private readonly namespaces = new Namespaces()
  leader = 0
  log = ''

  /** Boots the rootfs with `unitsDir` as /usr/local/lib/systemd/system and the repository bound read-only at its own path. */
  async boot(rootfs: string, unitsDir: string): Promise<void> {
    const netns = await this.namespaces.add('svc')
    this.nspawn = execa('systemd-nspawn', [
      '-D', rootfs, '--boot', '--volatile=overlay', '--register=no', '--keep-unit', '-q', '--console=pipe',
      `--machine=hactl-${RUN}-svc`, `--network-namespace-path=/run/netns/${netns}`,
      `--bind-ro=${join(ROOT, 'resource-agents')}`, `--bind-ro=${unitsDir}:/usr/local/lib/systemd/system`,
    ], {reject: false, stdin: 'ignore', all: true, buffer: true, detached: true})
    this.nspawn.all?.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-4000)
    })
    const pid = this.nspawn.pid!
    await eventually(async () => {
      if (this.nspawn?.exitCode !== null && this.nspawn?.exitCode !== undefined) throw new Error(`systemd-nspawn exited: ${this.log}`)
      this.leader = childOf(pid)
      return this.leader > 0
    }, 10_000, 'the container to start')
    let state = ''
    await eventually(async () => {
      this.leader = childOf(pid) || this.leader
      const r = await execa('nsenter', [...this.wrapper(), 'systemctl', 'is-system-running'], {reject: false})
      state = String(r.stdout).trim()
      return state === 'running' || state === 'degraded'
    }, 60_000, 'systemd in the container to finish booting').catch((error: Error) => {
      throw new Error(`${error.message} (state ${state}); console: ${this.log}`)
    })
  }

  wrapper(): string[] {
    return ['nsenter', '-t', String(this.leader), '-a']
  }

  async systemctl(...args: string[]): Promise<string> {
    const r = await execa('nsenter', [...this.wrapper(), 'systemctl', ...args], {reject: false})
    return String(r.stdout).trim()
  }

  async shutdown(): Promise<void> {
    // Killing PID 1 of the container ends its whole PID namespace at once.
    if (this.leader > 0) {
      try {
        process.kill(this.leader, 'SIGKILL')
      } catch {}
    }
    if (this.nspawn) {
      const timer = setTimeout(() => {
        try {
          process.kill(-this.nspawn!.pid!, 'SIGKILL')
        } catch {}
      }, 5000)
      await this.nspawn
      clearTimeout(timer)
    }
    this.leader = 0
    await this.namespaces.cleanup()
  }
}

/** The container's PID 1: the child of systemd-nspawn that lives in another PID namespace. */
function childOf(pid: number): number {
  try {
    const own = readlinkSync('/proc/self/ns/pid')
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    return Number(children.find((c) => readlinkSync(`/proc/${c}/ns/pid`) !== own) ?? 0)
  } catch {
    return 0
  }
}

export async function hostHas(command: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${command}`], {reject: false})).exitCode === 0
}

export {sh}
