// Shared by the agent tests: root/kernel checks (skip locally, fail loudly in CI),
// unique names per run, and cleanup of namespaces, mounts and processes.

import {execa} from 'execa'
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const AGENTS_DIR = join(ROOT, 'resource-agents', 'ocf', 'hactl')
export const RUN = randomBytes(3).toString('hex')

/** Skips the suite unless `check` passes; in CI a missing capability is a failure. */
export function requireCapability(ctx: Mocha.Context, what: string, ok: boolean): void {
  if (ok) return
  if (process.env.CI === 'true') throw new Error(`CI needs ${what} for these tests`)
  console.log(`      skipped: needs ${what}`)
  ctx.skip()
}

export async function commandWorks(file: string, args: string[]): Promise<boolean> {
  const r = await execa(file, args, {reject: false})
  return r.exitCode === 0
}

export const isRoot = process.getuid?.() === 0

export async function sh(file: string, args: string[]): Promise<string> {
  const r = await execa(file, args, {reject: false})
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return String(r.stdout)
}

/** Network namespaces hactl-<run>-<name>, deleted by cleanup(). */
export class Namespaces {
  readonly names: string[] = []
  constructor(readonly run = RUN) {}

  async add(node: string): Promise<string> {
    const name = `hactl-${this.run}-${node}`
    await sh('ip', ['netns', 'add', name])
    this.names.push(name)
    await sh('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
    return name
  }

  /** A veth pair between two namespaces, with addresses (CIDR) on each end. */
  async link(a: string, ifA: string, addrA: string, b: string, ifB: string, addrB: string): Promise<void> {
    await sh('ip', ['link', 'add', ifA, 'netns', a, 'type', 'veth', 'peer', 'name', ifB, 'netns', b])
    await sh('ip', ['-n', a, 'addr', 'add', addrA, 'dev', ifA])
    await sh('ip', ['-n', b, 'addr', 'add', addrB, 'dev', ifB])
    await sh('ip', ['-n', a, 'link', 'set', ifA, 'up'])
    await sh('ip', ['-n', b, 'link', 'set', ifB, 'up'])
  }

  async cleanup(): Promise<void> {
    for (const name of this.names.splice(0)) {
      // Processes left in the namespace (an arping loop) go first, or the delete only detaches it.
      const pids = await execa('ip', ['netns', 'pids', name], {reject: false})
      for (const pid of String(pids.stdout).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {}
      }
      await execa('ip', ['netns', 'del', name], {reject: false})
    }
  }
}

export async function tempDir(prefix: string): Promise<{path: string, remove: () => Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), `hactl-${RUN}-${prefix}-`))
  return {path, remove: async () => rm(path, {recursive: true, force: true})}
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls until `check` is true or the deadline; protocol-level bound, not a timing assertion. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await sleep(25)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** True while the process exists and is not a zombie (an orphan waits for PID 1 to reap it). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/**
 * A private mount namespace held open by a sleeping process; agents run in it
 * through the wrapper `nsenter -t PID -m`. Its mounts vanish with it.
 */
export class MountNamespace {
  private holder?: ReturnType<typeof execa>
  pid = 0

  async open(): Promise<void> {
    this.holder = execa('unshare', ['--mount', '--propagation', 'private', 'sleep', 'infinity'], {detached: true, reject: false, stdio: 'ignore'})
    this.pid = this.holder.pid!
    // Ready once the holder's mount namespace differs from ours.
    await eventually(async () => (await sh('readlink', [`/proc/${this.pid}/ns/mnt`])) !== (await sh('readlink', ['/proc/self/ns/mnt'])), 5000, 'the mount namespace')
  }

  wrapper(): string[] {
    return ['nsenter', '-t', String(this.pid), '-m']
  }

  async exec(args: string[]): Promise<string> {
    return sh('nsenter', [...this.wrapper(), ...args])
  }

  async mountinfo(): Promise<string> {
    return this.exec(['cat', '/proc/self/mountinfo'])
  }

  async close(): Promise<void> {
    if (!this.pid) return
    try {
      process.kill(-this.pid, 'SIGKILL')
    } catch {}
    await this.holder
    this.pid = 0
  }
}

/** An ext4 image on a loop device; detach() releases the device. */
export async function loopExt4(dir: string, name: string, label?: string): Promise<{device: string, uuid: string, detach: () => Promise<void>}> {
  const image = `${dir}/${name}.img`
  await sh('truncate', ['-s', '32M', image])
  await sh('mkfs.ext4', ['-q', '-F', ...(label ? ['-L', label] : []), image])
  const device = (await sh('losetup', ['-f', '--show', image])).trim()
  const uuid = (await sh('blkid', ['-s', 'UUID', '-o', 'value', device])).trim()
  return {device, uuid, detach: async () => {
    await execa('losetup', ['-d', device], {reject: false})
  }}
}

/**
 * A copy of resource-agents/ that anyone may read: ocf-tester runs meta-data as
 * `nobody`, who cannot reach a checkout under /root. Returns the ocf/hactl dir of the copy.
 */
export async function publicAgentsCopy(dir: string): Promise<string> {
  const {chmod, cp} = await import('node:fs/promises')
  const target = join(dir, 'resource-agents')
  await cp(join(ROOT, 'resource-agents'), target, {recursive: true})
  for (let d = dir; d.startsWith(tmpdir()) && d !== tmpdir(); d = join(d, '..')) await chmod(d, 0o755)
  return join(target, 'ocf', 'hactl')
}
