// The resource guard process: `node dist/guard/main.js RUN_DIR`. Started by
// `hactl daemon` (src/daemon/guard-link.ts) in its own session so that it outlives
// the daemon; the decisions are in src/core/guard, this file only wires a Unix
// socket, one timer and child processes to them. It imports nothing heavy on
// purpose: it must be up, and stay up, when the daemon is not.
import {execFile} from 'node:child_process'
import {chmodSync, closeSync, createWriteStream, lstatSync, mkdirSync, openSync, readdirSync, rmdirSync, unlinkSync, writeSync} from 'node:fs'
import {createConnection, createServer, type Server, type Socket} from 'node:net'
import {networkInterfaces, setPriority} from 'node:os'
import {join} from 'node:path'
import {hostMonotonicMs} from '../daemon/clock.js'
import {FEED_BYTES, feedDirFor, readFeed} from './feed-file.js'
import {ADDRESS_DROP_BUDGET_MS, describeCause, GUARD_LINE_BYTES_MAX, initialGuard, nextDeadline, parseGuardMessage, stepGuard, type GuardEvent, type GuardOutput, type GuardState, type GuardToDaemon, type HeldAddress, type HeldInstance, type TripReport} from '../core/guard/index.js'

/** A guard nobody talks to and that holds nothing goes away after this long. */
const IDLE_EXIT_MS = 10_000
/** Undelivered trip reports kept for the next daemon. */
const TRIPS_KEPT_MAX = 20
/** Until the first hello, a lease that cannot trip anything (nothing is held yet). */
const INITIAL_LEASE_MS = 1_000

const runDir = process.argv[2]
if (!runDir) {
  process.stderr.write('usage: guard RUN_DIR\n')
  process.exit(2)
}
const socketPath = join(runDir, 'guard.sock')
const logPath = join(runDir, 'guard.log')
const now = (): number => performance.now()

// The log is written through a stream (libuv's thread pool), never synchronously: on a host
// whose disk is busy with writeback an append can block for hundreds of milliseconds, and a
// guard blocked in its log is a guard that drops its VIP late (seen in CI after the PostgreSQL
// tests). The log is for people; the guard's job does not depend on it.
const logStream = createWriteStream(logPath, {flags: 'a'})
logStream.on('error', () => {})

function log(level: string, event: string, fields: Record<string, unknown> = {}): void {
  const pairs = Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')
  logStream.write(`${new Date().toISOString()} ${level} ${event}${pairs ? ` ${pairs}` : ''}\n`)
}

let state: GuardState = initialGuard(INITIAL_LEASE_MS)
let daemon: Socket | undefined
let deadlineTimer: NodeJS.Timeout | undefined
let idleTimer: NodeJS.Timeout | undefined
const undelivered: TripReport[] = []
let tripping: Promise<void> = Promise.resolve()
let server: Server

/**
 * The feed file (see DaemonToGuard 'feed'; where it lives: feed-file.ts): the daemon
 * writes the time of each feed into it instead of a socket line, and the guard reads
 * it only when its lease is about to run out. A feed then costs the daemon one pwrite
 * and the guard nothing: the guard wakes about once a lease instead of at every
 * heartbeat (bench/idle.ts: its wake-ups and CPU). A new file for every daemon that
 * says hello: a daemon that was taken over keeps its descriptor to the old, unlinked
 * file, and what it writes there renews nothing.
 */
let feedDir: string | null | undefined
let feedFile: {path: string, fd: number} | undefined
let feedFiles = 0
const FEED_PREFIX = 'guard-feed-'

/**
 * The feed directory, made ready: created 0700 when it is ours to create, refused
 * when it is not a directory this user owns and alone can enter (in /dev/shm anyone
 * may have made it first), emptied of the feed files a killed guard of this run
 * directory left (one guard per run directory runs: main() checks).
 */
function prepareFeedDir(): string | null {
  const dir = feedDirFor(runDir)
  if (dir === null) return null
  try {
    if (dir !== runDir) {
      try {
        mkdirSync(dir, {mode: 0o700})
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const st = lstatSync(dir)
      if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
        log('warning', 'guard-feed-dir-refused', {path: dir, why: 'not a private directory of this user; feeds come over the socket'})
        return null
      }
    }
    for (const name of readdirSync(dir)) if (name.startsWith(FEED_PREFIX)) unlinkSync(join(dir, name))
    return dir
  } catch (error) {
    log('warning', 'guard-feed-dir-failed', {path: dir, error: String((error as Error).message)})
    return null
  }
}

function closeFeedFile(): void {
  if (!feedFile) return
  try {
    closeSync(feedFile.fd)
    unlinkSync(feedFile.path)
  } catch {
    // already gone
  }
  feedFile = undefined
}

/** A fresh, zeroed feed file for the daemon that just said hello; its path, or undefined (socket feeds). */
function newFeedFile(): string | undefined {
  closeFeedFile()
  feedDir ??= prepareFeedDir()
  if (feedDir === null) return undefined
  const path = join(feedDir, `${FEED_PREFIX}${process.pid}-${++feedFiles}`)
  try {
    try {
      unlinkSync(path)
    } catch {
      // none left over
    }
    // O_EXCL: never a file (or a link) someone else put there.
    const fd = openSync(path, 'wx+', 0o600)
    writeSync(fd, new Uint8Array(FEED_BYTES), 0, FEED_BYTES, 0)
    feedFile = {path, fd}
    return path
  } catch (error) {
    log('warning', 'guard-feed-file-failed', {path, error: String((error as Error).message)})
    return undefined
  }
}

/** The deadline came: first what the daemon wrote into the feed file since the last look (dated by when it was written), then the lease's check. */
function onDeadline(): void {
  const at = state.connected && feedFile ? readFeed(feedFile.fd) : undefined
  if (at !== undefined) apply({type: 'feed', nowMs: now(), sentAgoMs: hostMonotonicMs() - at})
  step({type: 'tick', nowMs: now()})
}

/** One event through the machine, its outputs carried out. */
function apply(event: GuardEvent): void {
  const {state: next, outputs} = stepGuard(state, event)
  state = next
  for (const output of outputs) carryOut(output)
}

/** An event, then the timers for the state it leaves. */
function step(event: GuardEvent): void {
  apply(event)
  armDeadline()
  armIdleExit()
}

function armDeadline(): void {
  clearTimeout(deadlineTimer)
  const deadline = nextDeadline(state)
  if (deadline === null) return
  // Timers run before the event loop polls the socket: a guard scheduled late would see the
  // deadline before the feeds that arrived meanwhile. setImmediate runs after the poll, so
  // those feeds (each dated by when it was written) are counted first.
  deadlineTimer = setTimeout(() => setImmediate(onDeadline), Math.max(0, Math.ceil(deadline - now())))
}

function armIdleExit(): void {
  clearTimeout(idleTimer)
  if (state.connected || state.held.length > 0) return
  idleTimer = setTimeout(() => shutdown('idle'), IDLE_EXIT_MS)
}

function carryOut(output: GuardOutput): void {
  if (output.type === 'exit') {
    void tripping.then(() => shutdown('released'))
    return
  }
  if (output.type === 'strip') {
    const started = now()
    void Promise.all(output.addresses.map(removeAddress)).then((removed) => {
      // A VIP's safety delay counts on this taking at most ADDRESS_DROP_BUDGET_MS (src/core/guard/budget.ts).
      const durationMs = Math.round(now() - started)
      log(durationMs > ADDRESS_DROP_BUDGET_MS ? 'crit' : 'notice', durationMs > ADDRESS_DROP_BUDGET_MS ? 'guard-strip-slow' : 'guard-strip',
        {addresses: removed.filter((ip) => ip !== null), duration_ms: durationMs, budget_ms: ADDRESS_DROP_BUDGET_MS})
    })
    return
  }
  // Addresses go now, synchronously queued before anything else; stops follow.
  const started = now()
  const removals = output.addresses.map(removeAddress)
  log('crit', 'guard-trip', {cause: describeCause(output.cause), instances: output.stops.map((s) => s.id), addresses: output.addresses.map((a) => a.ip)})
  tripping = tripping.then(async () => {
    const removed = (await Promise.all(removals)).filter((ip): ip is string => ip !== null)
    const removalMs = Math.round(now() - started)
    if (removalMs > ADDRESS_DROP_BUDGET_MS && output.addresses.length > 0) log('crit', 'guard-trip-slow', {addresses: removed, duration_ms: removalMs, budget_ms: ADDRESS_DROP_BUDGET_MS})
    const failures: TripReport['failures'] = []
    for (const instance of output.stops) {
      const problem = await runStop(instance)
      if (problem) failures.push({id: instance.id, reason: problem})
    }
    // A start that was in flight when the daemon died may have added its address after the first pass.
    for (const ip of (await Promise.all(output.addresses.map(removeAddress))).filter((x): x is string => x !== null)) if (!removed.includes(ip)) removed.push(ip)
    const report: TripReport = {cause: output.cause, atWallMs: Date.now(), instances: output.stops.map((s) => s.id), addressesRemoved: removed, failures, durationMs: Math.round(now() - started)}
    log(failures.length ? 'crit' : 'notice', 'guard-trip-done', {...report, cause: describeCause(report.cause)})
    deliver(report)
  })
}

function deliver(report: TripReport): void {
  if (daemon && state.connected) send(daemon, {t: 'tripped', report})
  else {
    undelivered.push(report)
    if (undelivered.length > TRIPS_KEPT_MAX) undelivered.shift()
  }
}

/**
 * Finds the interface holding the address and removes it with ip(8). Resolves to
 * the ip when removed. The lookup is in-process (no fork) for interfaces that are
 * up; libuv does not list interfaces that are down, so those are asked of ip(8).
 */
async function removeAddress(address: HeldAddress): Promise<string | null> {
  const found = findAddress(address) ?? await askIp(address)
  if (!found) return null
  return new Promise((resolve) => {
    execFile('ip', ['addr', 'del', `${address.ip}/${found.prefix}`, 'dev', found.dev], {timeout: 5_000}, (error) => {
      if (error) log('error', 'guard-address-not-removed', {ip: address.ip, dev: found.dev, error: String(error.message)})
      resolve(error ? null : address.ip)
    })
  })
}

function findAddress(address: HeldAddress): {dev: string, prefix: number} | undefined {
  for (const [dev, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.address === address.ip) return {dev, prefix: address.prefix ?? Number(entry.cidr?.split('/')[1] ?? (entry.family === 'IPv6' ? 128 : 32))}
    }
  }
  return undefined
}

function askIp(address: HeldAddress): Promise<{dev: string, prefix: number} | undefined> {
  return new Promise((resolve) => {
    execFile('ip', ['-o', 'addr', 'show', 'to', address.ip], {timeout: 5_000}, (error, stdout) => {
      // "2: eth0    inet 10.213.0.100/24 scope global eth0 ..."
      const match = error ? null : /^\d+:\s+([^\s@]+)\S*\s+inet6?\s+([^\s/]+)\/(\d+)/m.exec(String(stdout))
      resolve(match && match[2] === address.ip ? {dev: match[1], prefix: address.prefix ?? Number(match[3])} : undefined)
    })
  })
}

/** A Promoted instance is demoted first (as a transition would; agents such as Stateful refuse to stop Promoted), then stopped. */
async function runStop(instance: HeldInstance): Promise<string | null> {
  if (instance.demote) {
    const problem = await runCommand('demote', instance.demote)
    if (problem) log('warning', 'guard-demote-failed', {id: instance.id, reason: problem})
  }
  return runCommand('stop', instance.stop)
}

function runCommand(what: string, command: HeldInstance['stop']): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command.file, command.args, {env: command.env, timeout: command.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024}, (error) => {
      if (!error) return resolve(null)
      const code = (error as NodeJS.ErrnoException & {code?: unknown}).code
      resolve(error.killed ? `${what} timed out after ${command.timeoutMs} ms` : `${what} failed (${typeof code === 'number' ? `exit ${code}` : String(code ?? error.message)})`)
    })
  })
}

function send(socket: Socket, message: GuardToDaemon): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`)
}

function onConnection(socket: Socket): void {
  let buffer = ''
  let greeted = false
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (buffer.length > GUARD_LINE_BYTES_MAX) {
      log('error', 'guard-line-too-long', {bytes: buffer.length})
      socket.destroy()
      return
    }
    let at: number
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at)
      buffer = buffer.slice(at + 1)
      const message = parseGuardMessage(line)
      if (message === null) {
        log('warning', 'guard-bad-message', {bytes: line.length})
        continue
      }
      if (message.t === 'hello') {
        // A new daemon takes over; the previous connection (a dead or stuck daemon) is let go without a trip.
        if (daemon && daemon !== socket) {
          const old = daemon
          daemon = undefined
          old.destroy()
        }
        daemon = socket
        greeted = true
        step({type: 'hello', nowMs: now(), leaseMs: message.leaseMs})
        const feed = newFeedFile()
        send(socket, {t: 'welcome', v: 1, held: state.held.map((h) => h.id), trips: undelivered.splice(0), ...(feed ? {feed} : {})})
        log('notice', 'guard-daemon-connected', {pid: message.pid, lease_ms: message.leaseMs, held: state.held.length, feed: feed ?? 'socket'})
        continue
      }
      if (!greeted || daemon !== socket) continue
      switch (message.t) {
        case 'feed': step({type: 'feed', nowMs: now(), ...(message.at === undefined ? {} : {sentAgoMs: hostMonotonicMs() - message.at})}); break
        case 'hold':
          step({type: 'hold', nowMs: now(), held: message.held})
          send(socket, {t: 'held', seq: message.seq})
          break
        case 'drop': step({type: 'drop', nowMs: now(), reason: message.reason}); break
        case 'strip': step({type: 'strip', nowMs: now()}); break
        case 'release':
          greeted = false
          step({type: 'release', nowMs: now()})
          break
      }
    }
  })
  const gone = (): void => {
    if (daemon !== socket) return
    daemon = undefined
    if (greeted) step({type: 'disconnect', nowMs: now()})
  }
  socket.on('close', gone)
  socket.on('error', () => socket.destroy())
}

function shutdown(why: string): void {
  log('notice', 'guard-exit', {why})
  try {
    unlinkSync(socketPath)
  } catch {
    // already gone
  }
  closeFeedFile()
  if (feedDir && feedDir !== runDir) {
    try {
      rmdirSync(feedDir)
    } catch {
      // not empty or gone: the next guard of this run directory empties it
    }
  }
  server?.close()
  // What is still queued for the log is written before the guard goes (bounded: it exits regardless).
  setTimeout(() => process.exit(0), 1_000).unref()
  logStream.end(() => process.exit(0))
}

/** One guard per run directory: a live one answering on the socket wins. */
function alreadyRunning(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

async function main(): Promise<void> {
  if (await alreadyRunning()) process.exit(0)
  try {
    unlinkSync(socketPath)
  } catch {
    // no stale socket
  }
  try {
    // Its timers must fire on time on a busy host; root may raise its priority.
    setPriority(-10)
  } catch {
    // not allowed here: run at normal priority
  }
  server = createServer({allowHalfOpen: false}, onConnection)
  server.maxConnections = 4
  server.on('error', (error) => {
    log('crit', 'guard-socket-failed', {path: socketPath, error: String(error.message)})
    process.exit(1)
  })
  server.listen(socketPath, () => {
    chmodSync(socketPath, 0o600)
    log('notice', 'guard-started', {pid: process.pid, socket: socketPath})
    armIdleExit()
  })
  // Signals meant for the daemon's process group never reach this session; a
  // SIGTERM aimed at the guard itself drops what it holds (it is no longer watched).
  process.on('SIGTERM', () => {
    step({type: 'drop', nowMs: now(), reason: 'the guard received SIGTERM'})
    void tripping.then(() => shutdown('SIGTERM'))
  })
  process.on('SIGHUP', () => {})
}

void main()
