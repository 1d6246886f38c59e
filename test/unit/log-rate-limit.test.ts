import assert from 'node:assert/strict'
import {createLogger, LogRateLimiter, logLimited} from '../../src/daemon/logger.js'

describe('rate-limited log lines', () => {
  it('one line per event and key per interval, then the count of what was left out', () => {
    const lines: string[] = []
    const logger = createLogger({}, (l) => lines.push(l))
    const limiter = new LogRateLimiter(1000)
    for (let t = 0; t < 1000; t += 10) logLimited(logger, limiter, t, 'warning', 'packet-dropped', 'auth-failed 10.0.0.9', {from: '10.0.0.9'})
    logLimited(logger, limiter, 5, 'warning', 'packet-dropped', 'auth-failed 10.0.0.8', {from: '10.0.0.8'})
    assert.equal(lines.length, 2)
    logLimited(logger, limiter, 1000, 'warning', 'packet-dropped', 'auth-failed 10.0.0.9', {from: '10.0.0.9'})
    assert.equal(lines.length, 3)
    assert.match(lines[2], /from=10\.0\.0\.9 suppressed=99\n$/)
  })

  it('a sender that varies its address cannot grow the table: it shares an overflow key', () => {
    const limiter = new LogRateLimiter(1000, 16)
    let admitted = 0
    for (let i = 0; i < 10_000; i++) if (limiter.admit('packet-dropped', `10.0.${i >> 8}.${i & 255}`, i / 100) !== undefined) admitted++
    assert.ok(admitted <= 16 + 1 + 2, `admitted ${admitted}`)
    assert.ok((limiter as unknown as {last: Map<string, unknown>}).last.size <= 17)
  })
})
