import {spawn} from 'node:child_process'
import {mkdir, open, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DaemonClient} from '../client/client.js'
import {DAEMON_NODE_FLAGS} from '../daemon/node-flags.js'

export interface LocalDaemonPaths {configDir: string, stateDir: string, runDir: string}

async function answers(runDir: string): Promise<boolean> {
  try {
    (await DaemonClient.connect(runDir)).close()
    return true
  } catch {
    return false
  }
}

export async function systemdManages(): Promise<boolean> {
  try {
    const comm = (await readFile('/proc/1/comm', 'utf8')).trim()
    if (comm !== 'systemd') return false
    // Installed by an administrator (hactl install) or by a package.
    for (const unit of ['/etc/systemd/system/hactl.service', '/usr/lib/systemd/system/hactl.service']) {
      if (await readFile(unit, 'utf8').then(() => true, () => false)) return true
    }
    return false
  } catch {
    return false
  }
}

/** Starts the daemon: through systemd when it runs the unit, else detached with its log in the state directory. */
export async function startLocalDaemon(paths: LocalDaemonPaths): Promise<{started: boolean, how: 'systemd' | 'background' | 'already-running', log: string | null}> {
  if (await answers(paths.runDir)) return {started: false, how: 'already-running', log: null}
  if (await systemdManages()) {
    const {execa} = await import('execa')
    await execa('systemctl', ['start', 'hactl.service'])
    return {started: true, how: 'systemd', log: null}
  }
  await mkdir(paths.stateDir, {recursive: true, mode: 0o700})
  const log = join(paths.stateDir, 'hactl.log')
  const output = await open(log, 'a', 0o600)
  const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, bin, 'daemon', '--config-dir', paths.configDir, '--state-dir', paths.stateDir, '--run-dir', paths.runDir], {
    detached: true, stdio: ['ignore', output.fd, output.fd],
  })
  child.unref()
  await output.close()
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (await answers(paths.runDir)) return {started: true, how: 'background', log}
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {started: false, how: 'background', log}
}
