// What `--watch` and `--wait` write when stdout is not a terminal: plain lines,
// no cursor or clear-screen codes, and nothing printed twice in a row.

/** Lines of `next` that `previous` does not have (as many times as they are new), in `next`'s order. */
export function newLines(previous: readonly string[], next: readonly string[]): string[] {
  const left = new Map<string, number>()
  for (const line of previous) left.set(line, (left.get(line) ?? 0) + 1)
  const out: string[] = []
  for (const line of next) {
    const n = left.get(line) ?? 0
    if (n > 0) left.set(line, n - 1)
    else out.push(line)
  }
  return out
}

/** A status text without what changes on every poll (its time stamp). */
export function stableLines(text: string): string[] {
  return text.split('\n').filter((l) => !/^\s*Last updated:/.test(l))
}

/**
 * Follows successive texts and says what to write to a pipe: the whole first text,
 * then, for each change, the lines that are new, each prefixed by `stamp`;
 * nothing when the text has not changed.
 */
export class PlainFollower {
  private previous: string[] | undefined

  next(text: string, stamp: string): string[] {
    const lines = stableLines(text)
    const before = this.previous
    this.previous = lines
    if (before === undefined) return text.split('\n')
    return newLines(before, lines).filter((l) => l.trim() !== '').map((l) => `${stamp} ${l.trim()}`)
  }
}

/** Writes a progress line only when it differs from the last one written. */
export class DistinctLines {
  private last: string | undefined

  next(line: string): string | undefined {
    if (line === this.last) return undefined
    this.last = line
    return line
  }
}

/** HH:MM:SS of a time in milliseconds since the epoch, UTC. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}
