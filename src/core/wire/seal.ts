// Sealing and opening datagrams. node:crypto does the cryptography; it needs
// no I/O, so it may live in the core. Randomness (the GCM IV) is passed in by
// the caller, which gets it from crypto.randomBytes in the adapter.
import {createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual} from 'node:crypto'
import {CryptoMode, decodeHeader, HEADER_BYTES, HMAC_BYTES, IV_BYTES, MAGIC, MAX_PACKET_BYTES, MessageType, TAG_BYTES, WIRE_VERSION, writeHeader, type CryptoName, type DropReason, type Header} from './format.js'
import {ReplayGuard} from './replay.js'

export const AUTHKEY_MIN_BYTES = 32
export const AUTHKEY_MAX_BYTES = 4096

export interface Keys {
  mode: CryptoName
  cipher: Buffer
  mac: Buffer
}

/** Separate keys for encryption and authentication, bound to the cluster id. */
export function deriveKeys(mode: CryptoName, authkey: Buffer, clusterId: number): Keys {
  const salt = Buffer.alloc(4)
  salt.writeUInt32BE(clusterId >>> 0)
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', authkey, salt, info, 32))
  return {mode, cipher: derive('hactl aes-256-gcm v1'), mac: derive('hactl hmac-sha-256 v1')}
}

export interface Sealer {
  clusterId: number
  sender: number
  incarnation: number
  keys: Keys
}

/** Builds one datagram. `iv` must be 12 fresh random bytes for aes256gcm. */
export function seal(s: Sealer, type: number, seq: number, body: Buffer, iv: Buffer): Buffer {
  const header: Header = {version: WIRE_VERSION, type, clusterId: s.clusterId, sender: s.sender, crypto: CryptoMode[s.keys.mode], incarnation: s.incarnation, seq}
  if (s.keys.mode !== 'aes256gcm') {
    // header | body [| HMAC of both]
    const mac = s.keys.mode === 'hmac'
    const packet = Buffer.allocUnsafe(HEADER_BYTES + body.length + (mac ? HMAC_BYTES : 0))
    writeHeader(packet, header)
    body.copy(packet, HEADER_BYTES)
    if (mac) createHmac('sha256', s.keys.mac).update(packet.subarray(0, HEADER_BYTES + body.length)).digest().copy(packet, HEADER_BYTES + body.length)
    return packet
  }
  // One buffer for the datagram: header | IV | ciphertext | tag (GCM's ciphertext is as long as the body).
  const packet = Buffer.allocUnsafe(HEADER_BYTES + IV_BYTES + body.length + TAG_BYTES)
  writeHeader(packet, header)
  iv.copy(packet, HEADER_BYTES, 0, IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', s.keys.cipher, iv)
  cipher.setAAD(packet.subarray(0, HEADER_BYTES))
  let at = HEADER_BYTES + IV_BYTES
  at += cipher.update(body).copy(packet, at)
  at += cipher.final().copy(packet, at)
  cipher.getAuthTag().copy(packet, at)
  return packet
}

export interface OpenContext {
  clusterId: number
  selfId: number
  senders: ReadonlySet<number>
  keys: Keys
  replay: ReplayGuard
}

/** A duplicate is authentic: its sender is known (a multi-link node uses it for link state). */
export type Opened = {ok: true, header: Header, body: Buffer} | {ok: false, reason: DropReason, sender?: number}

const KNOWN_TYPES = new Set<number>(Object.values(MessageType))

function checkHeader(ctx: OpenContext, packet: Buffer): {header: Header} | {reason: DropReason} {
  if (packet.length > MAX_PACKET_BYTES) return {reason: 'oversized'}
  if (packet.length < HEADER_BYTES) return {reason: 'truncated'}
  const h = decodeHeader(packet)
  if (h.magic !== MAGIC) return {reason: 'bad-magic'}
  if (h.version !== WIRE_VERSION) return {reason: 'bad-version'}
  if (h.clusterId !== ctx.clusterId >>> 0) return {reason: 'foreign-cluster'}
  if (h.crypto !== CryptoMode[ctx.keys.mode]) return {reason: 'crypto-mismatch'}
  if (!KNOWN_TYPES.has(h.type)) return {reason: 'unknown-type'}
  if (h.sender === ctx.selfId) return {reason: 'own-packet'}
  if (!ctx.senders.has(h.sender)) return {reason: 'unknown-sender'}
  return {header: h}
}

function authenticate(keys: Keys, packet: Buffer): Buffer | DropReason {
  const header = packet.subarray(0, HEADER_BYTES)
  const rest = packet.subarray(HEADER_BYTES)
  if (keys.mode === 'none') return rest
  if (keys.mode === 'hmac') {
    if (rest.length < HMAC_BYTES) return 'truncated'
    const body = rest.subarray(0, rest.length - HMAC_BYTES)
    const expected = createHmac('sha256', keys.mac).update(header).update(body).digest()
    return timingSafeEqual(expected, rest.subarray(rest.length - HMAC_BYTES)) ? body : 'auth-failed'
  }
  if (rest.length < IV_BYTES + TAG_BYTES) return 'truncated'
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.cipher, rest.subarray(0, IV_BYTES))
    decipher.setAAD(header)
    decipher.setAuthTag(rest.subarray(rest.length - TAG_BYTES))
    const body = decipher.update(rest.subarray(IV_BYTES, rest.length - TAG_BYTES))
    // final() checks the tag; GCM returns nothing more from it.
    const tail = decipher.final()
    return tail.length === 0 ? body : Buffer.concat([body, tail])
  } catch {
    return 'auth-failed'
  }
}

/** The receive path: checks in order of cost, then authenticates, then the replay window. Never throws. */
export function open(ctx: OpenContext, packet: Buffer, now: number): Opened {
  try {
    const checked = checkHeader(ctx, packet)
    if ('reason' in checked) return {ok: false, reason: checked.reason}
    const body = authenticate(ctx.keys, packet)
    if (typeof body === 'string') return {ok: false, reason: body}
    const h = checked.header
    const verdict = ctx.replay.check(h.sender, h.incarnation, h.seq, now)
    if (verdict !== 'fresh') return {ok: false, reason: verdict, sender: h.sender}
    return {ok: true, header: h, body}
  } catch {
    return {ok: false, reason: 'malformed'}
  }
}
