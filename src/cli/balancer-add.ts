// `hactl resource add balancer`: the flags turned into one configuration edit
// (a group NAME-group of the VIP NAME-vip and the balancer NAME: one epoch).
import {isIPv4} from 'node:net'
import type {ConfigEdit} from '../core/config/edits.js'
import {parseHealthCheck} from '../core/balancer/health.js'
import {buildAddEdit, defaultOperations} from './resource-add.js'
import {inputError} from './errors.js'

export interface BalancerFlags {
  vip: string
  port: string
  to: string
  'target-port'?: string
  method?: string
  weight?: string[]
  check?: string
  'check-interval'?: string
  'check-timeout'?: string
  rise?: string
  fall?: string
  nic?: string
  op?: string[]
  meta?: string[]
  disabled: boolean
}

const METHODS = ['rr', 'weighted', 'source-hash', 'random']
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$/

function port(text: string, flag: string): string {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw inputError(`${flag} ${JSON.stringify(text)} is not a port 1..65535`)
  return String(Number(text))
}

function positive(text: string, flag: string, max: number): string {
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > max) throw inputError(`${flag} ${JSON.stringify(text)} is not a whole number 1..${max}`)
  return String(Number(text))
}

export function balancerEdit(name: string, flags: BalancerFlags): {edit: ConfigEdit, vipId: string, groupId: string} {
  if (!ID.test(name)) throw inputError(`balancer name ${JSON.stringify(name)} must be 1-40 letters, digits, _ . - (not starting with . or -)`)
  const [ip, cidrText, ...rest] = flags.vip.split('/')
  if (rest.length > 0 || !isIPv4(ip!)) throw inputError(`--vip ${JSON.stringify(flags.vip)} is not an IPv4 address with an optional /PREFIX (the balancer is IPv4 only)`)
  if (cidrText !== undefined && (!/^\d{1,2}$/.test(cidrText) || Number(cidrText) > 32)) throw inputError(`--vip ${JSON.stringify(flags.vip)}: prefix ${JSON.stringify(cidrText)} is not 0..32`)
  if (flags.nic !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(flags.nic)) throw inputError(`--nic ${JSON.stringify(flags.nic)} is not an interface name`)
  if (!ID.test(flags.to)) throw inputError(`--to ${JSON.stringify(flags.to)} is not a clone id`)
  const weights = flags.weight ?? []
  const method = flags.method ?? (weights.length > 0 ? 'weighted' : 'rr')
  if (!METHODS.includes(method)) throw inputError(`--method ${JSON.stringify(method)} is not one of ${METHODS.join(', ')}`)
  if (weights.length > 0 && method !== 'weighted') throw inputError(`--weight needs --method weighted (got --method ${method})`)
  for (const w of weights) {
    if (!/^[A-Za-z0-9_.-]+=\d{1,3}$/.test(w) || Number(w.split('=')[1]) < 1 || Number(w.split('=')[1]) > 100) throw inputError(`--weight ${JSON.stringify(w)} is not NODE=WEIGHT with a weight 1..100`)
  }
  const params: Record<string, string> = {vip: ip!, port: port(flags.port, '--port'), clone: flags.to, method}
  if (flags['target-port'] !== undefined) params.target_port = port(flags['target-port'], '--target-port')
  if (weights.length > 0) params.weights = weights.join(',')
  if (flags.check !== undefined) {
    const check = parseHealthCheck(flags.check)
    if (typeof check === 'string') throw inputError(check)
    params.check = flags.check
    if (flags['check-interval'] !== undefined) params.check_interval_ms = positive(flags['check-interval'], '--check-interval', 3_600_000)
    if (flags['check-timeout'] !== undefined) params.check_timeout_ms = positive(flags['check-timeout'], '--check-timeout', 600_000)
    if (flags.rise !== undefined) params.rise = positive(flags.rise, '--rise', 100)
    if (flags.fall !== undefined) params.fall = positive(flags.fall, '--fall', 100)
  } else {
    for (const f of ['check-interval', 'check-timeout', 'rise', 'fall'] as const) if (flags[f] !== undefined) throw inputError(`--${f} needs --check tcp|http:PATH[=CODE]`)
  }
  const vipId = `${name}-vip`
  const groupId = `${name}-group`
  const vipParams: Record<string, string> = {ip: ip!}
  if (cidrText !== undefined) vipParams.cidr_netmask = String(Number(cidrText))
  if (flags.nic !== undefined) vipParams.nic = flags.nic
  const vip = buildAddEdit(vipId, 'ocf:hactl:vip', vipParams, {group: groupId, disabled: flags.disabled})
  const balancer = buildAddEdit(name, 'ocf:hactl:balancer', params, {group: groupId, meta: flags.meta, op: flags.op, disabled: flags.disabled}, defaultOperations('5s'))
  return {edit: {op: 'batch', edits: [vip, balancer]}, vipId, groupId}
}
