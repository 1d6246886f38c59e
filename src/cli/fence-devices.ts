import type {Primitive, ResourceConfig} from '../core/config/types.js'
import {inputError} from './errors.js'

/** Parameters whose values are secrets: shown as *** by `stonith list|show`. */
const SECRET = /^(password|passwd|passwd_script|password_script|secret|key|community|identity_file)$/i

export function isFenceAgent(agent: string): boolean {
  return agent.startsWith('fence:') || agent.startsWith('stonith:')
}

/** `fence_ipmilan`, `fence:fence_ipmilan` or `stonith:fence_ipmilan` to the configured form `fence:fence_ipmilan`. */
export function fenceAgentId(text: string): string {
  const name = text.replace(/^(fence|stonith):/, '')
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw inputError(`fence agent ${JSON.stringify(text)} is not a fence agent name such as fence_ipmilan`)
  return `fence:${name}`
}

export function requireDevice(config: ResourceConfig, id: string): Primitive {
  const device = config.resources.find((r) => r.id === id)
  if (device && isFenceAgent(device.agent)) return device
  const devices = config.resources.filter((r) => isFenceAgent(r.agent)).map((r) => r.id)
  throw inputError(`${JSON.stringify(id)} is not a fence device${device ? ` (it is a ${device.agent} resource)` : ''}; fence devices: ${devices.join(', ') || 'none'}`, 'not-found')
}

/** Nodes a device fences: its pcmk_host_list, or every node. */
export function devicesFor(config: ResourceConfig, node: string): Primitive[] {
  return config.resources.filter((r) => isFenceAgent(r.agent) && (r.params.pcmk_host_list === undefined || r.params.pcmk_host_list.split(/[\s,]+/).includes(node)))
}

export interface DeviceView {id: string, agent: string, hosts: string[] | null, params: Record<string, string>, disabled: boolean}

export function deviceView(d: Primitive): DeviceView {
  return {
    id: d.id, agent: d.agent,
    hosts: d.params.pcmk_host_list ? d.params.pcmk_host_list.split(/[\s,]+/).filter(Boolean) : null,
    params: Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, SECRET.test(k) ? '***' : v])),
    disabled: d.meta['target-role'] === 'Stopped',
  }
}

/** Where the fencer looks for a fence agent (src/daemon/fencer.ts): HACTL_FENCE_PATH, /usr/sbin, /usr/local/sbin. */
export async function locateFenceAgent(agentId: string): Promise<string | undefined> {
  const {access, constants} = await import('node:fs/promises')
  const {join} = await import('node:path')
  const name = agentId.replace(/^(fence|stonith):/, '')
  const dirs = [...(process.env.HACTL_FENCE_PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin']
  for (const dir of dirs) {
    try {
      await access(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {
      // next directory
    }
  }
  return undefined
}
