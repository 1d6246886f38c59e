/**
 * Reliable, authenticated, encrypted messages between the daemons of one cluster,
 * over TCP. Membership heartbeats stay on UDP; everything that must arrive whole
 * and in order — replication of the configuration (megabytes at 10,000
 * resources), actions, their results — goes here.
 *
 * Each node listens on its first link address, port (cluster port + 1). A node
 * sends to a peer over its own outbound connection and receives on inbound ones,
 * so the two directions never race to share one socket.
 *
 * Handshake (both sides prove they hold the authkey; fresh nonces on both sides
 * make every session's keys new, so a recorded session cannot be replayed):
 *   client -> HELLO  magic, cluster id, client node id, nonceC (16 bytes)
 *   server -> ACCEPT magic, cluster id, server node id, nonceS, HMAC(key, "server" ‖ transcript)
 *   client -> PROOF  HMAC(key, "client" ‖ transcript)
 * Then frames: length (u32) ‖ AES-256-GCM(key derived per direction, nonce = frame
 * counter) of a JSON message. A frame that fails authentication ends the connection.
 */
import {createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {EventEmitter} from 'node:events'
import {createConnection, createServer, type Server, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import {LogRateLimiter, logLimited, type Logger} from './logger.js'

const MAGIC = Buffer.from('HAP1')
const HELLO_BYTES = 4 + 4 + 2 + 16
const ACCEPT_BYTES = 4 + 4 + 2 + 16 + 32
const PROOF_BYTES = 32
/** Whole configurations travel here; 64 MB bounds a hostile or broken peer. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024
const HANDSHAKE_TIMEOUT_MS = 2000
const RECONNECT_MS_MAX = 1000
const QUEUE_BYTES_MAX = 128 * 1024 * 1024
/** Inbound connections that have not finished the handshake; more are closed at once. */
export const MAX_PENDING_HANDSHAKES = 64

export interface PeerAddress {id: number, host: string, port: number}

export interface PeerNetworkOptions {
  self: PeerAddress
  peers: PeerAddress[]
  clusterId: number
  key: Buffer
  logger: Logger
}

interface Session {
  sendKey: Buffer
  receiveKey: Buffer
  sendCounter: bigint
  receiveCounter: bigint
}

function mac(key: Buffer, label: string, transcript: Buffer): Buffer {
  return createHmac('sha256', key).update(label).update(transcript).digest()
}

function sessionKeys(key: Buffer, transcript: Buffer, isClient: boolean): Pick<Session, 'sendKey' | 'receiveKey'> {
  const c2s = mac(key, 'key client->server', transcript)
  const s2c = mac(key, 'key server->client', transcript)
  return isClient ? {sendKey: c2s, receiveKey: s2c} : {sendKey: s2c, receiveKey: c2s}
}

function nonce(counter: bigint): Buffer {
  const iv = Buffer.alloc(12)
  iv.writeBigUInt64BE(counter, 4)
  return iv
}

function seal(session: Session, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', session.sendKey, nonce(session.sendCounter++))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  const header = Buffer.alloc(4)
  header.writeUInt32BE(body.length)
  return Buffer.concat([header, body])
}

function open(session: Session, body: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', session.receiveKey, nonce(session.receiveCounter++))
  decipher.setAuthTag(body.subarray(body.length - 16))
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()])
}

/**
 * Reads exact byte counts (handshake) and then length-prefixed frames from a
 * socket. What it holds is bounded: while it waits for a handshake message it
 * holds what arrived (the socket is closed on a bad handshake, and the handshake
 * has a timeout), and a frame's length is checked against MAX_FRAME_BYTES before
 * its body is awaited. Each byte is copied a bounded number of times, whatever the
 * chunking. Exported for the fuzz test.
 */
export class FrameReader {
  framing = false
  private chunks: Buffer[] = []
  private size = 0
  private wanted: {bytes: number, then: (data: Buffer) => void} | undefined

  constructor(private readonly onFrame: (body: Buffer) => void, private readonly onError: (reason: string) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    this.drain()
  }

  expect(bytes: number, then: (data: Buffer) => void): void {
    this.wanted = {bytes, then}
    this.drain()
  }

  startFraming(): void {
    this.framing = true
    this.drain()
  }

  /** Joins chunks only when enough bytes are there, so a large frame is copied once. */
  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size)
    this.chunks = all.length > bytes ? [all.subarray(bytes)] : []
    this.size = all.length - bytes
    return all.subarray(0, bytes)
  }

  private peekLength(): number {
    if (this.chunks[0].length < 4) {
      // Join only the first few chunks (each at least one byte) into one of at least 4 bytes.
      let joined = 0
      let count = 0
      while (joined < 4) joined += this.chunks[count++].length
      this.chunks.splice(0, count, Buffer.concat(this.chunks.slice(0, count), joined))
    }
    return this.chunks[0].readUInt32BE(0)
  }

  private drain(): void {
    for (;;) {
      if (this.wanted) {
        if (this.size < this.wanted.bytes) return
        const {bytes, then} = this.wanted
        this.wanted = undefined
        then(this.take(bytes))
        continue
      }
      if (!this.framing || this.size < 4) return
      const length = this.peekLength()
      if (length < 16 || length > MAX_FRAME_BYTES + 16) {
        this.framing = false
        return this.onError(`frame of ${length} bytes`)
      }
      if (this.size < 4 + length) return
      this.take(4)
      this.onFrame(this.take(length))
    }
  }
}

export interface PeerNetworkEvents {
  message: [from: number, message: unknown]
}

/** Counters for `hactl membership` and the logs. */
export interface PeerCounters {
  framesSent: number
  framesReceived: number
  bytesSent: number
  bytesReceived: number
  handshakeFailures: number
  dropped: number
}

export class PeerNetwork extends EventEmitter<PeerNetworkEvents> {
  readonly counters: PeerCounters = {framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, handshakeFailures: 0, dropped: 0}
  private server: Server | undefined
  private readonly outbound = new Map<number, Outbound>()
  private readonly inbound = new Set<Socket>()
  private pendingHandshakes = 0
  private stopped = false
  /** Anyone who can reach the port can cause these lines: one per reason and address every 10 s. */
  private readonly limiter = new LogRateLimiter(10_000)

  constructor(private readonly options: PeerNetworkOptions) {
    super()
  }

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket))
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(this.options.self.port, this.options.self.host, () => resolve())
    })
    for (const peer of this.options.peers) this.outbound.set(peer.id, new Outbound(peer, this.options, this.counters, this.limiter))
  }

  /** Live node add/remove: connections to peers no longer listed close, new peers get one. */
  setPeers(peers: PeerAddress[]): void {
    const wanted = new Map(peers.map((p) => [p.id, p]))
    for (const [id, link] of this.outbound) {
      const peer = wanted.get(id)
      if (peer === undefined || peer.host !== (link as unknown as {peer: PeerAddress}).peer.host) {
        link.close()
        this.outbound.delete(id)
      }
    }
    if (this.stopped || this.server === undefined) return
    for (const peer of peers) if (!this.outbound.has(peer.id)) this.outbound.set(peer.id, new Outbound(peer, this.options, this.counters, this.limiter))
  }

  /** Queues a message for a peer; it is delivered in order once a connection is up. */
  send(to: number, message: unknown): void {
    const link = this.outbound.get(to)
    if (!link || this.stopped) return
    link.send(Buffer.from(JSON.stringify(message)))
  }

  /** Serializes once for several peers (whole configurations are large). */
  sendMany(to: number[], message: unknown): void {
    const payload = Buffer.from(JSON.stringify(message))
    for (const id of to) this.outbound.get(id)?.send(payload)
  }

  /**
   * Forget the connection to a peer that left the view or came back as a new
   * process: what is queued is dropped (it resynchronizes on its return) and the
   * next message opens a fresh connection. A connection to a crashed peer can stay
   * half-open for minutes, swallowing everything written to it.
   */
  reset(peer: number): void {
    this.outbound.get(peer)?.reset()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const link of this.outbound.values()) link.close()
    for (const socket of this.inbound) socket.destroy()
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve())
  }

  private accept(socket: Socket): void {
    const {key, clusterId, self, logger} = this.options
    socket.on('error', () => undefined)
    if (this.pendingHandshakes >= MAX_PENDING_HANDSHAKES) {
      this.counters.handshakeFailures++
      logLimited(logger, this.limiter, performance.now(), 'warning', 'peer-connection-dropped', `busy ${socket.remoteAddress}`, {from: socket.remoteAddress, reason: 'too many connections in handshake'})
      socket.destroy()
      return
    }
    this.inbound.add(socket)
    this.pendingHandshakes++
    let pending = true
    const handshakeOver = () => {
      if (pending) this.pendingHandshakes--
      pending = false
    }
    socket.setNoDelay(true)
    const timer = setTimeout(() => fail('handshake timeout'), HANDSHAKE_TIMEOUT_MS)
    let session: Session | undefined
    let peer = 0
    let failed = false
    const fail = (reason: string, detail?: string) => {
      clearTimeout(timer)
      handshakeOver()
      if (failed) return
      failed = true
      if (!session) this.counters.handshakeFailures++
      logLimited(logger, this.limiter, performance.now(), 'warning', 'peer-connection-dropped', `${reason} ${socket.remoteAddress}`, {from: socket.remoteAddress, reason, detail})
      socket.destroy()
    }
    const reader = new FrameReader((body) => {
      let message: unknown
      try {
        message = JSON.parse(open(session!, body).toString('utf8'))
      } catch {
        if (!failed) fail('a frame failed authentication')
        return
      }
      this.counters.framesReceived++
      this.counters.bytesReceived += body.length + 4
      try {
        this.emit('message', peer, message)
      } catch (error) {
        // The receiver's bug, not the peer's: say so (once per 10 s), keep the connection.
        logLimited(logger, this.limiter, performance.now(), 'error', 'peer-message-failed', `${peer}`, {from: peer, error: String((error as Error)?.message ?? error).split('\n')[0]})
      }
    }, fail)
    reader.expect(HELLO_BYTES, (hello) => {
      if (!hello.subarray(0, 4).equals(MAGIC) || hello.readUInt32BE(4) !== clusterId) return fail('foreign or malformed hello')
      peer = hello.readUInt16BE(8)
      if (!this.outbound.has(peer)) return fail('not a configured peer', `node id ${peer}`)
      const nonceS = randomBytes(16)
      const accept = Buffer.alloc(4 + 4 + 2)
      MAGIC.copy(accept)
      accept.writeUInt32BE(clusterId, 4)
      accept.writeUInt16BE(self.id, 8)
      const transcript = Buffer.concat([hello, accept, nonceS])
      socket.write(Buffer.concat([accept, nonceS, mac(key, 'server', transcript)]))
      reader.expect(PROOF_BYTES, (proof) => {
        if (!timingSafeEqual(proof, mac(key, 'client', transcript))) return fail('the peer does not hold the authkey')
        clearTimeout(timer)
        handshakeOver()
        session = {...sessionKeys(key, transcript, false), sendCounter: 0n, receiveCounter: 0n}
        reader.startFraming()
      })
    })
    socket.on('data', (chunk) => {
      if (!failed) reader.push(chunk)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      handshakeOver()
      this.inbound.delete(socket)
    })
  }
}

/** One outbound connection with its queue, reconnecting with backoff. */
class Outbound {
  private socket: Socket | undefined
  private session: Session | undefined
  private queue: Buffer[] = []
  private queuedBytes = 0
  private retryMs = 50
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly peer: PeerAddress, private readonly options: PeerNetworkOptions, private readonly counters: PeerCounters, private readonly limiter: LogRateLimiter) {}

  send(payload: Buffer): void {
    if (this.queuedBytes + payload.length > QUEUE_BYTES_MAX) {
      // A peer that takes nothing for this long is gone; it resynchronizes on its return.
      this.counters.dropped += this.queue.length
      this.clear()
    }
    this.queue.push(payload)
    this.queuedBytes += payload.length
    if (this.session) this.flush()
    else if (!this.socket && !this.timer) this.connect()
  }

  clear(): void {
    this.queue = []
    this.queuedBytes = 0
  }

  reset(): void {
    this.clear()
    this.socket?.destroy()
  }

  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.socket?.destroy()
  }

  private flush(): void {
    for (const payload of this.queue) {
      const frame = seal(this.session!, payload)
      this.counters.framesSent++
      this.counters.bytesSent += frame.length
      this.socket!.write(frame)
    }
    this.clear()
  }

  private connect(): void {
    if (this.closed) return
    const {key, clusterId, self} = this.options
    const socket = createConnection({host: this.peer.host, port: this.peer.port, localAddress: self.host})
    this.socket = socket
    socket.setNoDelay(true)
    const hello = Buffer.alloc(HELLO_BYTES)
    MAGIC.copy(hello)
    hello.writeUInt32BE(clusterId, 4)
    hello.writeUInt16BE(self.id, 8)
    randomBytes(16).copy(hello, 10)
    const reader = new FrameReader(() => socket.destroy(), () => socket.destroy())
    socket.on('connect', () => socket.write(hello))
    reader.expect(ACCEPT_BYTES, (accept) => {
      const head = accept.subarray(0, 10)
      const nonceS = accept.subarray(10, 26)
      const transcript = Buffer.concat([hello, head, nonceS])
      if (!head.subarray(0, 4).equals(MAGIC) || head.readUInt32BE(4) !== clusterId || head.readUInt16BE(8) !== this.peer.id
        || !timingSafeEqual(accept.subarray(26), mac(key, 'server', transcript))) {
        this.counters.handshakeFailures++
        logLimited(this.options.logger, this.limiter, performance.now(), 'warning', 'peer-handshake-failed', `${this.peer.id}`, {peer: this.peer.id, address: this.peer.host})
        return socket.destroy()
      }
      socket.write(mac(key, 'client', transcript))
      // The peer sends nothing on our outbound connection after its ACCEPT: anything more is a protocol error.
      reader.expect(1, () => socket.destroy())
      this.session = {...sessionKeys(key, transcript, true), sendCounter: 0n, receiveCounter: 0n}
      this.retryMs = 50
      this.flush()
    })
    socket.on('data', (chunk) => reader.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.socket = undefined
      this.session = undefined
      if (this.closed) return
      // Whatever was written to a dead connection may be lost: the protocols above
      // retransmit (replication) or re-request state (orchestration) on view changes.
      this.timer = setTimeout(() => {
        this.timer = undefined
        if (this.queue.length > 0) this.connect()
      }, this.retryMs)
      this.retryMs = Math.min(RECONNECT_MS_MAX, this.retryMs * 2)
    })
  }
}
