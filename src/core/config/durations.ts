// Pacemaker-style durations: "10s", "500ms", "2m", "1h", or a bare number of seconds.
const DURATION = /^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/

const UNIT_MS: Record<string, number> = {ms: 1, msec: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000}

/** Parses a duration to milliseconds; undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim())
  if (!match) return undefined
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']
}
