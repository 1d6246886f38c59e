// The one reading of boolean values in hactl (properties, meta attributes,
// what-ifs, the daemon): Pacemaker's. "true", "yes", "on", "y" and "1" are
// true; "false", "no", "off", "n" and "0" are false (any case).
import {PROPERTIES} from './defaults.js'
import type {ResourceConfig} from './types.js'

const TRUE = new Set(['true', 'yes', 'on', 'y', '1'])
const FALSE = new Set(['false', 'no', 'off', 'n', '0'])

/** true, false, or undefined when the text is not a boolean. */
export function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined
  const t = text.trim().toLowerCase()
  if (TRUE.has(t)) return true
  if (FALSE.has(t)) return false
  return undefined
}

/** A boolean setting: its value when it is one, else the fallback. */
export function isTrue(text: string | undefined, fallback = false): boolean {
  return parseBoolean(text) ?? fallback
}

/** A boolean cluster property: the configured value, else hactl's default for it. */
export function booleanProperty(config: ResourceConfig, name: string): boolean {
  const fallback = parseBoolean(PROPERTIES[name]?.default) ?? false
  return isTrue(config.properties[name], fallback)
}
