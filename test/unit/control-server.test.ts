// The control socket against hostile and broken local clients, on a real Unix
// socket: oversized requests, prototype names, malformed JSON, too many clients.
import assert from 'node:assert/strict'
import {once} from 'node:events'
import {mkdtemp, rm} from 'node:fs/promises'
import {createConnection, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DaemonClient} from '../../src/client/client.js'
import {HactlError} from '../../src/cli/errors.js'
import {ControlServer, MAX_REQUEST_BYTES, parseRequest, type Handlers} from '../../src/daemon/control-server.js'
import {createLogger} from '../../src/daemon/logger.js'

function handlers(): Handlers {
  const fail = async (): Promise<never> => {
    throw new Error('boom\nsecond line')
  }
  return {
    'config.get': fail,
    'config.edit': async () => ({}) as never,
    'status': async () => ({ok: 'yes'}) as never,
    'cluster.state': fail,
    'membership': async () => ({}),
    'resource.cleanup': async ({id}) => ({resource: id, node: null}),
    'resource.restart': async ({id}) => ({resource: id}),
    'shutdown': async () => ({stopping: true}),
  }
}

/** A raw client: sends lines, reads reply lines. */
class RawClient {
  readonly lines: string[] = []
  private partial = ''
  private waiters: Array<() => void> = []
  closed = false
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.partial += d.toString('utf8')
      let end: number
      while ((end = this.partial.indexOf('\n')) >= 0) {
        this.lines.push(this.partial.slice(0, end))
        this.partial = this.partial.slice(end + 1)
      }
      this.wake()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  static async connect(path: string): Promise<RawClient> {
    const socket = createConnection(path)
    await once(socket, 'connect')
    return new RawClient(socket)
  }

  async reply(n = 1): Promise<Record<string, any>> {
    while (this.lines.length < n) {
      if (this.closed) throw new Error(`closed after ${this.lines.length} lines`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    return JSON.parse(this.lines[n - 1])
  }

  async call(text: string, n: number): Promise<Record<string, any>> {
    this.socket.write(`${text}\n`)
    return this.reply(n)
  }
}

describe('control server (hostile local clients)', function () {
  this.timeout(60_000)
  let dir: string
  let server: ControlServer
  let logLines: string[]
  const clients: RawClient[] = []
  const connect = async (path = join(dir, 'hactl.sock')) => {
    const c = await RawClient.connect(path)
    clients.push(c)
    return c
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-control-'))
    logLines = []
    server = new ControlServer(join(dir, 'hactl.sock'), handlers(), createLogger({}, (line) => logLines.push(line)), {maxConnections: 4})
    await server.start()
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy()
    await server.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('refuses a 50 MB request without a newline and answers other clients meanwhile', async () => {
    const big = await connect()
    const other = await connect()
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    let sent = 0
    let answeredMidway: Record<string, any> | undefined
    const closed = once(big.socket, 'close')
    while (sent < 50 * 1024 * 1024 && !big.closed && big.lines.length === 0) {
      const ok = big.socket.write(chunk)
      sent += chunk.length
      if (!ok) await Promise.race([new Promise((resolve) => big.socket.once('drain', resolve)), closed])
      if (sent === 4 * 1024 * 1024) {
        // Half-way to the limit: the daemon still answers someone else.
        answeredMidway = await other.call(JSON.stringify({id: 7, method: 'status', params: {}}), 1)
        assert.equal(big.lines.length, 0, 'the big request is not refused yet')
        assert.equal(big.closed, false)
      }
    }
    assert.deepEqual(answeredMidway, {id: 7, ok: true, result: {ok: 'yes'}})
    const refused = await big.reply(1)
    assert.equal(refused.ok, false)
    assert.equal(refused.error.code, 'request-too-large')
    assert.ok(sent < 50 * 1024 * 1024, `refused before the whole request was sent (${sent} bytes sent)`)
    await closed
    assert.deepEqual(await other.call(JSON.stringify({id: 8, method: 'status'}), 2), {id: 8, ok: true, result: {ok: 'yes'}})
    assert.equal(logLines.filter((l) => l.includes('control-request-refused')).length, 1)
  })

  it('knows only the protocol\'s methods: prototype names are unknown', async () => {
    const c = await connect()
    let n = 0
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'nope']) {
      const reply = await c.call(JSON.stringify({id: 1, method, params: {}}), ++n)
      assert.equal(reply.ok, false, method)
      assert.equal(reply.error.code, 'unknown-method', method)
      assert.equal(reply.error.exitCode, 2)
    }
    assert.equal((await c.call(JSON.stringify({id: 2, method: 'status'}), ++n)).ok, true, 'the connection still works')
  })

  it('answers malformed requests with one line and logs one line per reason, without a stack', async () => {
    const c = await connect()
    const bad = ['{not json', '[1,2]', 'null', '"status"', '{"id":"1","method":"status"}', '{"id":-1,"method":"status"}', '{"id":1,"method":"status","params":[1]}',
      '{"id":1,"method":"config.edit","params":{"edit":"x"}}', '{"id":1,"method":"config.edit","params":{"edit":{"op":"x"},"ifEpoch":"3"}}',
      '{"id":1,"method":"resource.cleanup","params":{"id":5}}', '{"id":1,"method":["status"]}', '{"id":1e400,"method":"status"}', '{"__proto__":{"x":1},"id":1,"method":"status"}']
    let n = 0
    for (const line of bad) {
      const reply = await c.call(line, ++n)
      if (line.includes('__proto__')) {
        assert.equal(reply.ok, true, 'a __proto__ key is dropped, the request served')
        continue
      }
      assert.equal(reply.ok, false, line)
      assert.match(reply.error.code, /^(bad-request|unknown-method)$/, line)
      assert.equal(reply.error.exitCode, 2)
      assert.ok(!reply.error.message.includes('\n'))
    }
    const logged = logLines.filter((l) => l.includes('control-request-malformed'))
    assert.ok(logged.length >= 1 && logged.length <= 2, `rate-limited: ${logged.length} lines`)
    for (const l of logLines) assert.equal(l.split('\n').length, 2, `one line: ${l}`)
  })

  it('logs a failing handler in one line and answers the client', async () => {
    const c = await connect()
    const reply = await c.call(JSON.stringify({id: 3, method: 'config.get'}), 1)
    assert.equal(reply.ok, false)
    assert.equal(reply.error.code, 'internal')
    const failed = logLines.filter((l) => l.includes('control-request-failed'))
    assert.equal(failed.length, 1)
    assert.equal(failed[0].split('\n').length, 2)
    assert.ok(!failed[0].includes('second line'), failed[0])
  })

  it('answers pipelined requests in order', async () => {
    const c = await connect()
    c.socket.write(Array.from({length: 50}, (_, i) => JSON.stringify({id: i + 1, method: i % 2 ? 'status' : 'nope'})).join('\n') + '\n')
    const last = await c.reply(50)
    assert.equal(last.id, 50)
    assert.deepEqual(c.lines.map((l) => JSON.parse(l).id), Array.from({length: 50}, (_, i) => i + 1))
  })

  it('serves a bounded number of connections', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => connect()))
    for (const h of held) assert.equal((await h.call(JSON.stringify({id: 1, method: 'status'}), 1)).ok, true)
    const extra = await connect()
    const reply = await extra.reply(1)
    assert.equal(reply.error.code, 'busy')
    held[0].socket.destroy()
    while (!held[0].closed) await once(held[0].socket, 'close')
    // The slot is free again once the server saw the close.
    let ok = false
    for (let i = 0; i < 50 && !ok; i++) {
      const again = await connect()
      const first = await again.call(JSON.stringify({id: 2, method: 'status'}), 1).catch(() => undefined)
      ok = first?.ok === true
      if (!ok) await new Promise((r) => setTimeout(r, 20))
    }
    assert.ok(ok, 'a new client is served after one left')
  })

  it('the CLI\'s client gets the refusal of an oversized request as a one-line error, and large replies whole', async () => {
    const client = await DaemonClient.connect(dir)
    try {
      assert.deepEqual(await client.call('status', {}), {ok: 'yes'})
      const cleanup = await client.call('resource.cleanup', {id: 'é'.repeat(300_000)})
      assert.equal(cleanup.resource.length, 300_000, 'a 600 kB reply with multi-byte characters across chunks')
      await assert.rejects(client.call('resource.cleanup', {id: 'x'.repeat(MAX_REQUEST_BYTES)}), (e: unknown) => e instanceof HactlError && e.code === 'request-too-large' && e.exitCode === 2)
    } finally {
      client.close()
    }
  })

  it('closes a client that does not complete its request in time (a slot is not held for nothing)', async () => {
    await server.stop()
    server = new ControlServer(join(dir, 'hactl.sock'), handlers(), createLogger({}, (line) => logLines.push(line)), {requestTimeoutMs: 300})
    await server.start()
    const slow = await connect()
    slow.socket.write('{"id":1,"meth')
    const reply = await slow.reply(1)
    assert.equal(reply.error.code, 'request-timeout')
    while (!slow.closed) await new Promise((r) => slow.socket.once('close', r))
  })

  it('parseRequest never throws on random input', () => {
    let seed = 42
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    const alphabet = '{}[]":,0123456789.-eE truefalsnul\\u_protocnsid method params status config.edit'
    for (let i = 0; i < 20_000; i++) {
      const length = next() % 80
      let line = ''
      for (let k = 0; k < length; k++) line += alphabet[next() % alphabet.length]
      const parsed = parseRequest(line)
      assert.equal(typeof parsed.ok, 'boolean')
    }
  })
})
