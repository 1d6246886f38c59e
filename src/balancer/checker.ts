// The balancer's health checker: one small process per balancer, started by the
// agent (ocf:hactl:balancer start) on the node that holds the balancer. It checks
// every backend of STATE/backends every interval; when a backend goes down or comes
// back (rise/fall, src/core/balancer/health.ts) it rewrites STATE/down and asks the
// agent to render the table again (`balancer apply`, one nft transaction). SIGHUP:
// the agent's reload changed the backend list. SIGTERM: the agent's stop.
//
// It also counts each backend's connections from conntrack (/proc/net/nf_conntrack
// of this namespace) into STATE/health.json, which `hactl status` shows on this node.
// CHECK "none": no health checks, only the counts.
//
//   node checker.js STATE_DIR AGENT CHECK TARGET_PORT INTERVAL_MS TIMEOUT_MS RISE FALL VIP PORT PROTOCOL
import {execFile} from 'node:child_process'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {connect} from 'node:net'
import {join} from 'node:path'
import {connectionsByBackend, type BackendConnections} from '../core/balancer/conntrack.js'
import {initialHealth, parseHealthCheck, recordCheck, type BackendHealth, type HealthCheck} from '../core/balancer/health.js'

const [stateDir, agent, checkText, portText, intervalText, timeoutText, riseText, fallText, vip, vipPort, protocol] = process.argv.slice(2)
const parsed = checkText === 'none' ? {kind: 'none' as const} : parseHealthCheck(checkText ?? '')
if (typeof parsed === 'string' || !stateDir || !agent) {
  process.stderr.write(`checker: ${typeof parsed === 'string' ? parsed : 'usage: checker STATE AGENT CHECK PORT INTERVAL TIMEOUT RISE FALL'}\n`)
  process.exit(2)
}
const check = parsed as HealthCheck | {kind: 'none'}
const port = Number(portText)
const intervalMs = Number(intervalText)
const timeoutMs = Number(timeoutText)
const settings = {rise: Number(riseText), fall: Number(fallText)}

interface Backend {name: string, addr: string, health: BackendHealth, since: number, timer?: NodeJS.Timeout}
let backends = new Map<string, Backend>()

function readBackends(): Array<{name: string, addr: string}> {
  try {
    return readFileSync(join(stateDir, 'backends'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const [name, addr] = l.trim().split(/\s+/)
      return {name: name!, addr: addr!}
    })
  } catch {
    return []
  }
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`)
}

function probe(addr: string, what: HealthCheck | {kind: 'none'}): Promise<boolean> {
  if (what.kind === 'none') return Promise.resolve(true)
  return new Promise((resolve) => {
    let done = false
    const finish = (ok: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(ok)
    }
    const timer = setTimeout(() => {
      finish(false)
      socket?.destroy()
      req?.destroy()
    }, timeoutMs)
    let socket: ReturnType<typeof connect> | undefined
    let req: ReturnType<typeof request> | undefined
    if (what.kind === 'tcp') {
      socket = connect({host: addr, port}, () => {
        finish(true)
        socket!.destroy()
      })
      socket.on('error', () => finish(false))
    } else {
      req = request({host: addr, port, path: what.path, method: 'GET', agent: false, headers: {connection: 'close', 'user-agent': 'hactl-balancer-check'}}, (res) => {
        res.resume()
        finish(res.statusCode === what.status)
      })
      req.on('error', () => finish(false))
      req.end()
    }
  })
}

let applying = false
let again = false

function apply(): void {
  const down = [...backends.values()].filter((b) => !b.health.up).map((b) => b.name)
  writeAtomic('down', down.map((n) => `${n}\n`).join(''))
  if (applying) {
    again = true
    return
  }
  applying = true
  execFile(agent, ['apply'], {env: process.env, timeout: 15_000}, (error, _stdout, stderr) => {
    applying = false
    if (error && (error as {code?: unknown}).code === 7) {
      log('the balancer is stopped: exiting')
      process.exit(0)
    }
    if (error) log(`apply failed: ${String(stderr).trim() || error.message}`)
    if (again) {
      again = false
      apply()
    }
  })
}

let connections: Record<string, BackendConnections> = {}

function writeHealth(): void {
  const health: Record<string, {addr: string, up: boolean, since: number, checked: boolean} & Partial<BackendConnections>> = {}
  for (const b of backends.values()) health[b.name] = {addr: b.addr, up: b.health.up, since: b.since, checked: check.kind !== 'none', ...(connections[b.addr] ?? {established: 0, total: 0})}
  writeAtomic('health.json', JSON.stringify(health))
}

function countConnections(): void {
  try {
    const next = connectionsByBackend(readFileSync('/proc/net/nf_conntrack', 'utf8'), vip ?? '', vipPort ?? '', protocol || 'tcp')
    if (JSON.stringify(next) !== JSON.stringify(connections)) {
      connections = next
      writeHealth()
    }
  } catch {
    // No conntrack here: no counts.
  }
}

function writeAtomic(name: string, text: string): void {
  try {
    writeFileSync(join(stateDir, `${name}.tmp`), text)
    renameSync(join(stateDir, `${name}.tmp`), join(stateDir, name))
  } catch (error) {
    log(`cannot write ${name}: ${(error as Error).message}`)
  }
}

function schedule(backend: Backend, delayMs: number): void {
  backend.timer = setTimeout(async () => {
    const ok = await probe(backend.addr, check)
    if (backends.get(backend.name) !== backend) return
    const step = recordCheck(backend.health, ok, settings)
    backend.health = step.health
    if (step.changed) {
      backend.since = Date.now()
      log(`${backend.name} ${backend.addr}:${port} is ${backend.health.up ? 'up' : 'down'}`)
      writeHealth()
      apply()
    }
    schedule(backend, intervalMs)
  }, delayMs)
}

function load(): void {
  const next = new Map<string, Backend>()
  let removedDown = false
  for (const {name, addr} of readBackends()) {
    if (check.kind === 'none') {
      next.set(name, backends.get(name)?.addr === addr ? backends.get(name)! : {name, addr, health: initialHealth(), since: Date.now()})
      continue
    }
    const old = backends.get(name)
    if (old && old.addr === addr) {
      next.set(name, old)
      continue
    }
    if (old?.timer) clearTimeout(old.timer)
    const backend: Backend = {name, addr, health: initialHealth(), since: Date.now()}
    next.set(name, backend)
    schedule(backend, 0)
  }
  for (const [name, old] of backends) {
    if (next.get(name) === old) continue
    if (old.timer) clearTimeout(old.timer)
    if (!old.health.up) removedDown = true
  }
  backends = next
  writeHealth()
  if (removedDown) apply()
}

process.on('SIGHUP', load)
process.on('SIGTERM', () => process.exit(0))
log(check.kind === 'none' ? `counting connections every ${intervalMs} ms (no health check)` : `checking ${checkText} on port ${port} every ${intervalMs} ms (timeout ${timeoutMs} ms, rise ${settings.rise}, fall ${settings.fall})`)
load()
setInterval(countConnections, Math.max(intervalMs, 500))
