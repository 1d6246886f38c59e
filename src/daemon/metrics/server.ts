// The /metrics HTTP endpoint: GET only, small and bounded — a few connections at
// once, short timeouts, no request bodies — so a scraper (or anyone who can reach
// the address) cannot make the daemon do more than render the metrics.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {Logger} from '../logger.js'

export interface MetricsServerOptions {
  host: string
  port: number
  render(): Promise<{contentType: string, body: string}>
  logger: Logger
}

const MAX_CONNECTIONS = 8
const TIMEOUT_MS = 5_000

export class MetricsServer {
  private server: Server | undefined

  constructor(private readonly options: MetricsServerOptions) {}

  /** Resolves once listening; rejects when the address cannot be bound (the caller logs and goes on). */
  async start(): Promise<void> {
    const server = createServer({requestTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS, maxHeaderSize: 8192}, (req, res) => void this.answer(req, res))
    server.maxConnections = MAX_CONNECTIONS
    server.keepAliveTimeout = TIMEOUT_MS
    server.setTimeout(TIMEOUT_MS, (socket) => socket.destroy())
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (error) => this.options.logger.log('warning', 'metrics-server-error', {error: String(error.message)}))
    this.server = server
  }

  get port(): number {
    const address = this.server?.address()
    return typeof address === 'object' && address ? address.port : this.options.port
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {allow: 'GET, HEAD', 'content-type': 'text/plain'}).end('method not allowed\n')
      return
    }
    if (path === '/') {
      res.writeHead(200, {'content-type': 'text/plain'}).end('hactl: metrics at /metrics\n')
      return
    }
    if (path !== '/metrics') {
      res.writeHead(404, {'content-type': 'text/plain'}).end('not found\n')
      return
    }
    try {
      const {contentType, body} = await this.options.render()
      res.writeHead(200, {'content-type': contentType})
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch (error) {
      this.options.logger.log('error', 'metrics-render-failed', {error: String((error as Error).message)})
      res.writeHead(500, {'content-type': 'text/plain'}).end('metrics unavailable\n')
    }
  }
}
