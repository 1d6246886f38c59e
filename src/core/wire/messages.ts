// Binary bodies of the membership messages and of application payloads.
// Decoders check every length before reading and throw MalformedError, which
// the receive path turns into a counted drop.
import {AGE_MS_MAX, PHASES, type Heartbeat, type Message, type Proposal} from '../membership/types.js'
import {MAX_APP_PAYLOAD_BYTES, MessageType} from './format.js'

export class MalformedError extends Error {}

const MAX_MEMBERS = 255
const FRESH_BIT = 0x80000000
const ENTRY_BYTES = 12

function need(b: Buffer, bytes: number): void {
  if (b.length < bytes) throw new MalformedError(`body of ${b.length} bytes, expected at least ${bytes}`)
}

/** A duration as 16-bit milliseconds: rounded, clamped to 0..AGE_MS_MAX (infinite or NaN: the maximum). */
function ms16(ms: number): number {
  return Number.isFinite(ms) ? Math.min(AGE_MS_MAX, Math.max(0, Math.round(ms))) : AGE_MS_MAX
}

export function encodeHeartbeat(hb: Heartbeat): Buffer {
  const peers = hb.peers.slice(0, MAX_MEMBERS)
  const b = Buffer.alloc(9 + ENTRY_BYTES * peers.length)
  b.writeUInt32BE(hb.view.id, 0)
  b.writeUInt16BE(hb.view.coord, 4)
  b.writeUInt8(PHASES.indexOf(hb.phase), 6)
  b.writeUInt8((hb.seenAll ? 1 : 0) | (hb.promised ? 2 : 0), 7)
  b.writeUInt8(peers.length, 8)
  peers.forEach((p, i) => {
    const at = 9 + ENTRY_BYTES * i
    b.writeUInt16BE(p.id, at)
    b.writeUInt32BE(p.inc >>> 0, at + 2)
    b.writeUInt32BE(((p.seq & 0x7fffffff) | (p.fresh ? FRESH_BIT : 0)) >>> 0, at + 6)
    b.writeUInt16BE(ms16(p.heldMs), at + 10)
  })
  return b
}

export function decodeHeartbeat(b: Buffer): Heartbeat {
  need(b, 9)
  const phase = PHASES[b.readUInt8(6)]
  if (phase === undefined) throw new MalformedError('unknown phase')
  const count = b.readUInt8(8)
  if (b.length !== 9 + ENTRY_BYTES * count) throw new MalformedError(`heartbeat of ${b.length} bytes does not hold ${count} peers`)
  const peers = Array.from({length: count}, (_, i) => {
    const at = 9 + ENTRY_BYTES * i
    const word = b.readUInt32BE(at + 6)
    return {id: b.readUInt16BE(at), inc: b.readUInt32BE(at + 2), seq: word & 0x7fffffff, fresh: (word & FRESH_BIT) !== 0, heldMs: b.readUInt16BE(at + 10)}
  })
  return {type: 'heartbeat', view: {id: b.readUInt32BE(0), coord: b.readUInt16BE(4)}, phase, seenAll: (b.readUInt8(7) & 1) === 1, promised: (b.readUInt8(7) & 2) === 2, peers}
}

export function encodeProposal(p: Proposal): Buffer {
  const members = p.view.members
  if (members.length > MAX_MEMBERS) throw new RangeError('too many members')
  const b = Buffer.alloc(7 + 6 * members.length)
  b.writeUInt32BE(p.view.id, 0)
  b.writeUInt16BE(p.view.coord, 4)
  b.writeUInt8(members.length, 6)
  members.forEach((m, i) => {
    b.writeUInt16BE(m.id, 7 + 6 * i)
    b.writeUInt32BE(m.inc >>> 0, 9 + 6 * i)
  })
  return b
}

export function decodeProposal(b: Buffer): Proposal {
  need(b, 7)
  const count = b.readUInt8(6)
  if (b.length !== 7 + 6 * count) throw new MalformedError(`proposal of ${b.length} bytes does not hold ${count} members`)
  const members = Array.from({length: count}, (_, i) => ({id: b.readUInt16BE(7 + 6 * i), inc: b.readUInt32BE(9 + 6 * i)}))
  for (let i = 1; i < members.length; i++) if (members[i].id <= members[i - 1].id) throw new MalformedError('members not sorted by id')
  return {type: 'propose', view: {id: b.readUInt32BE(0), coord: b.readUInt16BE(4), members}}
}

/** An application payload: the destination node id (0 = every node) and opaque bytes. */
export interface AppBody {
  to: number
  payload: Buffer
}

export function encodeApp(body: AppBody): Buffer {
  if (body.payload.length > MAX_APP_PAYLOAD_BYTES) throw new RangeError(`application payload of ${body.payload.length} bytes exceeds ${MAX_APP_PAYLOAD_BYTES}`)
  const head = Buffer.alloc(2)
  head.writeUInt16BE(body.to, 0)
  return Buffer.concat([head, body.payload])
}

export function decodeApp(b: Buffer): AppBody {
  need(b, 2)
  return {to: b.readUInt16BE(0), payload: b.subarray(2)}
}

export function typeOf(msg: Message): number {
  return msg.type === 'heartbeat' ? MessageType.heartbeat : MessageType.propose
}

export function encodeMessage(msg: Message): Buffer {
  return msg.type === 'heartbeat' ? encodeHeartbeat(msg) : encodeProposal(msg)
}
