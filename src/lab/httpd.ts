// A tiny HTTP server for the active-active demo and tests: answers every request
// with the name of the node it runs on (found by the address the request arrived
// at, from NAME=ADDR pairs), one line; GET /health answers "ok".
//
//   node httpd.js PORT NAME=ADDR[,NAME=ADDR...]
import {createServer} from 'node:http'

const port = Number(process.argv[2])
const names = new Map((process.argv[3] ?? '').split(',').filter(Boolean).map((pair) => {
  const at = pair.indexOf('=')
  return [pair.slice(at + 1), pair.slice(0, at)] as const
}))

const server = createServer((req, res) => {
  const local = (req.socket.localAddress ?? '').replace(/^::ffff:/, '')
  const name = names.get(local) ?? local
  res.writeHead(200, {'content-type': 'text/plain', connection: 'close'})
  res.end(req.url === '/health' ? 'ok\n' : `${name}\n`)
})
server.keepAliveTimeout = 1000
server.listen(port, '0.0.0.0')
process.on('SIGTERM', () => process.exit(0))
