// pcs's location rule words (pcs constraint location R rule [options] EXPRESSION)
// read into the configuration's rule expressions:
//   defined|not_defined ATTR
//   ATTR lt|gt|lte|gte|eq|ne [string|integer|number|version] VALUE
//   date gt|lt DATE,  date in_range DATE to DATE,  date-spec KEY=VALUE...
//   EXPR and|or EXPR,  ( EXPR )
// `and` binds tighter than `or`, as in most languages (Pacemaker's rules have one
// boolean-op each, so a mix nests). Every mistake is a one-line input error.
import type {DateSpec, LocationRuleOperation, RuleExpression} from '../core/config/types.js'
import {inputError} from './errors.js'

const BINARY = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const
const TYPES = new Set(['string', 'integer', 'number', 'version'])
const SPEC_KEYS: ReadonlyArray<keyof DateSpec> = ['years', 'months', 'monthdays', 'weekdays', 'yeardays', 'hours', 'minutes']
const KEYWORDS = new Set(['and', 'or', '(', ')'])

/** Splits parentheses off their words: "(pingd" -> "(", "pingd". */
function tokens(words: readonly string[]): string[] {
  const out: string[] = []
  for (const word of words) {
    let w = word
    while (w.startsWith('(') && w.length > 1) {
      out.push('(')
      w = w.slice(1)
    }
    const closing: string[] = []
    while (w.endsWith(')') && w.length > 1) {
      closing.push(')')
      w = w.slice(0, -1)
    }
    out.push(w, ...closing)
  }
  return out
}

function isDate(text: string | undefined): text is string {
  return text !== undefined && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text))
}

class RuleReader {
  private at = 0
  constructor(private readonly words: string[]) {}

  read(): RuleExpression {
    if (this.words.length === 0) throw inputError('a rule needs an expression: ATTRIBUTE OP VALUE, defined ATTRIBUTE, date ..., joined with and/or')
    const expression = this.or()
    if (this.at < this.words.length) throw inputError(`rule: unexpected ${JSON.stringify(this.words[this.at])} after a complete expression (join expressions with and/or)`)
    return expression
  }

  private peek(): string | undefined {
    return this.words[this.at]
  }

  private next(what: string): string {
    const word = this.words[this.at++]
    if (word === undefined) throw inputError(`rule: ${what} expected at the end`)
    return word
  }

  private or(): RuleExpression {
    return this.joined('or', () => this.and())
  }

  private and(): RuleExpression {
    return this.joined('and', () => this.factor())
  }

  private joined(op: 'and' | 'or', part: () => RuleExpression): RuleExpression {
    const rules = [part()]
    while (this.peek() === op) {
      this.at++
      rules.push(part())
    }
    if (rules.length === 1) return rules[0]
    // a and (b and c) is one and of three: fewer levels (Pacemaker nests rules four deep at most).
    return {booleanOp: op, rules: rules.flatMap((r) => 'booleanOp' in r && r.booleanOp === op ? r.rules : [r])}
  }

  private factor(): RuleExpression {
    const word = this.next('an expression')
    if (word === '(') {
      const inner = this.or()
      if (this.next('")"') !== ')') throw inputError(`rule: ")" expected, not ${JSON.stringify(this.words[this.at - 1])}`)
      return inner
    }
    if (word === ')' || word === 'and' || word === 'or') throw inputError(`rule: an expression expected, not ${JSON.stringify(word)}`)
    if (word === 'defined' || word === 'not_defined') return {attribute: this.attribute(), operation: word}
    if (word === 'date') return this.date()
    if (word === 'date-spec') return this.dateSpec()
    const operation = this.next(`an operation after ${JSON.stringify(word)}`)
    if (!(BINARY as readonly string[]).includes(operation)) {
      throw inputError(`rule operation ${JSON.stringify(operation)} (after ${JSON.stringify(word)}) is not one of ${BINARY.join(', ')}; unary ones come first: defined ATTRIBUTE, not_defined ATTRIBUTE`)
    }
    let value = this.next(`a value after ${word} ${operation}`)
    if (TYPES.has(value) && this.peek() !== undefined && !KEYWORDS.has(this.peek()!)) value = this.next('a value')
    if (KEYWORDS.has(value)) throw inputError(`rule: a value expected after ${word} ${operation}, not ${JSON.stringify(value)}`)
    return {attribute: word, operation: operation as LocationRuleOperation, value}
  }

  private attribute(): string {
    const name = this.next('a node attribute name')
    if (KEYWORDS.has(name)) throw inputError(`rule: a node attribute name expected, not ${JSON.stringify(name)}`)
    return name
  }

  private date(): RuleExpression {
    const op = this.next('gt, lt or in_range after date')
    if (op === 'gt' || op === 'lt') {
      const when = this.next(`a date after date ${op}`)
      if (!isDate(when)) throw inputError(`rule: ${JSON.stringify(when)} is not an ISO 8601 date (2026-12-31 or 2026-12-31T18:00:00Z)`)
      return op === 'gt' ? {date: 'gt', start: when} : {date: 'lt', end: when}
    }
    if (op !== 'in_range') throw inputError(`rule: date ${JSON.stringify(op)} is not gt, lt or in_range`)
    const start = this.next('a start date after in_range')
    if (this.next('"to"') !== 'to') throw inputError('rule: date in_range START to END')
    const end = this.next('an end date after to')
    if (end === 'duration') throw inputError('rule: date in_range … to duration is not supported; give the end date')
    for (const d of [start, end]) if (!isDate(d)) throw inputError(`rule: ${JSON.stringify(d)} is not an ISO 8601 date (2026-12-31 or 2026-12-31T18:00:00Z)`)
    return {date: 'in_range', start, end}
  }

  private dateSpec(): RuleExpression {
    const spec: DateSpec = {}
    while (this.peek() !== undefined && this.peek()!.includes('=')) {
      const word = this.next('KEY=VALUE')
      const [key, value] = [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      if (!(SPEC_KEYS as readonly string[]).includes(key)) throw inputError(`rule: date-spec ${JSON.stringify(key)} is not one of ${SPEC_KEYS.join(', ')}`)
      if (!/^\d+(-\d+)?$/.test(value)) throw inputError(`rule: date-spec ${key}=${JSON.stringify(value)} is not a number or a range A-B`)
      spec[key as keyof DateSpec] = value
    }
    if (Object.keys(spec).length === 0) throw inputError('rule: date-spec needs KEY=VALUE (hours=9-16 weekdays=1-5, …)')
    return {date: 'date_spec', spec}
  }
}

export interface RuleWords {
  expression: RuleExpression
  score?: string
  role?: string
  id?: string
}

/** `[id=ID] [role=ROLE] [score=S] EXPRESSION...` as pcs writes a location rule. */
export function parseRuleWords(words: readonly string[]): RuleWords {
  const rest = [...words]
  const out: Partial<RuleWords> = {}
  while (rest[0] !== undefined && /^(id|role|score|score-attribute)=/.test(rest[0])) {
    const word = rest.shift()!
    const key = word.slice(0, word.indexOf('='))
    const value = word.slice(word.indexOf('=') + 1)
    if (key === 'score-attribute') throw inputError('rule: score-attribute is not supported; give score=S')
    if (value === '') throw inputError(`rule: ${key}= needs a value`)
    out[key as 'id' | 'role' | 'score'] = value
  }
  return {...out, expression: new RuleReader(tokens(rest)).read()}
}
