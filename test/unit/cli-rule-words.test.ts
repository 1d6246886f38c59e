import assert from 'node:assert/strict'
import {parseRuleWords} from '../../src/cli/rule-words.js'
import {describeRule} from '../../src/core/policy/rules.js'

const words = (text: string) => text.split(' ')

describe('pcs location rule words', () => {
  it('reads pcs\'s expressions: unary and binary, and/or (and binds tighter), parentheses, dates', () => {
    assert.deepEqual(parseRuleWords(words('score=-INFINITY pingd lt 1 or not_defined pingd')), {
      score: '-INFINITY',
      expression: {booleanOp: 'or', rules: [{attribute: 'pingd', operation: 'lt', value: '1'}, {attribute: 'pingd', operation: 'not_defined'}]},
    })
    const mixed = parseRuleWords(words('a eq 1 or b eq 2 and c eq 3')).expression
    assert.equal(describeRule(mixed), 'a eq 1 or (b eq 2 and c eq 3)')
    assert.equal(describeRule(parseRuleWords(words('(a eq 1 or b eq 2) and c gte integer 3')).expression), '(a eq 1 or b eq 2) and c gte 3')
    assert.equal(describeRule(parseRuleWords(words('a eq 1 and ( b eq 2 and c eq 3 )')).expression), 'a eq 1 and b eq 2 and c eq 3', 'same operation flattened')
    assert.deepEqual(parseRuleWords(words('id=r1 role=Promoted date-spec hours=9-16 weekdays=1-5')), {id: 'r1', role: 'Promoted', expression: {date: 'date_spec', spec: {hours: '9-16', weekdays: '1-5'}}})
    assert.deepEqual(parseRuleWords(words('date in_range 2026-01-01 to 2026-12-31T18:00:00Z')).expression, {date: 'in_range', start: '2026-01-01', end: '2026-12-31T18:00:00Z'})
    assert.deepEqual(parseRuleWords(words('date gt 2026-01-01')).expression, {date: 'gt', start: '2026-01-01'})
    assert.deepEqual(parseRuleWords(words('site eq string lab')).expression, {attribute: 'site', operation: 'eq', value: 'lab'})
  })

  it('refuses mistakes with one line naming the word', () => {
    for (const [text, message] of [
      ['pingd foo 1', /rule operation "foo" \(after "pingd"\)/],
      ['pingd lt', /a value after pingd lt expected/],
      ['a eq 1 b eq 2', /unexpected "b" after a complete expression/],
      ['( a eq 1', /"\)" expected/],
      ['a eq 1 or', /an expression expected at the end/],
      ['date gt tomorrow', /"tomorrow" is not an ISO 8601 date/],
      ['date-spec hours=9-16 moon=1', /date-spec "moon" is not one of/],
      ['date-spec weeks=1', /date-spec "weeks" is not one of/],
      ['score-attribute=pingd pingd gt 0', /score-attribute is not supported/],
      ['', /a rule needs an expression/],
    ] as const) {
      assert.throws(() => parseRuleWords(text === '' ? [] : words(text)), message, text)
    }
  })
})

describe('pcs lifetime (ISO 8601 durations)', () => {
  it('adds calendar years and months, weeks, days and times; refuses what is not a duration', async () => {
    const {lifetimeEnd} = await import('../../src/cli/parse.js')
    const now = Date.parse('2026-01-31T10:00:00Z')
    assert.equal(lifetimeEnd('PT1H', now), '2026-01-31T11:00:00Z')
    assert.equal(lifetimeEnd('P1DT30M', now), '2026-02-01T10:30:00Z')
    assert.equal(lifetimeEnd('P1W', now), '2026-02-07T10:00:00Z')
    assert.equal(lifetimeEnd('P1Y', now), '2027-01-31T10:00:00Z')
    for (const bad of ['1h', 'P', 'PT', 'PT0S', 'P1H', '']) assert.throws(() => lifetimeEnd(bad, now), /lifetime/, bad)
  })
})
