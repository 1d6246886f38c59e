// Structured log lines on stderr: `<N>` syslog priority prefix (journald reads it
// as the level; SyslogLevelPrefix= is on by default), then logfmt key=value pairs.
export type Level = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'crit'

const PRIORITY: Record<Level, number> = {crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7}

export type Fields = Record<string, string | number | boolean | null | undefined | string[] | number[]>

/** Receives every event logged through a logger and its children, whatever the level limit (metrics, alerts, history). */
export type LogTap = (level: Level, event: string, fields: Fields) => void

function value(v: Fields[string]): string {
  const text = Array.isArray(v) ? v.join(',') : String(v)
  return /^[A-Za-z0-9_.:\/@+,-]+$/.test(text) ? text : JSON.stringify(text)
}

export interface Logger {
  log(level: Level, event: string, fields?: Fields): void
  child(fields: Fields): Logger
  /** Adds a tap; returns the function that removes it. A tap that throws is ignored. */
  tap(listener: LogTap): () => void
}

export function createLogger(base: Fields = {}, write: (line: string) => void = (line) => process.stderr.write(line), minimum: Level = 'info', taps: Set<LogTap> = new Set()): Logger {
  const limit = PRIORITY[(process.env.HACTL_LOG_LEVEL as Level) ?? minimum] ?? PRIORITY.info
  return {
    log(level, event, fields = {}) {
      for (const listener of taps) {
        try {
          listener(level, event, {...base, ...fields})
        } catch {
          // an observer never breaks the daemon
        }
      }
      if (PRIORITY[level] > limit) return
      const pairs = Object.entries({...base, ...fields}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${value(v)}`)
      write(`<${PRIORITY[level]}>${level} ${event}${pairs.length ? ` ${pairs.join(' ')}` : ''}\n`)
    },
    child(fields) {
      return createLogger({...base, ...fields}, write, minimum, taps)
    },
    tap(listener) {
      taps.add(listener)
      return () => { taps.delete(listener) }
    },
  }
}

/**
 * Rate limit for log lines that others can cause at will (packets that fail
 * authentication, foreign handshakes, malformed control requests): at most one
 * line per key (reason and peer address) every intervalMs; the next line that
 * passes carries how many were suppressed in between. The counters (`hactl
 * membership`) still count every drop. The number of keys is bounded: a sender
 * that varies its source address shares one overflow key per event.
 */
export class LogRateLimiter {
  private readonly last = new Map<string, {at: number, suppressed: number}>()

  constructor(private readonly intervalMs = 10_000, private readonly maxKeys = 1024) {}

  /** Returns the number of lines suppressed since the last one for this key when a line may be written now, undefined when it must not. */
  admit(event: string, key: string, now: number): number | undefined {
    let id = `${event}\u0000${key}`
    if (!this.last.has(id) && this.last.size >= this.maxKeys) {
      for (const [k, v] of this.last) if (now - v.at >= this.intervalMs && v.suppressed === 0) this.last.delete(k)
      if (this.last.size >= this.maxKeys) id = `${event}\u0000*`
    }
    const entry = this.last.get(id)
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++
      return undefined
    }
    const suppressed = entry?.suppressed ?? 0
    this.last.delete(id)
    this.last.set(id, {at: now, suppressed: 0})
    return suppressed
  }
}

/** Logs through a LogRateLimiter: the line gets `suppressed=N` when lines were left out. */
export function logLimited(logger: Logger, limiter: LogRateLimiter, now: number, level: Level, event: string, key: string, fields: Fields = {}): void {
  const suppressed = limiter.admit(event, key, now)
  if (suppressed === undefined) return
  logger.log(level, event, suppressed > 0 ? {...fields, suppressed} : fields)
}
