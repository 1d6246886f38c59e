// The demo's and tests' HTTP client, run inside a client namespace: requests on
// fresh connections, one JSON line per request on stdout:
//   {"i":0,"atMs":...,"ok":true,"who":"n2","ms":1.4} or {"ok":false,"error":"ECONNREFUSED"}
//
//   node http-client.js URL [URL...] [--count N] [--duration MS] [--gap MS] [--timeout MS]
// With several URLs, request i goes to URL i mod their number ("u" in the line).
import {request} from 'node:http'

const firstFlag = process.argv.findIndex((a, i) => i >= 2 && a.startsWith('--'))
const urls = process.argv.slice(2, firstFlag < 0 ? undefined : firstFlag).map((u) => new URL(u))
if (urls.length === 0) urls.push(new URL('http://127.0.0.1/'))
const opt = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? fallback : Number(process.argv[at + 1])
}
const count = opt('count', 0)
const durationMs = opt('duration', 0)
const gapMs = opt('gap', 0)
const timeoutMs = opt('timeout', 1000)

function once(url: URL): Promise<{ok: boolean, who?: string, error?: string, ms: number}> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    let done = false
    const finish = (r: {ok: boolean, who?: string, error?: string}) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve({...r, ms: Math.round((performance.now() - t0) * 1000) / 1000})
    }
    const req = request({host: url.hostname, port: url.port || 80, path: url.pathname, agent: false, headers: {connection: 'close'}}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => finish({ok: res.statusCode === 200, who: body.trim()}))
      res.on('error', (e) => finish({ok: false, error: (e as NodeJS.ErrnoException).code ?? e.message}))
    })
    const timer = setTimeout(() => {
      finish({ok: false, error: 'timeout'})
      req.destroy()
    }, timeoutMs)
    req.on('error', (e) => finish({ok: false, error: (e as NodeJS.ErrnoException).code ?? e.message}))
    req.end()
  })
}

const start = Date.now()
for (let i = 0; (count > 0 && i < count) || (durationMs > 0 && Date.now() - start < durationMs); i++) {
  const atMs = Date.now()
  const u = i % urls.length
  const r = await once(urls[u]!)
  process.stdout.write(`${JSON.stringify(urls.length > 1 ? {i, u, atMs, ...r} : {i, atMs, ...r})}\n`)
  if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
}
