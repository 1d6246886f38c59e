import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {createConnection} from 'node:net'
import {createLogger} from '../../src/daemon/logger.js'
import {PeerNetwork} from '../../src/daemon/peer-network.js'

const quiet = createLogger({}, () => undefined)

function pair(keyA: Buffer, keyB: Buffer, base: number, clusterB = 7) {
  const a = {id: 1, host: '127.0.0.1', port: base}
  const b = {id: 2, host: '127.0.0.1', port: base + 1}
  return [
    new PeerNetwork({self: a, peers: [b], clusterId: 7, key: keyA, logger: quiet}),
    new PeerNetwork({self: b, peers: [a], clusterId: clusterB, key: keyB, logger: quiet}),
  ] as const
}

describe('peer network (authenticated TCP between daemons)', () => {
  const started: PeerNetwork[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.stop()))
  })
  const base = 20_000 + Math.floor(Math.random() * 20_000)

  it('delivers messages in order both ways, large ones included', async () => {
    const key = randomBytes(32)
    const [a, b] = pair(key, key, base)
    started.push(a, b)
    await a.start()
    await b.start()
    const received: unknown[] = []
    b.on('message', (from, m) => received.push([from, m]))
    const big = 'x'.repeat(3 * 1024 * 1024)
    for (let i = 0; i < 50; i++) a.send(2, {i})
    a.send(2, {big})
    const [from, back] = await new Promise<[number, unknown]>((resolve) => {
      a.on('message', (f, m) => resolve([f, m]))
      b.send(1, {hello: 'a'})
    })
    assert.deepEqual([from, back], [2, {hello: 'a'}])
    while (received.length < 51) await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(received.slice(0, 50), Array.from({length: 50}, (_, i) => [1, {i}]))
    assert.equal((received[50] as [number, {big: string}])[1].big.length, big.length)
  })

  it('refuses a peer with another key, and a foreign cluster', async () => {
    for (const [keyB, cluster] of [[randomBytes(32), 7], [undefined, 8]] as const) {
      const key = randomBytes(32)
      const [a, b] = pair(key, keyB ?? key, base + 10 + (cluster - 7) * 5, cluster)
      started.push(a, b)
      await a.start()
      await b.start()
      let got = false
      b.on('message', () => { got = true })
      a.send(2, {secret: 1})
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(got, false)
      assert.ok(a.counters.handshakeFailures + b.counters.handshakeFailures > 0)
    }
  })

  it('drops garbage and oversized frames without crashing', async () => {
    const key = randomBytes(32)
    const [a, b] = pair(key, key, base + 40)
    started.push(a, b)
    await a.start()
    await b.start()
    for (const junk of [randomBytes(5000), Buffer.from('HAP1\0\0\0\x07\0\x01' + 'z'.repeat(16))]) {
      const socket = createConnection({host: '127.0.0.1', port: base + 41})
      await once(socket, 'connect')
      socket.write(junk)
      socket.on('error', () => undefined)
      socket.resume()
      await once(socket, 'close')
    }
    const got = new Promise((resolve) => b.on('message', (_f, m) => resolve(m)))
    a.send(2, {still: 'works'})
    assert.deepEqual(await got, {still: 'works'})
  })
})
