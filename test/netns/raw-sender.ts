// A hostile sender for netns tests: node --import tsx test/netns/raw-sender.ts --config FILE --authkey FILE --kind KIND --count N
// Kinds: garbage, truncated, oversized, foreign, wrongkey, replay (captures one
// real packet from the multicast group and sends it again N times),
// capture (records N real packets of node --from to the file --out, one hex line
// each, and sends nothing), replay-file (sends the packets of the file --in again).
import DgramAsPromised from 'dgram-as-promised'
import {randomBytes} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'
import {validateBootstrap} from '../../src/core/config/bootstrap.js'
import {deriveKeys, encodeHeartbeat, MessageType, seal} from '../../src/core/wire/index.js'

const {values} = parseArgs({options: {config: {type: 'string'}, kind: {type: 'string'}, count: {type: 'string'}, local: {type: 'string'}, to: {type: 'string'}, from: {type: 'string'}, out: {type: 'string'}, in: {type: 'string'}}})
const config = validateBootstrap(JSON.parse(await readFile(values.config!, 'utf8')))
const count = Number(values.count ?? 10)
const target = values.to ?? config.mcast_addr
const socket = DgramAsPromised.createSocket({type: 'udp4', reuseAddr: true})
await socket.bind({port: config.port, address: '0.0.0.0'})
if (values.local) {
  socket.setMulticastInterface(values.local)
  socket.addMembership(config.mcast_addr, values.local)
}
const hb = encodeHeartbeat({type: 'heartbeat', view: {id: 1, coord: 1}, phase: 'usable', seenAll: true, peers: []})
const sealer = (key: Buffer, clusterId = config.cluster_id) => ({clusterId, sender: config.nodes.at(-1)!.id, incarnation: 0xfffffff0, keys: deriveKeys(config.crypto, key, clusterId)})
const make = (i: number): Buffer => {
  switch (values.kind) {
    case 'garbage': return randomBytes(100 + i)
    case 'truncated': return seal(sealer(randomBytes(64)), MessageType.heartbeat, i + 1, hb, randomBytes(12)).subarray(0, 20)
    case 'oversized': return Buffer.alloc(64_000, 1)
    case 'foreign': return seal(sealer(randomBytes(64), config.cluster_id ^ 1), MessageType.heartbeat, i + 1, hb, randomBytes(12))
    case 'wrongkey': return seal(sealer(randomBytes(64)), MessageType.heartbeat, i + 1, hb, randomBytes(12))
    default: throw new Error(`unknown kind ${values.kind}`)
  }
}
let packets: Buffer[]
if (values.kind === 'capture') {
  const wanted = Number(values.from)
  const captured: Buffer[] = []
  await new Promise<void>((resolve) => {
    const onMessage = (msg: Buffer) => {
      if (msg.length < 24 || msg.readUInt16BE(8) !== wanted) return
      captured.push(Buffer.from(msg))
      if (captured.length < count) return
      socket.socket.off('message', onMessage)
      resolve()
    }
    socket.socket.on('message', onMessage)
  })
  await writeFile(values.out!, captured.map((p) => p.toString('hex')).join('\n') + '\n')
  await socket.close()
  process.stdout.write(`${JSON.stringify({captured: captured.length, from: wanted, incarnation: captured[0].readUInt32BE(12)})}\n`)
  process.exit(0)
} else if (values.kind === 'replay-file') {
  packets = (await readFile(values.in!, 'utf8')).split('\n').filter((l) => l !== '').map((l) => Buffer.from(l, 'hex'))
} else if (values.kind === 'replay') {
  // Capture a packet of the last node, so that the others see it replayed.
  const wanted = config.nodes.at(-1)!.id
  const captured = await new Promise<Buffer>((resolve) => {
    const onMessage = (msg: Buffer) => {
      if (msg.length < 24 || msg.readUInt16BE(8) !== wanted) return
      socket.socket.off('message', onMessage)
      resolve(Buffer.from(msg))
    }
    socket.socket.on('message', onMessage)
  })
  await new Promise((r) => setTimeout(r, 300))
  packets = Array.from({length: count}, () => captured)
} else {
  packets = Array.from({length: count}, (_, i) => make(i))
}
for (const p of packets) await socket.send(p, config.port, target)
await socket.close()
process.stdout.write(`${JSON.stringify({sent: packets.length, kind: values.kind})}\n`)
