import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {decodeHeartbeat, decodeProposal, deriveKeys, nextIncarnation, encodeHeartbeat, encodeProposal, MAX_PACKET_BYTES, MessageType, open, ReplayGuard, seal, WIRE_VERSION, type CryptoName, type OpenContext} from '../../src/core/wire/index.js'
import {seededRandom} from '../../src/core/random.js'

const key = randomBytes(64)

function pair(mode: CryptoName) {
  const keys = deriveKeys(mode, key, 77)
  const sealer = {clusterId: 77, sender: 2, incarnation: 5, keys}
  const ctx: OpenContext = {clusterId: 77, selfId: 1, senders: new Set([1, 2, 3]), keys, replay: new ReplayGuard(1000)}
  return {sealer, ctx}
}

const hb = encodeHeartbeat({type: 'heartbeat', view: {id: 9, coord: 1}, phase: 'usable', seenAll: true, promised: false, peers: [{id: 1, inc: 3, seq: 12345, fresh: true, heldMs: 12}, {id: 3, inc: 4, seq: 7, fresh: false, heldMs: 0}]})

describe('wire format', () => {
  it('heartbeats and proposals round-trip', () => {
    const back = decodeHeartbeat(hb)
    assert.deepEqual(back.peers, [{id: 1, inc: 3, seq: 12345, fresh: true, heldMs: 12}, {id: 3, inc: 4, seq: 7, fresh: false, heldMs: 0}])
    assert.equal(back.phase, 'usable')
    const view = {id: 4, coord: 1, members: [{id: 1, inc: 2}, {id: 5, inc: 9}]}
    assert.deepEqual(decodeProposal(encodeProposal({type: 'propose', view})).view, view)
  })

  for (const mode of ['aes256gcm', 'hmac', 'none'] as const) {
    it(`${mode}: seals, opens, and drops replays and duplicates`, () => {
      const {sealer, ctx} = pair(mode)
      const packet = seal(sealer, MessageType.heartbeat, 1, hb, randomBytes(12))
      const opened = open(ctx, packet, 0)
      assert.ok(opened.ok)
      assert.deepEqual(opened.ok && opened.body, hb)
      assert.deepEqual(open(ctx, packet, 1), {ok: false, reason: 'duplicate', sender: 2})
      for (let seq = 2; seq < 100; seq++) assert.ok(open(ctx, seal(sealer, MessageType.heartbeat, seq, hb, randomBytes(12)), 2).ok)
      assert.equal((open(ctx, packet, 3) as {reason: string}).reason, 'replayed')
    })
  }

  it('aes256gcm hides the body and authenticates the header', () => {
    const {sealer, ctx} = pair('aes256gcm')
    const packet = seal(sealer, MessageType.heartbeat, 1, hb, randomBytes(12))
    assert.equal(packet.includes(hb.subarray(9)), false)
    const tampered = Buffer.from(packet)
    tampered[13] ^= 1 // incarnation, in the clear but authenticated
    assert.deepEqual(open(ctx, tampered, 0), {ok: false, reason: 'auth-failed'})
  })

  it('drops and names every kind of bad packet, never throws', () => {
    const {sealer, ctx} = pair('aes256gcm')
    const good = seal(sealer, MessageType.heartbeat, 1, hb, randomBytes(12))
    const reason = (p: Buffer) => (open(ctx, p, 0) as {ok: boolean, reason?: string}).reason
    assert.equal(reason(good.subarray(0, 10)), 'truncated')
    assert.equal(reason(good.subarray(0, 30)), 'truncated')
    assert.equal(reason(Buffer.alloc(MAX_PACKET_BYTES + 1)), 'oversized')
    assert.equal(reason(Buffer.alloc(40)), 'bad-magic')
    assert.equal(reason(seal({...sealer, clusterId: 78}, MessageType.heartbeat, 1, hb, randomBytes(12))), 'foreign-cluster')
    assert.equal(reason(seal({...sealer, keys: deriveKeys('aes256gcm', randomBytes(64), 77)}, MessageType.heartbeat, 1, hb, randomBytes(12))), 'auth-failed')
    assert.equal(reason(seal({...sealer, keys: deriveKeys('hmac', key, 77)}, MessageType.heartbeat, 1, hb, randomBytes(12))), 'crypto-mismatch')
    assert.equal(reason(seal({...sealer, sender: 1}, MessageType.heartbeat, 1, hb, randomBytes(12))), 'own-packet')
    assert.equal(reason(seal({...sealer, sender: 9}, MessageType.heartbeat, 1, hb, randomBytes(12))), 'unknown-sender')
    assert.equal(reason(seal(sealer, 200, 1, hb, randomBytes(12))), 'unknown-type')
    const other = Buffer.from(good)
    other[2] = WIRE_VERSION + 1
    assert.equal(reason(other), 'bad-version')
    const random = seededRandom(1)
    for (let i = 0; i < 5000; i++) {
      const fuzz = Buffer.from(good)
      for (let k = random.int(1, 4); k > 0; k--) fuzz[random.int(0, fuzz.length - 1)] = random.int(0, 255)
      const result = open(ctx, fuzz.subarray(0, random.int(0, fuzz.length)), 0)
      if (result.ok) assert.deepEqual(result.body, hb)
    }
  })

  it('malformed bodies are refused by the decoders', () => {
    assert.throws(() => decodeHeartbeat(hb.subarray(0, hb.length - 1)), /does not hold/)
    assert.throws(() => decodeProposal(Buffer.from([0, 0, 0, 1, 0, 1, 2, 0, 5, 0, 0, 0, 1, 0, 3, 0, 0, 0, 1])), /sorted/)
  })

  it('an older incarnation is refused for good, however long the newer one is silent', () => {
    const guard = new ReplayGuard(1000)
    assert.equal(guard.check(2, 10, 1, 0), 'fresh')
    assert.equal(guard.check(2, 9, 500, 10), 'replayed')
    assert.equal(guard.check(2, 11, 1, 20), 'fresh')
    assert.equal(guard.check(2, 10, 2, 2000), 'replayed')
    assert.equal(guard.check(2, 10, 3, 10_000_000), 'replayed')
    assert.equal(guard.check(2, 11, 2, 10_000_000), 'fresh')
  })

  it('a restarted receiver refuses incarnations older than the ones it remembers', () => {
    const guard = new ReplayGuard(1000, new Map([[2, 10]]))
    assert.equal(guard.check(2, 9, 1, 0), 'replayed')
    assert.equal(guard.check(2, 10, 5, 0), 'fresh', 'the current incarnation starts a window')
    assert.equal(guard.check(2, 10, 5, 1), 'duplicate')
    assert.equal(guard.check(3, 1, 1, 0), 'fresh', 'a sender it never saw')
    assert.equal(guard.incarnationOf(2), 10)
  })

  it('a copy of a packet is a duplicate (link evidence) only shortly after the first copy', () => {
    const guard = new ReplayGuard(1000)
    for (let seq = 1; seq <= 10; seq++) assert.equal(guard.check(2, 10, seq, seq), 'fresh')
    assert.equal(guard.check(2, 10, 10, 500), 'duplicate')
    assert.equal(guard.check(2, 10, 9, 1009), 'duplicate')
    assert.equal(guard.check(2, 10, 9, 1010), 'replayed', 'a copy a token later is a recording')
    assert.equal(guard.check(2, 10, 10, 5000), 'replayed')
    assert.equal(guard.check(2, 10, 12, 5000), 'fresh', 'a gap is filled once')
    assert.equal(guard.check(2, 10, 11, 5001), 'fresh')
    assert.equal(guard.check(2, 10, 11, 5002), 'duplicate')
  })

  it('incarnations grow across restarts even when the clock steps back', () => {
    const now = Date.UTC(2026, 0, 1)
    const first = nextIncarnation(undefined, now)!
    assert.ok(first > 0)
    assert.equal(nextIncarnation(first, now - 3_600_000), first + 1, 'clock an hour back')
    assert.equal(nextIncarnation(first, now + 60_000), first + 600, 'clock ahead: wall-clock based')
    assert.equal(nextIncarnation(undefined, 0), 1, 'a clock before 2024 does not wrap')
    assert.equal(nextIncarnation(0xffffffff, now), undefined, 'exhausted')
  })
})
