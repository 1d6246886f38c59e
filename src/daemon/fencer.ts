// Runs fence agents (Pacemaker's fencer). A fence device is a primitive whose
// agent is `fence:NAME` (stonith:NAME also reads); its parameters go to the agent
// on standard input as name=value lines, Pacemaker's fence-agent protocol, so
// ClusterLabs' fence_* agents work unchanged. Its `pcmk_host_list` says which
// nodes it can fence (all when absent).
import {execa} from 'execa'
import {access, constants} from 'node:fs/promises'
import {join} from 'node:path'
import type {Primitive, ResourceConfig} from '../core/config/types.js'
import {isFenceDevice} from '../core/orchestration/index.js'
import type {Logger} from './logger.js'

/** Where fence agents are looked up: HACTL_FENCE_PATH (colon-separated), then /usr/sbin and /usr/local/sbin. */
export function fenceSearchPath(): string[] {
  return [...(process.env.HACTL_FENCE_PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin']
}

export function devicesFor(config: ResourceConfig, node: string): Primitive[] {
  return config.resources.filter((r) => isFenceDevice(r.agent) && (r.params.pcmk_host_list === undefined
    || r.params.pcmk_host_list.split(/[\s,]+/).includes(node)))
}

async function locate(name: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return undefined
  for (const dir of fenceSearchPath()) {
    const path = join(dir, name)
    try {
      await access(path, constants.X_OK)
      return path
    } catch {
      // Try the next directory.
    }
  }
  return undefined
}

export class Fencer {
  constructor(private readonly logger: Logger) {}

  /** Fences a node with the first device that succeeds; false when none did. */
  async fence(config: ResourceConfig, node: string, timeoutMs: number): Promise<boolean> {
    return (await this.fenceWith(config, node, timeoutMs)).ok
  }

  /** Fences a node with the first device that succeeds: which one, and the action it ran. */
  async fenceWith(config: ResourceConfig, node: string, timeoutMs: number): Promise<{ok: boolean, device: string | null, action: string}> {
    const devices = devicesFor(config, node)
    if (devices.length === 0) {
      this.logger.log('crit', 'fence-no-device', {node, hint: 'stonith-enabled is true but no fence device covers this node'})
      return {ok: false, device: null, action: 'reboot'}
    }
    let last: Primitive = devices[0]
    for (const device of devices) {
      last = device
      const name = device.agent.slice(device.agent.indexOf(':') + 1)
      const path = await locate(name)
      if (!path) {
        this.logger.log('error', 'fence-agent-missing', {device: device.id, agent: name, path: fenceSearchPath()})
        continue
      }
      const lines = Object.entries(device.params).filter(([k]) => !k.startsWith('pcmk_'))
        .map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`)
      const input = [`action=${device.params.pcmk_reboot_action ?? 'reboot'}`, `port=${node}`, `nodename=${node}`, ...lines].join('\n') + '\n'
      const started = Date.now()
      const result = await execa(path, [], {input, timeout: timeoutMs, reject: false, killSignal: 'SIGKILL', env: {LANG: 'C'}})
      const ok = result.exitCode === 0 && !result.timedOut
      this.logger.log(ok ? 'notice' : 'error', ok ? 'fence-done' : 'fence-failed', {
        node, device: device.id, agent: name, exit: result.exitCode ?? null, timed_out: result.timedOut, duration_ms: Date.now() - started,
        stderr: ok ? undefined : String(result.stderr).slice(0, 500),
      })
      if (ok) return {ok, device: device.id, action: device.params.pcmk_reboot_action ?? 'reboot'}
    }
    return {ok: false, device: last.id, action: last.params.pcmk_reboot_action ?? 'reboot'}
  }
}
