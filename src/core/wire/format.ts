// hactl's datagram format. Every packet starts with a fixed 24-byte header,
// sent in the clear and authenticated (it is the AES-GCM associated data, or
// covered by the HMAC):
//
//   0  magic "HA"            2 bytes
//   2  version               1 byte   (WIRE_VERSION)
//   3  message type          1 byte   (MessageType: append-only)
//   4  cluster id            4 bytes  (cluster.json cluster_id)
//   8  sender node id        2 bytes
//  10  crypto mode           1 byte   (0 none, 1 hmac, 2 aes256gcm)
//  11  reserved              1 byte   (0)
//  12  sender incarnation    4 bytes  (changes on every process start)
//  16  sequence number       8 bytes  (per incarnation, starts at 1, only grows)
//
// then, by crypto mode: aes256gcm: 12-byte IV | ciphertext | 16-byte tag;
// hmac: body | 32-byte HMAC-SHA-256 of header and body; none: body.
// Integers are big-endian.

export const MAGIC = 0x4841
/** 2: heartbeat entries carry heldMs (12 bytes each); a version-1 node drops them as bad-version, counted. */
export const WIRE_VERSION = 2
export const HEADER_BYTES = 24
export const IV_BYTES = 12
export const TAG_BYTES = 16
export const HMAC_BYTES = 32
/** Largest application payload sendApp accepts. */
export const MAX_APP_PAYLOAD_BYTES = 60 * 1024
/** Largest datagram we send or accept (a UDP datagram holds 65,507 bytes). */
export const MAX_PACKET_BYTES = 62 * 1024

/** ONLY APPEND TO THIS LIST: the numbers are part of the protocol. */
export const MessageType = {
  heartbeat: 1,
  propose: 2,
  app: 3,
} as const
export type MessageTypeName = keyof typeof MessageType

export const CryptoMode = {none: 0, hmac: 1, aes256gcm: 2} as const
export type CryptoName = keyof typeof CryptoMode

export interface Header {
  version: number
  type: number
  clusterId: number
  sender: number
  crypto: number
  incarnation: number
  seq: number
}

export function encodeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_BYTES)
  writeHeader(b, h)
  return b
}

const TWO_32 = 0x1_0000_0000

/** Writes a header into b[0, HEADER_BYTES). The sequence number as two 32-bit halves: no BigInt per packet. */
export function writeHeader(b: Buffer, h: Header): void {
  b.writeUInt16BE(MAGIC, 0)
  b.writeUInt8(h.version, 2)
  b.writeUInt8(h.type, 3)
  b.writeUInt32BE(h.clusterId >>> 0, 4)
  b.writeUInt16BE(h.sender, 8)
  b.writeUInt8(h.crypto, 10)
  b.writeUInt8(0, 11)
  b.writeUInt32BE(h.incarnation >>> 0, 12)
  if (Number.isSafeInteger(h.seq) && h.seq >= 0) {
    b.writeUInt32BE(Math.floor(h.seq / TWO_32), 16)
    b.writeUInt32BE(h.seq % TWO_32, 20)
  } else b.writeBigUInt64BE(BigInt(h.seq), 16)
}

/** Reads a header from a buffer already known to hold HEADER_BYTES. */
export function decodeHeader(b: Buffer): Header & {magic: number} {
  return {
    magic: b.readUInt16BE(0),
    version: b.readUInt8(2),
    type: b.readUInt8(3),
    clusterId: b.readUInt32BE(4),
    sender: b.readUInt16BE(8),
    crypto: b.readUInt8(10),
    incarnation: b.readUInt32BE(12),
    // hi * 2^32 is exact and the sum is rounded once: the same number as Number(readBigUInt64BE).
    seq: b.readUInt32BE(16) * TWO_32 + b.readUInt32BE(20),
  }
}

/** Why a packet was dropped. Each reason has its own counter. */
export const DROP_REASONS = [
  'truncated', 'oversized', 'bad-magic', 'bad-version', 'foreign-cluster', 'crypto-mismatch',
  'unknown-type', 'unknown-sender', 'own-packet', 'auth-failed', 'duplicate', 'replayed', 'malformed', 'not-for-us',
] as const
export type DropReason = typeof DROP_REASONS[number]
