// Seeded random mutations of valid packets and frames into every decoder that
// reads bytes from a socket. Nothing may throw out of the receive path, a
// decoder may only refuse with MalformedError, and a rejected packet must not
// change the replay window. A failing case names its seed and iteration.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {MembershipMachine, type MembershipConfig, type Message} from '../../src/core/membership/index.js'
import {seededRandom, type Random} from '../../src/core/random.js'
import {decodeApp, decodeHeartbeat, decodeProposal, deriveKeys, encodeApp, encodeHeartbeat, encodeProposal, MalformedError, MessageType, open, ReplayGuard, seal, type CryptoName, type OpenContext} from '../../src/core/wire/index.js'
import {FrameReader, MAX_FRAME_BYTES} from '../../src/daemon/peer-network.js'
import {parseRequest} from '../../src/daemon/control-server.js'

const SEEDS = [1, 2, 3]
const ROUNDS = 4000

function mutate(random: Random, input: Buffer): Buffer {
  let b = Buffer.from(input)
  for (let k = random.int(1, 4); k > 0; k--) {
    switch (random.int(0, 5)) {
      case 0: if (b.length) b[random.int(0, b.length - 1)] = random.int(0, 255); break
      case 1: if (b.length) b[random.int(0, b.length - 1)] ^= 1 << random.int(0, 7); break
      case 2: b = b.subarray(0, random.int(0, b.length)); break
      case 3: b = Buffer.concat([b, randomBytesOf(random, random.int(1, 40))]); break
      case 4: { const at = random.int(0, b.length); b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + random.int(1, 8)))]); break }
      default: { const at = random.int(0, b.length); b = Buffer.concat([b.subarray(0, at), randomBytesOf(random, random.int(1, 8)), b.subarray(at)]) }
    }
  }
  return b
}

function randomBytesOf(random: Random, n: number): Buffer {
  return Buffer.from(Array.from({length: n}, () => random.int(0, 255)))
}

const heartbeat = encodeHeartbeat({type: 'heartbeat', view: {id: 9, coord: 1}, phase: 'usable', seenAll: true, promised: false, peers: [{id: 1, inc: 3, seq: 12345, fresh: true, heldMs: 3}, {id: 3, inc: 4, seq: 7, fresh: false, heldMs: 0}]})
const proposal = encodeProposal({type: 'propose', view: {id: 10, coord: 1, members: [{id: 1, inc: 3}, {id: 2, inc: 5}, {id: 3, inc: 4}]}})
const app = encodeApp({to: 0, payload: Buffer.from('{"ch":"repl"}')})

/** A decoder either returns or throws MalformedError; anything else is a missing check. */
function decodeOrMalformed(decode: (b: Buffer) => unknown, body: Buffer, where: string): unknown {
  try {
    return decode(body)
  } catch (error) {
    assert.ok(error instanceof MalformedError, `${where}: ${decode.name} threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`)
    return undefined
  }
}

describe('fuzzing the receive path (seeded)', function () {
  this.timeout(120_000)

  for (const mode of ['aes256gcm', 'hmac', 'none'] as const satisfies readonly CryptoName[]) {
    it(`${mode}: open() never throws and a rejected packet never changes the replay window`, () => {
      for (const seed of SEEDS) {
        const random = seededRandom(seed)
        const key = randomBytes(64)
        const keys = deriveKeys(mode, key, 77)
        const guard = new ReplayGuard(250, new Map([[3, 2]]))
        const ctx: OpenContext = {clusterId: 77, selfId: 1, senders: new Set([1, 2, 3]), keys, replay: guard}
        let seq = 0
        let now = 0
        const valid: Buffer[] = []
        for (let i = 0; i < ROUNDS; i++) {
          now += random.int(0, 30)
          const sender = random.pick([2, 3])
          const inc = random.chance(0.05) ? random.int(1, 6) : 5
          const [type, body] = random.pick([[MessageType.heartbeat, heartbeat], [MessageType.propose, proposal], [MessageType.app, app]] as const)
          const packet = seal({clusterId: 77, sender, incarnation: inc, keys}, type, random.chance(0.8) ? ++seq : random.int(0, seq + 2), body, randomBytes(12))
          valid.push(packet)
          const input = random.chance(0.3) ? packet : random.chance(0.3) ? random.pick(valid) : mutate(random, random.pick(valid))
          const before = guard.snapshot()
          let result: ReturnType<typeof open>
          try {
            result = open(ctx, input, now)
          } catch (error) {
            assert.fail(`seed ${seed} round ${i}: open threw ${error}`)
          }
          if (!result.ok) {
            // open() turns an exception inside it into "malformed": none may happen.
            assert.notEqual(result.reason, 'malformed', `seed ${seed} round ${i}: open() caught an exception`)
            assert.equal(guard.snapshot(), before, `seed ${seed} round ${i}: a packet dropped as ${result.reason} changed the replay window`)
            continue
          }
          const where = `seed ${seed} round ${i}`
          if (result.header.type === MessageType.heartbeat) decodeOrMalformed(decodeHeartbeat, result.body, where)
          else if (result.header.type === MessageType.propose) decodeOrMalformed(decodeProposal, result.body, where)
          else decodeOrMalformed(decodeApp, result.body, where)
        }
      }
    })
  }

  it('body decoders refuse mutated bodies only with MalformedError', () => {
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      for (let i = 0; i < ROUNDS * 5; i++) {
        const where = `seed ${seed} round ${i}`
        decodeOrMalformed(decodeHeartbeat, mutate(random, heartbeat), where)
        decodeOrMalformed(decodeProposal, mutate(random, proposal), where)
        decodeOrMalformed(decodeApp, mutate(random, app), where)
      }
    }
  })

  it('the membership machine takes any decodable message from a configured peer without throwing', () => {
    const nodes = [1, 2, 3].map((id) => ({id, votes: 1}))
    const config: MembershipConfig = {selfId: 1, nodes, heartbeatMs: 50, tokenMs: 250, linkLossMs: 500, consensusMs: 100, settleMs: 50, pauseMs: 100,
      quorum: {nodes, twoNode: false, waitForAll: false, lastManStanding: false, lastManStandingWindowMs: 1000, autoTieBreaker: false}}
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      const machine = new MembershipMachine(config, 7)
      let now = 0
      let lastViewId = 0
      let views = 0
      const seqs = new Map<number, number>()
      for (let i = 0; i < ROUNDS * 5; i++) {
        now += random.int(0, 40)
        let msg: Message | undefined
        const body = random.chance(0.5) ? mutate(random, heartbeat) : mutate(random, proposal)
        try {
          msg = random.chance(0.5) ? decodeHeartbeat(body) : decodeProposal(body)
        } catch {
          msg = undefined
        }
        const from = random.int(1, 4)
        const seq = (seqs.get(from) ?? 0) + random.int(-2, 3)
        seqs.set(from, Math.max(seq, seqs.get(from) ?? 0))
        let ready
        try {
          ready = machine.step(msg ? {type: 'receive', packet: {from, inc: random.pick([1, 5, 5, 5, 9]), seq, msg}} : {type: 'tick'}, now)
        } catch (error) {
          assert.fail(`seed ${seed} round ${i}: the machine threw ${(error as Error).message}`)
        }
        for (const status of ready.notifications) {
          assert.ok(status.viewId >= lastViewId, `seed ${seed} round ${i}: view id went back from ${lastViewId} to ${status.viewId}`)
          if (status.viewId > lastViewId) views++
          lastViewId = status.viewId
        }
      }
      assert.ok(views > 0, `seed ${seed}: the fuzz reached no view installation (${views})`)
    }
  })

  it('the peer network\'s frame reader never throws and refuses an oversized length before buffering its body', () => {
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      for (let i = 0; i < 300; i++) {
        const frames: Buffer[] = []
        let errors = 0
        const reader = new FrameReader((body) => frames.push(body), () => errors++)
        let handshake = false
        reader.expect(26, () => {
          handshake = true
          reader.startFraming()
        })
        const stream: Buffer[] = [randomBytesOf(random, 26)]
        const sent: number[] = []
        for (let f = random.int(0, 5); f > 0; f--) {
          const body = randomBytesOf(random, random.int(16, 300))
          const head = Buffer.alloc(4)
          head.writeUInt32BE(body.length)
          stream.push(head, body)
          sent.push(body.length)
        }
        if (random.chance(0.3)) {
          const head = Buffer.alloc(4)
          head.writeUInt32BE(random.chance(0.5) ? MAX_FRAME_BYTES + 17 : random.int(0, 15))
          stream.push(head)
        }
        let all: Buffer = Buffer.concat(stream)
        if (random.chance(0.3)) all = mutate(random, all)
        // Random chunking, one-byte chunks included.
        for (let at = 0; at < all.length;) {
          const n = random.chance(0.2) ? 1 : random.int(1, 64)
          try {
            reader.push(all.subarray(at, at + n))
          } catch (error) {
            assert.fail(`seed ${seed} case ${i}: the frame reader threw ${error}`)
          }
          at += n
        }
        assert.ok(errors <= 1, `seed ${seed} case ${i}: one error at most`)
        if (handshake && errors === 0 && all.length === Buffer.concat(stream).length) assert.ok(frames.length <= sent.length)
      }
    }
  })

  it('control requests: mutated valid requests never make parseRequest throw, and only protocol methods pass', () => {
    const valid = ['{"id":1,"method":"status","params":{}}', '{"id":2,"method":"config.edit","params":{"edit":{"op":"property.set","values":{"a":"1"}},"ifEpoch":3}}',
      '{"id":3,"method":"resource.cleanup","params":{"id":"vip","node":"n1"}}']
    const known = new Set(['config.get', 'config.edit', 'status', 'cluster.state', 'membership', 'resource.cleanup', 'resource.restart', 'shutdown'])
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      for (let i = 0; i < ROUNDS * 5; i++) {
        const line = mutate(random, Buffer.from(random.pick(valid))).toString('utf8')
        const parsed = parseRequest(line)
        if (parsed.ok) {
          assert.ok(known.has(parsed.method), `seed ${seed} round ${i}: method ${parsed.method}`)
          assert.ok(Number.isSafeInteger(parsed.id) && parsed.id >= 0)
          assert.equal(Object.getPrototypeOf(parsed.params), Object.prototype)
        }
      }
    }
  })
})
