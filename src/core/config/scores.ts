import type {ScoreText} from './types.js'

// Pacemaker's scores: INFINITY is 1,000,000, arithmetic saturates, and
// -INFINITY wins over +INFINITY.
export const INFINITY = 1_000_000
export const MINUS_INFINITY = -INFINITY

const INTEGER = /^[+-]?\d+$/

/** Parses a score; returns undefined when the text is neither an integer nor ±INFINITY. */
export function parseScore(text: ScoreText | string): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) ? clampScore(text) : undefined
  const trimmed = text.trim()
  if (trimmed === 'INFINITY' || trimmed === '+INFINITY') return INFINITY
  if (trimmed === '-INFINITY') return MINUS_INFINITY
  if (!INTEGER.test(trimmed)) return undefined
  return clampScore(Number(trimmed))
}

export function clampScore(value: number): number {
  return Math.max(MINUS_INFINITY, Math.min(INFINITY, value))
}

/** Saturating addition; -INFINITY dominates +INFINITY. */
export function addScores(a: number, b: number): number {
  if (a <= MINUS_INFINITY || b <= MINUS_INFINITY) return MINUS_INFINITY
  if (a >= INFINITY || b >= INFINITY) return INFINITY
  return clampScore(a + b)
}

/** The canonical written form: INFINITY/-INFINITY at the bounds, an integer otherwise. */
export function formatScore(value: number): ScoreText {
  if (value >= INFINITY) return 'INFINITY'
  if (value <= MINUS_INFINITY) return '-INFINITY'
  return value
}
