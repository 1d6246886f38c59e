// Messages come from authenticated peers, but a peer of another version (or a bug)
// may still send a shape we do not expect: such a message is dropped, never a crash.
import type {Message} from './types.js'

type Fields = Record<string, unknown>

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v)
const isVersion = (v: unknown): boolean => isObject(v) && isCount(v.epoch) && isCount(v.born)
const isPosition = (v: unknown): boolean => isVersion(v) && isCount((v as Fields).term)
const isDocument = (v: unknown): boolean => isObject(v) && isCount(v.epoch) && Array.isArray(v.resources) && Array.isArray(v.nodes)
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v)
const isEdits = (v: unknown): boolean => Array.isArray(v) && v.every(isObject)
const isSteps = (v: unknown): boolean => Array.isArray(v) && v.every((s) => isVersion(s) && isEdits((s as Fields).edits))

function isResult(v: unknown): boolean {
  if (!isObject(v)) return false
  return v.ok === true ? isDocument(v.config) : v.ok === false && isObject(v.error) && typeof v.error.message === 'string'
}

const CHECKS: Record<Message['type'], (m: Fields) => boolean> = {
  'sync-request': (m) => isCount(m.term) && isPosition(m.have),
  'sync-reply': (m) => isCount(m.promised) && isPosition(m.have) && optional(m.grants, isCount) && optional(m.config, isDocument),
  'append': (m) => isCount(m.term) && isVersion(m) && optional(m.base, isVersion) && optional(m.steps, isSteps)
    && optional(m.config, isDocument) && optional(m.commit, isVersion) && (m.config !== undefined || m.base !== undefined),
  'ack': (m) => isCount(m.term) && isVersion(m),
  'commit': (m) => isCount(m.term) && isVersion(m),
  'forward': (m) => typeof m.requestId === 'string' && isObject(m.edit) && optional(m.ifEpoch, isCount),
  'forward-reply': (m) => typeof m.requestId === 'string' && isResult(m.result),
}

/** True when a message has the shape its type promises (documents and edits are validated where applied). */
export function isWellFormed(message: unknown): message is Message {
  if (!isObject(message) || typeof message.type !== 'string' || !Object.hasOwn(CHECKS, message.type)) return false
  if (message.type !== 'forward-reply' && !isCount(message.viewId)) return false
  return CHECKS[message.type as Message['type']](message)
}
