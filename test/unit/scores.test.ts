import assert from 'node:assert/strict'
import {addScores, formatScore, INFINITY, parseScore} from '../../src/core/config/index.js'

describe('scores', () => {
  it('parses integers and both infinities', () => {
    assert.equal(parseScore('INFINITY'), INFINITY)
    assert.equal(parseScore('+INFINITY'), INFINITY)
    assert.equal(parseScore('-INFINITY'), -INFINITY)
    assert.equal(parseScore('-25'), -25)
    assert.equal(parseScore(7), 7)
    assert.equal(parseScore('5000000'), INFINITY)
    assert.equal(parseScore('1.5'), undefined)
    assert.equal(parseScore('high'), undefined)
  })

  it('saturates, and -INFINITY wins over +INFINITY', () => {
    assert.equal(addScores(INFINITY, -INFINITY), -INFINITY)
    assert.equal(addScores(-INFINITY, INFINITY), -INFINITY)
    assert.equal(addScores(900_000, 900_000), INFINITY)
    assert.equal(addScores(INFINITY, -5), INFINITY)
    assert.equal(addScores(10, -30), -20)
  })

  it('formats bounds as INFINITY', () => {
    assert.equal(formatScore(INFINITY), 'INFINITY')
    assert.equal(formatScore(-INFINITY), '-INFINITY')
    assert.equal(formatScore(42), 42)
  })
})
