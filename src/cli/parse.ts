import {isIP} from 'node:net'
import {parseDurationMs} from '../core/config/durations.js'
import {normalRole} from '../core/config/roles.js'
import {parseScore} from '../core/config/scores.js'
import type {NameValues, Operation, ScoreText} from '../core/config/types.js'
import {inputError} from './errors.js'

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/

/** KEY=VALUE arguments to a map. An empty value ("KEY=") is kept: edits treat it as "remove". */
export function parsePairs(args: string[], what: string): NameValues {
  const out: NameValues = {}
  for (const arg of args) {
    const at = arg.indexOf('=')
    if (at <= 0) throw inputError(`${what} ${JSON.stringify(arg)} is not KEY=VALUE`)
    const key = arg.slice(0, at)
    if (!NAME.test(key)) throw inputError(`${what} name ${JSON.stringify(key)} may contain only letters, digits, _ . - (at most 64)`)
    out[key] = arg.slice(at + 1)
  }
  return out
}

const OPERATION_FIELDS = new Set(['interval', 'timeout', 'on-fail', 'role'])

/** `--op "monitor interval=10s timeout=20s on-fail=restart OCF_CHECK_LEVEL=10"` to an Operation. */
export function parseOperation(text: string): Operation {
  const [name, ...rest] = text.trim().split(/\s+/)
  if (!name || !/^[a-z_-]{1,32}$/.test(name)) throw inputError(`--op ${JSON.stringify(text)} must start with an action name such as monitor`)
  const fields = parsePairs(rest, `--op ${name} attribute`)
  const op: Operation = {name, interval: fields.interval ?? '0'}
  for (const key of ['interval', 'timeout'] as const) {
    if (fields[key] !== undefined && parseDurationMs(fields[key]) === undefined) {
      throw inputError(`--op ${name} ${key}=${JSON.stringify(fields[key])} is not a duration such as 10s or 500ms`)
    }
  }
  if (fields.timeout !== undefined) op.timeout = fields.timeout
  if (fields['on-fail'] !== undefined) op.onFail = fields['on-fail']
  if (fields.role !== undefined) {
    const role = normalRole(fields.role)
    if (role === undefined) throw inputError(`--op ${name} role=${JSON.stringify(fields.role)} is not Promoted, Unpromoted or Started (Master and Slave are accepted)`)
    if (role !== 'Started') op.role = role
  }
  const extra = Object.fromEntries(Object.entries(fields).filter(([k]) => !OPERATION_FIELDS.has(k)))
  if (Object.keys(extra).length > 0) op.extra = extra
  return op
}

export function parseScoreArg(text: string, what: string): ScoreText {
  const value = parseScore(text)
  if (value === undefined) throw inputError(`${what} ${JSON.stringify(text)} is not an integer, INFINITY or -INFINITY`)
  return /INFINITY/.test(text) ? (text.startsWith('-') ? '-INFINITY' : 'INFINITY') : value
}

/** NODE or NODE=SCORE (constraint location … prefers/avoids). */
export function parseNodeScore(text: string): {node: string, score: ScoreText} {
  const at = text.indexOf('=')
  const node = at < 0 ? text : text.slice(0, at)
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/.test(node)) throw inputError(`node name ${JSON.stringify(node)} is not valid`)
  return {node, score: at < 0 ? 'INFINITY' : parseScoreArg(text.slice(at + 1), `score for ${node}`)}
}

export function requireIp(text: string, flag: string): void {
  if (isIP(text) === 0) throw inputError(`${flag} ${JSON.stringify(text)} is not an IPv4 or IPv6 address`)
}

/** NAME=ADDR[,ADDR2] for `cluster setup`. */
export function parseNodeAddress(text: string): {name: string, addrs: string[]} {
  const at = text.indexOf('=')
  if (at <= 0) throw inputError(`node ${JSON.stringify(text)} is not NAME=ADDR (e.g. n1=10.0.0.1)`)
  const name = text.slice(0, at)
  const addrs = text.slice(at + 1).split(',')
  for (const addr of addrs) requireIp(addr, `address of node ${name}`)
  return {name, addrs}
}

/** KEY=INTEGER utilization pairs (KEY= removes). */
export function parseUtilization(args: string[]): Record<string, string> {
  const values = parsePairs(args, 'utilization')
  if (Object.keys(values).length === 0) throw inputError('nothing to set: give KEY=INTEGER pairs')
  for (const [k, v] of Object.entries(values)) if (v !== '' && !/^\d+$/.test(v)) throw inputError(`utilization ${k}=${JSON.stringify(v)} is not a non-negative integer`)
  return values
}

/**
 * pcs's lifetime=DURATION (ISO 8601: P1D, PT1H30M, P1W, P1Y2M) from `now`: the end as an
 * ISO 8601 UTC time. Years and months are calendar ones, as Pacemaker adds them.
 */
export function lifetimeEnd(text: string, nowMs: number): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text)
  if (!m || text === 'P' || text.endsWith('T') || m.slice(1).every((v) => v === undefined)) {
    throw inputError(`lifetime ${JSON.stringify(text)} is not an ISO 8601 duration such as PT1H, PT30M, P1D or P1W`)
  }
  const [years, months, weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => Number(v ?? 0))
  const end = new Date(nowMs)
  end.setUTCFullYear(end.getUTCFullYear() + years, end.getUTCMonth() + months)
  const ms = end.getTime() + ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000
  if (ms <= nowMs) throw inputError(`lifetime ${JSON.stringify(text)} is empty: give a positive duration`)
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** pcs's trailing lifetime=DURATION word, or --lifetime; any other extra word is a mistake. */
export function lifetimeWord(argv: string[], flag: string | undefined): string | undefined {
  let lifetime = flag
  for (const word of argv.slice(2)) {
    if (!word.startsWith('lifetime=')) throw inputError(`${JSON.stringify(word)}: expected lifetime=DURATION (e.g. lifetime=PT1H) after the node`)
    if (lifetime !== undefined) throw inputError('lifetime given twice')
    lifetime = word.slice('lifetime='.length)
  }
  return lifetime
}
