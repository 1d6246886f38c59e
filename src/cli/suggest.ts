// "Did you mean …?" for mistyped commands and flags: the closest known name by
// edit distance, when it is close enough to be a typo.

/** Levenshtein distance, with a transposition counted as one edit (stauts -> status). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The closest candidate within max(2, a third of the length) edits, or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const distance = editDistance(word, c)
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && c < best)) {
      best = c
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

/**
 * For a command id that does not exist (`resource updat`): the suggestion among
 * ids, comparing the whole id first, then the words typed so far.
 */
export function suggestCommand(id: string, ids: readonly string[]): string | undefined {
  const whole = closest(id, ids)
  if (whole) return whole
  // `resource updat x` arrives as resource:updat:x: try its prefixes.
  const words = id.split(':')
  for (let n = words.length - 1; n >= 1; n--) {
    const prefix = words.slice(0, n).join(':')
    const hit = closest(prefix, ids)
    if (hit) return hit
  }
  return undefined
}
