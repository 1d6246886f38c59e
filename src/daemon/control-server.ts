// The daemon's side of the control socket (src/client is the other): one JSON
// request per line, one reply per request, in order. The socket is 0660, owned by
// root and by group haclient when that group exists (Pacemaker's convention).
//
// Hostile or broken clients cannot stall the daemon or grow its memory: a
// request line is scanned chunk by chunk as it arrives (never re-scanned) and
// refused, with a one-line error and the connection closed, once it exceeds
// MAX_REQUEST_BYTES; a connection is paused while its request is being answered
// and while its reply has not drained; at most MAX_CONNECTIONS clients are served
// at once, and a client that does not complete a request within 30 s is
// closed. Methods are looked up in an explicit table (never through the
// prototype chain) and requests are checked for shape before a handler sees them;
// a malformed request gets a one-line error reply and one rate-limited log line.
import {chmod, chown, mkdir, readFile, rm} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {dirname} from 'node:path'
import {performance} from 'node:perf_hooks'
import {normalizeError} from '../cli/errors.js'
import type {Method, Reply, RequestMap} from '../client/protocol.js'
import {fatalReasonOf} from './fatal.js'
import {LogRateLimiter, logLimited, type Logger} from './logger.js'

export type Handlers = {[M in Method]: (params: RequestMap[M]['params']) => Promise<RequestMap[M]['result']>}

/**
 * Largest request line. A whole configuration travels in one (`hactl config
 * import`): 10,000 resources are about 1.5 MB, so this leaves room without letting
 * one request hold the event loop (JSON.parse of 8 MB takes tens of ms).
 */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024
/** Clients served at once; more are told so and closed. */
export const MAX_CONNECTIONS = 32
/** Bytes of partial requests held across all connections. */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024
/** A client must complete each request line within this long of connecting or of its last reply (else it holds a slot for nothing). */
export const REQUEST_TIMEOUT_MS = 30_000

export interface ControlLimits {
  maxRequestBytes: number
  maxConnections: number
  maxBufferedBytes: number
  requestTimeoutMs: number
}

/** A request as a handler may see it, or why it is refused. */
export type ParsedRequest =
  | {ok: true, id: number, method: Method, params: Record<string, unknown>}
  | {ok: false, id: number, code: string, message: string}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const optionalString = (params: Record<string, unknown>, key: string) => params[key] === undefined || typeof params[key] === 'string'

/** Shape checks of each method's params; a method is known only if it is here. Returns a problem or undefined. */
const PARAMS: ReadonlyMap<string, (p: Record<string, unknown>) => string | undefined> = new Map<Method, (p: Record<string, unknown>) => string | undefined>([
  ['config.get', () => undefined],
  ['config.edit', (p) => {
    if (!isObject(p.edit) || typeof p.edit.op !== 'string') return `params.edit is ${show(p.edit)}: expected an object with a string "op"`
    if (p.ifEpoch !== undefined && !(Number.isSafeInteger(p.ifEpoch) && (p.ifEpoch as number) >= 0)) return `params.ifEpoch is ${show(p.ifEpoch)}: expected a non-negative integer`
    return undefined
  }],
  ['status', () => undefined],
  ['cluster.state', () => undefined],
  ['membership', () => undefined],
  ['resource.cleanup', (p) => typeof p.id !== 'string' || p.id === '' ? `params.id is ${show(p.id)}: expected a resource id` : optionalString(p, 'node') ? undefined : `params.node is ${show(p.node)}: expected a node name`],
  ['resource.restart', (p) => typeof p.id !== 'string' || p.id === '' ? `params.id is ${show(p.id)}: expected a resource id` : optionalString(p, 'node') ? undefined : `params.node is ${show(p.node)}: expected a node name`],
  ['node.fence', (p) => typeof p.node === 'string' && p.node !== '' ? undefined : `params.node is ${show(p.node)}: expected a node name`],
  ['nodes.change', (p) => {
    if (p.op !== 'add' && p.op !== 'remove') return `params.op is ${show(p.op)}: expected "add" or "remove"`
    if (typeof p.name !== 'string' || p.name === '') return `params.name is ${show(p.name)}: expected a node name`
    if (p.op === 'add' && !(Array.isArray(p.addrs) && p.addrs.every((a) => typeof a === 'string'))) return `params.addrs is ${show(p.addrs)}: expected an array of addresses`
    if (p.id !== undefined && !(Number.isSafeInteger(p.id) && (p.id as number) >= 1 && (p.id as number) <= 65535)) return `params.id is ${show(p.id)}: expected an integer 1..65535`
    if (p.force !== undefined && typeof p.force !== 'boolean') return `params.force is ${show(p.force)}: expected a boolean`
    return undefined
  }],
  ['shutdown', (p) => {
    if (p.nodes !== undefined && !(Array.isArray(p.nodes) && p.nodes.every((n) => typeof n === 'string' && n !== ''))) return `params.nodes is ${show(p.nodes)}: expected an array of node names`
    for (const flag of ['all', 'force']) if (p[flag] !== undefined && typeof p[flag] !== 'boolean') return `params.${flag} is ${show(p[flag])}: expected a boolean`
    return undefined
  }],
  ['attribute.update', (p) => attributeProblem(p) ?? (typeof p.value === 'string' ? undefined : `params.value is ${show(p.value)}: expected a string`)],
  ['attribute.query', attributeProblem],
  ['attribute.delete', attributeProblem],
  ['attribute.list', (p) => typeof p.name !== 'string' || p.name === '' ? `params.name is ${show(p.name)}: expected an attribute name` : undefined],
  ['node.info', () => undefined],
])

function attributeProblem(p: Record<string, unknown>): string | undefined {
  if (typeof p.name !== 'string' || p.name === '') return `params.name is ${show(p.name)}: expected an attribute name`
  if (!optionalString(p, 'node')) return `params.node is ${show(p.node)}: expected a node name`
  if (p.lifetime !== 'reboot' && p.lifetime !== 'forever') return `params.lifetime is ${show(p.lifetime)}: expected "reboot" or "forever"`
  return undefined
}

/** A key "__proto__" in JSON becomes an own property; drop it so no later merge can turn it into a prototype. */
function parseJson(line: string): unknown {
  return line.includes('__proto__') || line.includes('\\u') ? JSON.parse(line, (key, value) => key === '__proto__' ? undefined : value) : JSON.parse(line)
}

/** Parses and checks one request line. Never throws. */
export function parseRequest(line: string): ParsedRequest {
  let raw: unknown
  try {
    raw = parseJson(line)
  } catch {
    return {ok: false, id: 0, code: 'bad-request', message: `request is not JSON: ${show(line)}`}
  }
  if (!isObject(raw)) return {ok: false, id: 0, code: 'bad-request', message: `request is ${show(raw)}: expected a JSON object`}
  const id = raw.id === undefined ? 0 : raw.id
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return {ok: false, id: 0, code: 'bad-request', message: `request id is ${show(raw.id)}: expected a non-negative integer`}
  const method = raw.method
  const check = typeof method === 'string' ? PARAMS.get(method) : undefined
  if (check === undefined) return {ok: false, id, code: 'unknown-method', message: `unknown request ${show(method)}`}
  const params = raw.params === undefined ? {} : raw.params
  if (!isObject(params)) return {ok: false, id, code: 'bad-request', message: `params of ${method} is ${show(raw.params)}: expected an object`}
  const problem = check(params)
  if (problem !== undefined) return {ok: false, id, code: 'bad-request', message: `${method}: ${problem}`}
  return {ok: true, id, method: method as Method, params}
}

function replyLine(reply: Reply): string {
  return `${JSON.stringify(reply)}\n`
}

async function groupId(name: string): Promise<number | undefined> {
  try {
    const line = (await readFile('/etc/group', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`))
    return line === undefined ? undefined : Number(line.split(':')[2])
  } catch {
    return undefined
  }
}

interface Connection {
  socket: Socket
  /** The partial request line so far. */
  chunks: Buffer[]
  size: number
  /** Complete lines waiting for their turn. */
  queue: string[]
  busy: boolean
  refused: boolean
  timer: NodeJS.Timeout | undefined
}

export class ControlServer {
  private server: Server | undefined
  private readonly clients = new Set<Connection>()
  private readonly handlers: ReadonlyMap<string, (params: unknown) => Promise<unknown>>
  private readonly limits: ControlLimits
  private readonly limiter = new LogRateLimiter(10_000, 64)
  private buffered = 0

  constructor(private readonly path: string, handlers: Handlers, private readonly logger: Logger, limits: Partial<ControlLimits> = {}) {
    // Only the methods of the protocol, as own entries: nothing from Object.prototype.
    this.handlers = new Map([...PARAMS.keys()].filter((m) => Object.hasOwn(handlers, m)).map((m) => [m, (handlers as unknown as Record<string, (p: unknown) => Promise<unknown>>)[m]]))
    this.limits = {maxRequestBytes: MAX_REQUEST_BYTES, maxConnections: MAX_CONNECTIONS, maxBufferedBytes: MAX_BUFFERED_BYTES, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...limits}
  }

  async start(): Promise<void> {
    await mkdir(dirname(this.path), {recursive: true, mode: 0o755})
    // A socket file left by a crashed daemon would make listen fail; a live daemon
    // is detected before this point by the caller (it answers on the socket).
    await rm(this.path, {force: true})
    this.server = createServer((socket) => this.serve(socket))
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(this.path, () => resolve())
    })
    await chmod(this.path, 0o660)
    const gid = await groupId('haclient')
    if (gid !== undefined) await chown(this.path, 0, gid).catch(() => undefined)
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.socket.destroy()
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve())
    await rm(this.path, {force: true})
  }

  private warn(event: string, key: string, fields: Record<string, string | number | undefined>): void {
    logLimited(this.logger, this.limiter, performance.now(), 'warning', event, key, fields)
  }

  private serve(socket: Socket): void {
    socket.on('error', () => undefined)
    if (this.clients.size >= this.limits.maxConnections) {
      this.warn('control-connection-refused', 'busy', {reason: 'too-many-connections', limit: this.limits.maxConnections})
      socket.end(replyLine({id: 0, ok: false, error: {code: 'busy', message: `the daemon already serves ${this.limits.maxConnections} control connections; try again`, exitCode: 1}}))
      setTimeout(() => socket.destroy(), 1000).unref()
      return
    }
    const c: Connection = {socket, chunks: [], size: 0, queue: [], busy: false, refused: false, timer: undefined}
    this.clients.add(c)
    this.armTimeout(c)
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk))
    socket.on('close', () => {
      clearTimeout(c.timer)
      this.release(c)
      this.clients.delete(c)
    })
  }

  /** Waiting for the next request line: it must be complete within requestTimeoutMs. */
  private armTimeout(c: Connection): void {
    clearTimeout(c.timer)
    c.timer = setTimeout(() => {
      if (c.busy || c.queue.length > 0 || c.refused) return
      this.refuse(c, 'request-timeout', `no complete request within ${this.limits.requestTimeoutMs} ms`)
    }, this.limits.requestTimeoutMs)
    c.timer.unref()
  }

  private release(c: Connection): void {
    this.buffered -= c.size
    c.chunks = []
    c.size = 0
  }

  /** Scans only the new bytes for a newline: the cost of a request is linear in its size. */
  private onData(c: Connection, chunk: Buffer): void {
    if (c.refused) return
    let start = 0
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start)
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end)
      if (c.size + piece.length > this.limits.maxRequestBytes) return this.refuse(c, 'request-too-large', `request of more than ${this.limits.maxRequestBytes} bytes refused`)
      if (this.buffered + piece.length > this.limits.maxBufferedBytes && end < 0) return this.refuse(c, 'server-busy', `the daemon holds ${this.buffered} bytes of unfinished requests; try again`)
      if (end < 0) {
        // Copied: the socket's chunk may be a slice of a larger pooled buffer.
        c.chunks.push(Buffer.from(piece))
        c.size += piece.length
        this.buffered += piece.length
        break
      }
      const line = (c.chunks.length === 0 ? piece : Buffer.concat([...c.chunks, piece])).toString('utf8')
      this.release(c)
      c.queue.push(line)
      start = end + 1
    }
    if (c.queue.length > 0) {
      // One request at a time per connection; read on once it is answered.
      clearTimeout(c.timer)
      c.socket.pause()
      if (!c.busy) void this.drain(c)
    }
  }

  private refuse(c: Connection, code: string, message: string): void {
    clearTimeout(c.timer)
    c.refused = true
    c.queue = []
    this.release(c)
    this.warn('control-request-refused', code, {reason: code, limit: code === 'request-timeout' ? this.limits.requestTimeoutMs : this.limits.maxRequestBytes})
    // Answer, stop reading (what still arrives is discarded), close.
    c.socket.end(replyLine({id: 0, ok: false, error: {code, message, exitCode: code === 'request-too-large' ? 2 : 1}}))
    c.socket.resume()
    setTimeout(() => c.socket.destroy(), 1000).unref()
  }

  private async drain(c: Connection): Promise<void> {
    c.busy = true
    while (c.queue.length > 0 && !c.socket.destroyed && !c.refused) {
      const line = c.queue.shift()!
      const reply = await this.answer(line)
      if (c.socket.destroyed) break
      if (!c.socket.write(replyLine(reply))) await new Promise<void>((resolve) => {
        const done = () => {
          c.socket.off('drain', done)
          c.socket.off('close', done)
          resolve()
        }
        c.socket.on('drain', done)
        c.socket.on('close', done)
      })
    }
    c.busy = false
    if (!c.refused && !c.socket.destroyed) {
      this.armTimeout(c)
      c.socket.resume()
    }
  }

  private async answer(line: string): Promise<Reply> {
    const request = parseRequest(line)
    if (!request.ok) {
      this.warn('control-request-malformed', request.code, {code: request.code, error: request.message})
      return {id: request.id, ok: false, error: {code: request.code, message: request.message, exitCode: 2}}
    }
    const handler = this.handlers.get(request.method)
    if (handler === undefined) return {id: request.id, ok: false, error: {code: 'unknown-method', message: `request ${request.method} is not served by this daemon`, exitCode: 2}}
    try {
      return {id: request.id, ok: true, result: await handler(request.params)}
    } catch (error) {
      const {code, message, exitCode} = normalizeError(error)
      if (code === 'internal' || fatalReasonOf(error) !== undefined) {
        // One line: the message and where it was thrown (the stack only with HACTL_DEBUG=1).
        const at = (error as Error)?.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim().slice(3)
        this.logger.log('error', 'control-request-failed', {method: request.method, error: message, at})
        if (process.env.HACTL_DEBUG === '1') process.stderr.write(`${(error as Error)?.stack ?? error}\n`)
      }
      return {id: request.id, ok: false, error: {code, message, exitCode}}
    }
  }
}
