// The daemon's side of the control socket (src/client is the other): one JSON
// request per line, one reply per request, in order. The socket is 0660, owned by
// root and by group haclient when that group exists (Pacemaker's convention).
import {chmod, chown, mkdir, readFile, rm} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {dirname} from 'node:path'
import {HactlError, normalizeError} from '../cli/errors.js'
import {MAX_LINE_BYTES, type Method, type Reply, type Request, type RequestMap} from '../client/protocol.js'
import type {Logger} from './logger.js'

export type Handlers = {[M in Method]: (params: RequestMap[M]['params']) => Promise<RequestMap[M]['result']>}

async function groupId(name: string): Promise<number | undefined> {
  try {
    const line = (await readFile('/etc/group', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`))
    return line === undefined ? undefined : Number(line.split(':')[2])
  } catch {
    return undefined
  }
}

export class ControlServer {
  private server: Server | undefined
  private readonly clients = new Set<Socket>()

  constructor(private readonly path: string, private readonly handlers: Handlers, private readonly logger: Logger) {}

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
    for (const socket of this.clients) socket.destroy()
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve())
    await rm(this.path, {force: true})
  }

  private serve(socket: Socket): void {
    this.clients.add(socket)
    let buffered = ''
    let chain = Promise.resolve()
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8')
      if (buffered.length > MAX_LINE_BYTES) {
        this.logger.log('warning', 'control-request-too-large')
        socket.destroy()
        return
      }
      let end: number
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 1)
        chain = chain.then(() => this.answer(socket, line))
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => this.clients.delete(socket))
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    let reply: Reply
    let id = 0
    try {
      const request = JSON.parse(line) as Request
      id = Number(request.id) || 0
      const handler = this.handlers[request.method] as ((params: unknown) => Promise<unknown>) | undefined
      if (typeof handler !== 'function') throw new HactlError('unknown-method', `unknown request ${JSON.stringify(request.method)}`, 2)
      reply = {id, ok: true, result: await handler(request.params ?? {})}
    } catch (error) {
      const {code, message, exitCode} = normalizeError(error)
      if (code === 'internal') this.logger.log('error', 'control-request-failed', {error: (error as Error).stack ?? String(error)})
      reply = {id, ok: false, error: {code, message, exitCode}}
    }
    if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`)
  }
}
