import {createConnection, type Socket} from 'node:net'
import {join} from 'node:path'
import {HactlError, UnreachableError} from '../cli/errors.js'
import {MAX_LINE_BYTES, SOCKET_NAME, type ClientMethod, type ClientRequestMap, type Reply} from './protocol.js'

export function socketPath(runDir: string): string {
  return join(runDir, SOCKET_NAME)
}

function notRunning(path: string): UnreachableError {
  return new UnreachableError(`no cluster daemon is running on this node (socket ${path}); start it with 'hactl cluster start', or use -f FILE to work on a configuration file offline`)
}

/** Methods that only read: the daemon answers them from memory at once. */
const READS: ReadonlySet<ClientMethod> = new Set<ClientMethod>(['status', 'config.get', 'cluster.state', 'membership', 'attribute.query', 'attribute.list', 'node.info'])

/** Default seconds to wait for an answer: reads are answered from memory, writes wait for a majority's fsync. */
export const DEFAULT_TIMEOUT_S = {read: 10, write: 30, fence: 120} as const

/**
 * How long to wait for the daemon's answer to a method: HACTL_TIMEOUT (seconds,
 * e.g. 2 or 0.5) when set, else DEFAULT_TIMEOUT_S. Every call has one: a daemon
 * that accepts and never answers (hung, SIGSTOPped) must not hang the CLI.
 */
export function requestTimeoutMs(method: ClientMethod, env: NodeJS.ProcessEnv = process.env): number {
  const text = env.HACTL_TIMEOUT
  if (text !== undefined && text !== '') {
    const seconds = Number(text)
    if (!Number.isFinite(seconds) || seconds <= 0) throw new HactlError('invalid-argument', `HACTL_TIMEOUT=${text} is not a number of seconds greater than 0`, 2)
    return Math.round(seconds * 1000)
  }
  // Fencing waits for the device (stonith-timeout, 60 s by default) and may try several.
  if (method === 'node.fence' || method === 'nodes.change') return DEFAULT_TIMEOUT_S.fence * 1000
  return (READS.has(method) ? DEFAULT_TIMEOUT_S.read : DEFAULT_TIMEOUT_S.write) * 1000
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}

function noAnswer(path: string, what: string, ms: number): UnreachableError {
  return new UnreachableError(`the daemon on ${path} did not answer ${what} within ${seconds(ms)}: it is hung or stopped (SIGSTOP?); see its log or 'systemctl status hactl', or set HACTL_TIMEOUT=SECONDS to wait longer`)
}

/** A typed client of the local daemon's control socket. */
export class DaemonClient {
  private nextId = 1
  private constructor(private readonly socket: Socket, private readonly path: string) {}

  static async connect(runDir: string, timeoutMs = requestTimeoutMs('status')): Promise<DaemonClient> {
    const path = socketPath(runDir)
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path)
      // A listener that stopped accepting with a full backlog: connect would never complete.
      const timer = setTimeout(() => {
        s.destroy()
        reject(noAnswer(path, 'the connection', timeoutMs))
      }, timeoutMs)
      s.once('connect', () => {
        clearTimeout(timer)
        resolve(s)
      })
      s.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(['ENOENT', 'ECONNREFUSED', 'ENOTDIR'].includes(error.code ?? '') ? notRunning(path)
          : error.code === 'EAGAIN' ? noAnswer(path, 'the connection', 0)
            : error.code === 'EACCES' ? new HactlError('permission', `permission denied on ${path}: run as root or as a member of group haclient`, 1)
              : error)
      })
    })
    return new DaemonClient(socket, path)
  }

  async call<M extends ClientMethod>(method: M, params: ClientRequestMap[M]['params'], timeoutMs = requestTimeoutMs(method)): Promise<ClientRequestMap[M]['result']> {
    const id = this.nextId++
    this.socket.write(`${JSON.stringify({id, method, params})}\n`)
    const reply = await this.readReply(id, method, timeoutMs)
    if (reply.ok) return reply.result as ClientRequestMap[M]['result']
    throw new HactlError(reply.error.code, reply.error.message, reply.error.exitCode)
  }

  private readReply(id: number, method: ClientMethod, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(noAnswer(this.path, method, timeoutMs)), timeoutMs)
      // Only each new chunk is searched for the newline: a large reply costs its size, not its square.
      const chunks: Buffer[] = []
      let size = 0
      const onData = (chunk: Buffer) => {
        const newline = chunk.indexOf(0x0a)
        const piece = newline < 0 ? chunk : chunk.subarray(0, newline)
        if (size + piece.length > MAX_LINE_BYTES) return finish(new HactlError('protocol', `reply from ${this.path} is too large`))
        chunks.push(piece)
        size += piece.length
        if (newline < 0) return
        try {
          const reply = JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as Reply
          // id 0: the daemon refused the request before reading its id (too large, not JSON, too many clients).
          if (reply.id !== id && !(reply.id === 0 && reply.ok === false)) return finish(new HactlError('protocol', `reply from ${this.path} answers request ${reply.id}, not ${id}`))
          finish(undefined, reply)
        } catch {
          finish(new HactlError('protocol', `unreadable reply from ${this.path}`))
        }
      }
      const onClose = () => finish(new UnreachableError(`the daemon closed the connection on ${this.path} before answering`))
      const finish = (error?: Error, reply?: Reply) => {
        clearTimeout(timer)
        this.socket.off('data', onData)
        this.socket.off('close', onClose)
        if (error) reject(error)
        else resolve(reply!)
      }
      this.socket.on('data', onData)
      this.socket.on('close', onClose)
    })
  }

  close(): void {
    // unref: a daemon that never closes its side (hung, stopped) must not keep this process alive.
    this.socket.end()
    this.socket.unref()
  }
}

/** Connects, makes one call, closes. */
export async function callDaemon<M extends ClientMethod>(runDir: string, method: M, params: ClientRequestMap[M]['params']): Promise<ClientRequestMap[M]['result']> {
  const timeoutMs = requestTimeoutMs(method)
  const client = await DaemonClient.connect(runDir, timeoutMs)
  try {
    return await client.call(method, params)
  } finally {
    client.close()
  }
}
