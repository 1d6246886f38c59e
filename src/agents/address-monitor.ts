// The recurring monitor of a VIP without a fork: `os.networkInterfaces()` (the
// kernel's address list, through getifaddrs) says whether the address is on the
// interface. It only ever answers "running": when the address is not there, not
// on the right interface, or anything about the request is unusual, the agent
// itself runs as before, so every failure (and its exit code and reason) is still
// the agent's. A VIP monitored every 2 s thus costs no process spawn while healthy.
import {statSync} from 'node:fs'
import {networkInterfaces} from 'node:os'
import type {ActionRequest} from './executor.js'

/** hactl's vip takes these; IPaddr2 only with the interface and prefix given (it would otherwise look for them). */
const VIP_PARAMS = new Set(['ip', 'cidr_netmask', 'nic', 'broadcast', 'preferred_lft', 'nodad', 'unsolicited_na'])
const IPADDR2_PARAMS = new Set(['ip', 'cidr_netmask', 'nic'])

type Interfaces = ReturnType<typeof networkInterfaces>

/**
 * True when the request is a recurring monitor that the agent would surely answer
 * with success: the address is present, on `nic` when one is named (and, for
 * IPaddr2, with the configured prefix). False: run the agent.
 */
export function addressSurelyRunning(request: ActionRequest, interfaces: () => Interfaces = networkInterfaces): boolean {
  if (request.action !== 'monitor' || !((request.intervalMs ?? 0) > 0) || (request.checkLevel ?? 0) !== 0) return false
  const params = request.params ?? {}
  const names = Object.keys(params)
  const ip = params.ip
  if (!ip) return false
  if (request.agent === 'ocf:hactl:vip') {
    if (!names.every((n) => VIP_PARAMS.has(n))) return false
  } else if (request.agent === 'ocf:heartbeat:IPaddr2') {
    if (!names.every((n) => IPADDR2_PARAMS.has(n)) || !params.nic || !params.cidr_netmask || ip.includes(':')) return false
  } else return false
  for (const [name, entries] of Object.entries(interfaces())) {
    for (const entry of entries ?? []) {
      if (entry.address !== ip) continue
      if (params.nic && name !== params.nic) return false
      if (request.agent === 'ocf:heartbeat:IPaddr2' && entry.cidr?.split('/')[1] !== params.cidr_netmask) return false
      return true
    }
  }
  return false
}

/** The agent must still be installed and executable: otherwise the agent run reports it (not installed). */
export function agentPresent(program: string): boolean {
  try {
    const st = statSync(program)
    return st.isFile() && (st.mode & 0o111) !== 0
  } catch {
    return false
  }
}
