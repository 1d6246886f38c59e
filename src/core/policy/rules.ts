// Location rules: node attribute expressions, date expressions evaluated with
// the injected clock (UTC), and and/or of rules. Also when a rule's value can
// next change, so the engine says when to run again (recheckAtMs).
import type {DateRule, DateSpec, LocationRule, RuleExpression} from '../config/types.js'
import type {NodeInfo} from './model.js'

function compare(left: string, right: string): number {
  const a = Number(left)
  const b = Number(right)
  if (left.trim() !== '' && right.trim() !== '' && Number.isFinite(a) && Number.isFinite(b)) return a - b
  return left < right ? -1 : left > right ? 1 : 0
}

function attributeMatches(rule: LocationRule, node: NodeInfo): boolean {
  const value = rule.attribute === '#uname' ? node.name : node.attributes[rule.attribute]
  if (rule.operation === 'defined') return value !== undefined
  if (rule.operation === 'not_defined') return value === undefined
  // A node without the attribute is "not equal" to any value (Pacemaker: ne is true there); other comparisons are false.
  if (value === undefined) return rule.operation === 'ne'
  const c = compare(value, rule.value ?? '')
  switch (rule.operation) {
    case 'eq': return c === 0
    case 'ne': return c !== 0
    case 'lt': return c < 0
    case 'lte': return c <= 0
    case 'gt': return c > 0
    case 'gte': return c >= 0
  }
}

function inSpecRange(text: string | undefined, value: number): boolean {
  if (text === undefined) return true
  const dash = text.indexOf('-')
  if (dash < 0) return value === Number(text)
  return value >= Number(text.slice(0, dash)) && value <= Number(text.slice(dash + 1))
}

function specMatches(spec: DateSpec, ms: number): boolean {
  const d = new Date(ms)
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1)
  const yearday = Math.floor((ms - startOfYear) / 86_400_000) + 1
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay()
  return inSpecRange(spec.years, d.getUTCFullYear()) && inSpecRange(spec.months, d.getUTCMonth() + 1)
    && inSpecRange(spec.monthdays, d.getUTCDate()) && inSpecRange(spec.weekdays, weekday) && inSpecRange(spec.yeardays, yearday)
    && inSpecRange(spec.hours, d.getUTCHours()) && inSpecRange(spec.minutes, d.getUTCMinutes())
}

function dateMatches(rule: DateRule, nowMs: number): boolean {
  const start = rule.start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(rule.start)
  const end = rule.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(rule.end)
  switch (rule.date) {
    case 'gt': return nowMs > start
    case 'lt': return nowMs < end
    case 'in_range': return nowMs >= start && nowMs <= end
    case 'date_spec': return specMatches(rule.spec ?? {}, nowMs)
  }
}

/** Does the rule hold on this node at this time? */
export function ruleMatches(rule: RuleExpression, node: NodeInfo, nowMs: number): boolean {
  if ('booleanOp' in rule) return rule.booleanOp === 'and' ? rule.rules.every((r) => ruleMatches(r, node, nowMs)) : rule.rules.some((r) => ruleMatches(r, node, nowMs))
  if ('date' in rule) return dateMatches(rule, nowMs)
  return attributeMatches(rule, node)
}

/** How a rule reads in reasons and listings. */
export function describeRule(rule: RuleExpression): string {
  if ('booleanOp' in rule) return rule.rules.map((r) => ('booleanOp' in r ? `(${describeRule(r)})` : describeRule(r))).join(` ${rule.booleanOp} `)
  if ('date' in rule) {
    if (rule.date === 'date_spec') return `date-spec ${Object.entries(rule.spec ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`
    if (rule.date === 'gt') return `date gt ${rule.start}`
    if (rule.date === 'lt') return `date lt ${rule.end}`
    return `date in_range ${rule.start ?? '…'} to ${rule.end ?? '…'}`
  }
  // As pcs writes them: unary operations first (not_defined pingd), binary ones between (pingd lt 1).
  if (rule.value === undefined && (rule.operation === 'defined' || rule.operation === 'not_defined')) return `${rule.operation} ${rule.attribute}`
  return `${rule.attribute} ${rule.operation}${rule.value === undefined ? '' : ` ${rule.value}`}`
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The next boundary after ms at the granularity of the finest field the spec sets. */
function nextBoundary(spec: DateSpec, ms: number): number {
  const d = new Date(ms)
  if (spec.minutes !== undefined) return Math.floor(ms / MINUTE) * MINUTE + MINUTE
  if (spec.hours !== undefined) return Math.floor(ms / HOUR) * HOUR + HOUR
  if (spec.weekdays !== undefined || spec.monthdays !== undefined || spec.yeardays !== undefined) return Math.floor(ms / DAY) * DAY + DAY
  if (spec.months !== undefined) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1)
}

/** When a date expression next changes its value after nowMs, or -1 (never, or not within a year's steps). */
function nextDateChange(rule: DateRule, nowMs: number): number {
  if (rule.date !== 'date_spec') {
    const times = [rule.start === undefined ? Number.NaN : Date.parse(rule.start), rule.end === undefined ? Number.NaN : Date.parse(rule.end) + 1]
    const later = times.filter((t) => Number.isFinite(t) && t > nowMs)
    return later.length === 0 ? -1 : Math.min(...later)
  }
  const spec = rule.spec ?? {}
  const now = specMatches(spec, nowMs)
  let t = nowMs
  // At most a year of steps at the spec's granularity (525,600 minutes is too many: cap the scan).
  for (let i = 0; i < 2000; i++) {
    t = nextBoundary(spec, t)
    if (specMatches(spec, t) !== now) return t
  }
  return -1
}

/** The earliest time after nowMs at which the rule's value may change, or -1. */
export function nextRuleChange(rule: RuleExpression, nowMs: number): number {
  if ('booleanOp' in rule) {
    let next = -1
    for (const r of rule.rules) {
      const t = nextRuleChange(r, nowMs)
      if (t >= 0 && (next < 0 || t < next)) next = t
    }
    return next
  }
  if ('date' in rule) return nextDateChange(rule, nowMs)
  return -1
}
