import {createConnection, type Socket} from 'node:net'
import {join} from 'node:path'
import {HactlError, UnreachableError} from '../cli/errors.js'
import {MAX_LINE_BYTES, SOCKET_NAME, type Method, type Reply, type RequestMap} from './protocol.js'

export function socketPath(runDir: string): string {
  return join(runDir, SOCKET_NAME)
}

function notRunning(path: string): UnreachableError {
  return new UnreachableError(`no cluster daemon is running on this node (socket ${path}); start it with 'hactl cluster start', or use -f FILE to work on a configuration file offline`)
}

/** A typed client of the local daemon's control socket. */
export class DaemonClient {
  private nextId = 1
  private constructor(private readonly socket: Socket, private readonly path: string) {}

  static async connect(runDir: string): Promise<DaemonClient> {
    const path = socketPath(runDir)
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path)
      s.once('connect', () => resolve(s))
      s.once('error', (error: NodeJS.ErrnoException) => {
        reject(['ENOENT', 'ECONNREFUSED', 'ENOTDIR'].includes(error.code ?? '') ? notRunning(path)
          : error.code === 'EACCES' ? new HactlError('permission', `permission denied on ${path}: run as root or as a member of group haclient`, 1)
            : error)
      })
    })
    return new DaemonClient(socket, path)
  }

  async call<M extends Method>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
    const id = this.nextId++
    this.socket.write(`${JSON.stringify({id, method, params})}\n`)
    const reply = await this.readReply(id)
    if (reply.ok) return reply.result as RequestMap[M]['result']
    throw new HactlError(reply.error.code, reply.error.message, reply.error.exitCode)
  }

  private readReply(id: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
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
    this.socket.end()
  }
}

/** Connects, makes one call, closes. */
export async function callDaemon<M extends Method>(runDir: string, method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
  const client = await DaemonClient.connect(runDir)
  try {
    return await client.call(method, params)
  } finally {
    client.close()
  }
}
