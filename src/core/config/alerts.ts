// Alerts in the replicated resource configuration (issue 13): Pacemaker's alerts
// section. An alert is an agent (an executable, e.g. Pacemaker's alert_file.sh.sample)
// run with the CRM_alert_* environment once per recipient for every selected event.
// This file is the whole of it for the configuration: schema part, type, edits.
import {parseDurationMs} from './durations.js'
import {ConfigError, show} from './errors.js'
import type {ResourceConfig} from './types.js'

export const ALERT_KINDS = ['nodes', 'fencing', 'resources', 'attributes'] as const
export type AlertKind = typeof ALERT_KINDS[number]

export interface AlertRecipient {
  id: string
  /** CRM_alert_recipient: a file, an address — whatever the agent takes. */
  value: string
}

export interface AlertEntry {
  id: string
  /** Absolute path of the agent. */
  path: string
  recipients: AlertRecipient[]
  /** Which kinds of event it receives; all when absent (Pacemaker's default). */
  select?: AlertKind[]
  /** How long one run may take (default 30s, Pacemaker's). */
  timeout?: string
  /** Pacemaker's alert instance attributes: passed to the agent as environment variables (e.g. debug_exec_order=true). */
  options?: Record<string, string>
}

const ALERT_ID = {type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$'}

/** The schema of the top-level `alerts` array. */
export const alertsSchema = {
  type: 'array',
  maxItems: 64,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'path', 'recipients'],
    properties: {
      id: ALERT_ID,
      path: {type: 'string', minLength: 2, maxLength: 4096, pattern: '^/'},
      recipients: {
        type: 'array', maxItems: 32,
        items: {type: 'object', additionalProperties: false, required: ['id', 'value'], properties: {id: ALERT_ID, value: {type: 'string', maxLength: 4096}}},
      },
      select: {type: 'array', uniqueItems: true, items: {enum: [...ALERT_KINDS]}},
      timeout: {type: 'string', maxLength: 32},
      options: {
        type: 'object', maxProperties: 32,
        propertyNames: {pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', not: {pattern: '^(CRM_alert_|PATH$|LD_)'}},
        additionalProperties: {type: 'string', maxLength: 1024},
      },
    },
  },
} as const

export type AlertEdit =
  | {op: 'alert.add', alert: AlertEntry}
  | {op: 'alert.remove', id: string}
  /** pcs alert recipient add ALERT value=V [id=ID]: the id defaults to ALERT-recipient-N. */
  | {op: 'alert.recipient.add', alert: string, value: string, id?: string}
  | {op: 'alert.recipient.remove', id: string}

/** Applies the alert edits; the caller validates the result. */
export function applyAlertEdit(config: ResourceConfig, change: AlertEdit): ResourceConfig {
  const alerts = config.alerts ?? []
  if (change.op === 'alert.recipient.add') {
    const alert = alerts.find((a) => a.id === change.alert)
    if (!alert) throw new ConfigError('not-found', `alert ${show(change.alert)} does not exist`)
    const taken = new Set(alerts.flatMap((a) => [a.id, ...a.recipients.map((r) => r.id)]))
    if (change.id !== undefined && taken.has(change.id)) throw new ConfigError('duplicate-id', `id ${show(change.id)} is already used`)
    if (alert.recipients.some((r) => r.value === change.value)) throw new ConfigError('duplicate-id', `alert ${show(alert.id)} already has recipient ${show(change.value)}`)
    let id = change.id
    for (let n = 1; id === undefined; n++) if (!taken.has(`${alert.id}-recipient-${n}`)) id = `${alert.id}-recipient-${n}`
    return {...config, alerts: alerts.map((a) => a === alert ? {...a, recipients: [...a.recipients, {id: id!, value: change.value}]} : a)}
  }
  if (change.op === 'alert.recipient.remove') {
    if (!alerts.some((a) => a.recipients.some((r) => r.id === change.id))) throw new ConfigError('not-found', `recipient ${show(change.id)} does not exist`)
    return {...config, alerts: alerts.map((a) => ({...a, recipients: a.recipients.filter((r) => r.id !== change.id)}))}
  }
  if (change.op === 'alert.add') {
    if (alerts.some((a) => a.id === change.alert.id)) throw new ConfigError('duplicate-id', `alert ${show(change.alert.id)} already exists`)
    return {...config, alerts: [...alerts, change.alert]}
  }
  if (!alerts.some((a) => a.id === change.id)) throw new ConfigError('not-found', `alert ${show(change.id)} does not exist`)
  return {...config, alerts: alerts.filter((a) => a.id !== change.id)}
}

/** Semantic checks beyond the schema; returns the first problem. */
export function alertProblem(config: ResourceConfig): string | undefined {
  for (const alert of config.alerts ?? []) {
    if (alert.timeout !== undefined) {
      const ms = parseDurationMs(alert.timeout)
      if (ms === undefined || ms <= 0 || ms > 3_600_000) return `alert ${show(alert.id)}: timeout ${show(alert.timeout)} is not a duration between 1ms and 1h`
    }
    const ids = new Set<string>()
    for (const r of alert.recipients) {
      if (ids.has(r.id)) return `alert ${show(alert.id)}: recipient id ${show(r.id)} is used twice`
      ids.add(r.id)
    }
  }
  return undefined
}
