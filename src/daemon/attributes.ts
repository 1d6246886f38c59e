// A node's transient attributes (Pacemaker's attrd, lifetime=reboot): what agents
// write with crm_attribute / crm_master, promotion scores `master-RSC` above all.
// They live in this daemon's memory only: a restart starts with none, and the DC
// forgets a node's set when the node leaves its view. The whole set travels to the
// DC with every full report and whenever one changes (src/core/controller).
import {HactlError} from '../cli/errors.js'
import {ATTRIBUTE_NAME, ATTRIBUTE_VALUE_MAX, ATTRIBUTES_MAX} from '../core/controller/messages.js'

/** Checks a name and (when given) a value; throws a one-line error naming the bad one (exit 2). */
export function checkAttribute(name: unknown, value?: unknown): void {
  if (typeof name !== 'string' || !ATTRIBUTE_NAME.test(name)) {
    throw new HactlError('invalid-argument', `attribute name ${JSON.stringify(name)} is not valid: 1-128 characters of letters, digits, _ . : - (not starting with . : -)`, 2)
  }
  if (value === undefined) return
  if (typeof value !== 'string' || value.length > ATTRIBUTE_VALUE_MAX || value.includes('\0') || value.includes('\n')) {
    throw new HactlError('invalid-argument', `value of attribute ${name} is not valid: a single line of at most ${ATTRIBUTE_VALUE_MAX} characters`, 2)
  }
}

export class TransientAttributes {
  private readonly values = new Map<string, string>()

  get(name: string): string | undefined {
    return this.values.get(name)
  }

  /** Returns whether anything changed. */
  set(name: string, value: string): boolean {
    checkAttribute(name, value)
    if (this.values.get(name) === value) return false
    if (!this.values.has(name) && this.values.size >= ATTRIBUTES_MAX) {
      throw new HactlError('too-many-attributes', `this node already has ${ATTRIBUTES_MAX} transient attributes; delete some first`, 1)
    }
    this.values.set(name, value)
    return true
  }

  /** Returns whether anything changed. */
  delete(name: string): boolean {
    checkAttribute(name)
    return this.values.delete(name)
  }

  all(): Record<string, string> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
  }
}
