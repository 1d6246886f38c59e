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
