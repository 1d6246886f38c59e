// Times for people: durations as "1.5 s", "3 min 20 s", "2 h 5 min", "4 d 3 h"
// instead of raw milliseconds, and instants as ISO times.

/** A non-negative duration in milliseconds as text: the two largest units that matter. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const sign = ms < 0 ? '-' : ''
  const abs = Math.abs(ms)
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`
  if (abs < 60_000) {
    const s = abs / 1000
    return `${sign}${Number.isInteger(s) ? s : s.toFixed(s < 10 ? 1 : 0)} s`
  }
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]]
  const parts: string[] = []
  let rest = Math.round(abs / 1000) * 1000
  for (const [name, size] of units) {
    if (rest >= size || parts.length > 0) {
      const n = Math.floor(rest / size)
      rest -= n * size
      if (n > 0 || parts.length > 0) parts.push(`${n} ${name}`)
    }
    if (parts.length === 2) break
  }
  return sign + parts.filter((p) => !p.startsWith('0 ')).join(' ')
}

/** "5 min ago" / "in 3 s" for an instant relative to now. */
export function relativeTime(atMs: number, nowMs: number): string {
  const delta = atMs - nowMs
  return delta <= 0 ? `${humanDuration(-delta)} ago` : `in ${humanDuration(delta)}`
}

/** Human size: 1234 -> "1.2 kB". */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * Rewrites the engine's raw times in rendered text ("until 1795664420584ms",
 * "Recheck at 1795664420584ms") as durations from `nowMs`, with the clock time
 * when nowMs is a real clock (the live cluster) rather than a simulated one from 0.
 */
export function humanizeTimes(text: string, nowMs: number): string {
  const real = nowMs > 1e12
  const clock = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`
  return text
    .replace(/\buntil (\d+)ms\b/g, (_, ms: string) => real ? `until ${clock(Number(ms))} (${relativeTime(Number(ms), nowMs)})` : `for another ${humanDuration(Number(ms) - nowMs)}`)
    .replace(/\bRecheck at (\d+)ms\b/g, (_, ms: string) => `Recheck ${relativeTime(Number(ms), nowMs)}${real ? ` (${clock(Number(ms))})` : ''}`)
}
