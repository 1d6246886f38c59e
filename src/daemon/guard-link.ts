// The daemon's side of the resource guard (src/guard/main.ts, decisions in
// src/core/guard): finds the node's running guard or starts one in its own session,
// says hello, feeds it every heartbeat, tells it what this node holds before any
// start, and hears about trips. The daemon starts nothing while it has no guard.
import {spawn} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {closeSync, constants as fsConstants, existsSync, openSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {createConnection, type Socket} from 'node:net'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {GUARD_LINE_BYTES_MAX, type DaemonToGuard, type GuardToDaemon, type HeldInstance, type TripReport} from '../core/guard/index.js'
import {writeFeed} from '../guard/feed-file.js'
import {hostMonotonicMs} from './clock.js'
import type {Logger} from './logger.js'
import {DAEMON_NODE_FLAGS} from './node-flags.js'
import {REALTIME_PRIORITY, tryRealtime} from './sd-notify.js'

const CONNECT_TRIES = 40
const CONNECT_RETRY_MS = 50
const ACK_TIMEOUT_MS = 2_000
/** A feed is `{"t":"feed","at":MS}`: this prefix, the host's CLOCK_MONOTONIC in ms, `}`. */
const FEED_PREFIX = '{"t":"feed","at":'

/** dist/guard/main.js next to this module's dist/daemon/; from the sources (tsx) the same layout under src/. */
export function guardProgram(): string[] {
  const here = dirname(fileURLToPath(import.meta.url))
  const js = join(here, '..', 'guard', 'main.js')
  if (existsSync(js)) return [js]
  return ['--import', 'tsx', join(here, '..', 'guard', 'main.ts')]
}

export class GuardUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GuardUnavailableError'
  }
}

function parseReply(line: string): GuardToDaemon | null {
  try {
    const v = JSON.parse(line) as GuardToDaemon
    if (typeof v !== 'object' || v === null || typeof v.t !== 'string') return null
    if (v.t === 'held' && Number.isSafeInteger(v.seq)) return v
    if (v.t === 'tripped' && typeof v.report === 'object' && v.report !== null && Array.isArray(v.report.instances)) return v
    if (v.t === 'welcome' && Array.isArray(v.held) && Array.isArray(v.trips) && (v.feed === undefined || (typeof v.feed === 'string' && v.feed.startsWith('/')))) return v
    return null
  } catch {
    return null
  }
}

/**
 * Whether a membership step feeds the guard: `heartbeat` when the step sent this
 * node's heartbeat, `sinceLastFeedMs` since the last feed (Infinity: none yet),
 * `heartbeatMs` the interval.
 *
 * A step that sent a heartbeat always feeds; any other step (a peer's packet)
 * feeds when half a heartbeat interval passed since the last feed, so a busy
 * network costs no more writes than that. Feeding only once per heartbeat was
 * tried (bench/idle.ts: ~15 fewer writes a second, no measurable CPU) and left out:
 * it shrinks the event-loop lag a running daemon survives without a false trip
 * from lease - H/2 - (gap between packets) to lease - H, and idle runs on the
 * loaded test machine did see lease-expired trips of healthy daemons.
 *
 * Why the lease (guardLeaseMs: L = T - 2H, at least 2H, or T/2 when T < 4H) and
 * `hactl cluster timing`'s bounds hold:
 *  - Safety (src/core/guard/budget.ts): a feed happens only inside a step, so a
 *    daemon that stalls at time s fed last at some f <= s. Its last heartbeat went
 *    out at t <= s and, had it kept running, the next was due at t + H > s, so the
 *    trip starts at f + L <= s + L < t + H + L, the bound budget.ts counts from
 *    lastHeard (>= t). And since the step that sends a heartbeat always feeds,
 *    f >= t: the last feed is no earlier than the last heartbeat, as budget.ts
 *    states (skipping by time alone could drop the heartbeat's own feed).
 *  - No false trips: the machine sends a heartbeat every H (nextDeadline always
 *    includes it), so a running daemon feeds at least every H plus its event-loop
 *    lag; with peers' packets in between, every H/2 or so.
 */
export function feedDue(heartbeat: boolean, sinceLastFeedMs: number, heartbeatMs: number): boolean {
  return heartbeat || sinceLastFeedMs >= heartbeatMs / 2
}

export interface GuardLinkOptions {
  runDir: string
  leaseMs: number
  /** The membership's heartbeat interval: the daemon feeds the guard once per heartbeat (feedDue). */
  feedEveryMs: number
  logger: Logger
}

/**
 * Events: 'tripped' (report: TripReport) — the guard stopped instances this daemon
 * believed it held; 'lost' — the connection to the guard is gone (it reconnects by itself).
 */
export class GuardLink extends EventEmitter {
  private socket: Socket | undefined
  /** The guard's feed file, when its welcome named one: feeds are a pwrite there, not a socket line. */
  private feedFd: number | undefined
  private lastFeedMs = -Infinity
  private seq = 0
  private readonly acks = new Map<number, {resolve: () => void, reject: (error: Error) => void, timer: NodeJS.Timeout}>()
  private held: HeldInstance[] = []
  private closing = false
  private connecting: Promise<void> | undefined

  constructor(private readonly options: GuardLinkOptions) {
    super()
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed
  }

  /** Connects to the node's guard, starting one if none answers; resolves once it said welcome. */
  async open(): Promise<void> {
    this.connecting ??= this.connect().finally(() => { this.connecting = undefined })
    return this.connecting
  }

  private async connect(): Promise<void> {
    const path = join(this.options.runDir, 'guard.sock')
    await mkdir(this.options.runDir, {recursive: true, mode: 0o755})
    let socket = await this.tryConnect(path)
    if (!socket) {
      this.spawnGuard()
      for (let i = 0; i < CONNECT_TRIES && !socket; i++) {
        await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS))
        socket = await this.tryConnect(path)
      }
    }
    if (!socket) throw new GuardUnavailableError(`the resource guard did not come up on ${path} (see ${join(this.options.runDir, 'guard.log')})`)
    await this.greet(socket)
  }

  private tryConnect(path: string): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const s = createConnection(path)
      s.once('connect', () => {
        s.removeAllListeners('error')
        resolve(s)
      })
      s.once('error', () => resolve(undefined))
    })
  }

  private spawnGuard(): void {
    // Its own session and process group: a signal to the daemon's group, or the
    // daemon's death, leaves the guard running. Its log is a file in the run directory.
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...guardProgram(), this.options.runDir], {detached: true, stdio: 'ignore'})
    child.unref()
    this.options.logger.log('notice', 'guard-spawned', {pid: child.pid ?? null, lease_ms: this.options.leaseMs})
    // SCHED_RR by default (HACTL_REALTIME=0: not), above the daemon's own priority when that is realtime
    // too: a trip is due exactly when the daemon is not running, and on a busy host a guard
    // scheduled late would drop the VIP after a survivor started it. The guard is idle but for
    // its socket and lease timer; what it forks (ip, stop agents) runs under the normal scheduler.
    if (child.pid !== undefined && process.env.HACTL_REALTIME !== '0') {
      void tryRealtime(REALTIME_PRIORITY + 1, child.pid).then((r) => {
        if (!r.ok) this.options.logger.log('notice', 'guard-realtime-refused', {reason: r.reason})
      })
    }
  }

  private greet(socket: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffer = ''
      let welcomed = false
      socket.setEncoding('utf8')
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new GuardUnavailableError('the resource guard did not answer its hello'))
      }, ACK_TIMEOUT_MS)
      socket.on('data', (chunk: string) => {
        buffer += chunk
        if (buffer.length > GUARD_LINE_BYTES_MAX) return void socket.destroy()
        let at: number
        while ((at = buffer.indexOf('\n')) >= 0) {
          const message = parseReply(buffer.slice(0, at))
          buffer = buffer.slice(at + 1)
          if (!message) continue
          if (message.t === 'welcome' && !welcomed) {
            welcomed = true
            clearTimeout(timer)
            this.socket = socket
            this.openFeedFile(message.feed)
            for (const report of message.trips) this.onTripped(report)
            if (message.held.length > 0) this.options.logger.log('notice', 'guard-taken-over', {held: message.held})
            // What this daemon holds is what its probes find; until then the guard keeps what it had.
            if (this.held.length > 0) void this.hold(this.held).catch(() => {})
            resolve()
          } else if (message.t === 'held') {
            const ack = this.acks.get(message.seq)
            if (ack) {
              clearTimeout(ack.timer)
              this.acks.delete(message.seq)
              ack.resolve()
            }
          } else if (message.t === 'tripped') this.onTripped(message.report)
        }
      })
      socket.on('close', () => {
        clearTimeout(timer)
        if (!welcomed) return reject(new GuardUnavailableError('the resource guard closed the connection'))
        if (this.socket === socket) this.onLost()
      })
      socket.on('error', () => socket.destroy())
      this.write(socket, {t: 'hello', v: 1, pid: process.pid, leaseMs: this.options.leaseMs})
    })
  }

  private onTripped(report: TripReport): void {
    this.held = this.held.filter((h) => !report.instances.includes(h.id))
    this.options.logger.log(report.failures.length > 0 ? 'crit' : 'warning', 'guard-tripped', {
      cause: report.cause.kind, instances: report.instances, addresses: report.addressesRemoved,
      failures: report.failures.map((f) => `${f.id}: ${f.reason}`), duration_ms: report.durationMs,
    })
    this.emit('tripped', report)
  }

  private openFeedFile(path: string | undefined): void {
    this.closeFeedFile()
    if (path === undefined) return
    try {
      this.feedFd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW)
    } catch (error) {
      this.options.logger.log('warning', 'guard-feed-file-unusable', {path, error: String((error as Error).message)})
    }
  }

  private closeFeedFile(): void {
    if (this.feedFd === undefined) return
    try {
      closeSync(this.feedFd)
    } catch {
      // already closed
    }
    this.feedFd = undefined
  }

  private onLost(): void {
    this.socket = undefined
    this.closeFeedFile()
    for (const [seq, ack] of this.acks) {
      clearTimeout(ack.timer)
      ack.reject(new GuardUnavailableError('the connection to the resource guard was lost'))
      this.acks.delete(seq)
    }
    if (this.closing) return
    this.options.logger.log('crit', 'guard-lost', {held: this.held.map((h) => h.id)})
    this.emit('lost')
    void this.open().catch((error) => this.options.logger.log('crit', 'guard-reconnect-failed', {error: String((error as Error).message)}))
  }

  /**
   * Renews the lease; the daemon's membership steps drive it, so a stalled daemon
   * stops feeding. `heartbeat`: this step sent the node's heartbeat (see feedDue).
   */
  feed(heartbeat = false): void {
    if (!this.socket) return
    const now = performance.now()
    if (!feedDue(heartbeat, now - this.lastFeedMs, this.options.feedEveryMs)) return
    this.lastFeedMs = now
    const at = hostMonotonicMs()
    if (this.feedFd !== undefined) {
      // The most frequent write of the daemon: one pwrite into a memory file, which wakes nobody
      // (the guard reads it at its deadline).
      try {
        writeFeed(this.feedFd, at)
        return
      } catch (error) {
        this.options.logger.log('warning', 'guard-feed-file-failed', {error: String((error as Error).message)})
        this.closeFeedFile()
      }
    }
    // No JSON.stringify, only the time it was written (see DaemonToGuard).
    if (!this.socket.destroyed) this.socket.write(`${FEED_PREFIX}${at}}\n`)
  }

  /**
   * Replaces what this node holds; resolves once the guard has it. Called before
   * every start (with the starting instance included) and after stops and probes.
   */
  async hold(held: HeldInstance[]): Promise<void> {
    this.held = held
    if (!this.socket) await this.open()
    const socket = this.socket
    if (!socket) throw new GuardUnavailableError('no resource guard')
    const seq = ++this.seq
    const acked = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(seq)
        reject(new GuardUnavailableError('the resource guard did not acknowledge what this node holds'))
      }, ACK_TIMEOUT_MS)
      this.acks.set(seq, {resolve, reject, timer})
    })
    this.write(socket, {t: 'hold', seq, held})
    return acked
  }

  /** Asks the guard to drop everything at once (addresses first), e.g. when quorum is lost. */
  drop(reason: string): void {
    if (this.socket) this.write(this.socket, {t: 'drop', reason})
  }

  /**
   * Removes the held addresses at once (in the guard: no agent fork); the daemon
   * then stops everything through the agents as usual. Used when quorum is lost,
   * where every millisecond of the stop budget counts.
   */
  strip(): void {
    if (this.socket) this.write(this.socket, {t: 'strip'})
  }

  /** A clean shutdown: the daemon stopped what it held; the guard may exit. */
  async release(): Promise<void> {
    this.closing = true
    const socket = this.socket
    this.socket = undefined
    this.closeFeedFile()
    if (!socket || socket.destroyed) return
    await new Promise<void>((resolve) => {
      socket.end(`${JSON.stringify({t: 'release'} satisfies DaemonToGuard)}\n`, () => resolve())
      setTimeout(resolve, 500)
    })
    socket.destroy()
  }

  private write(socket: Socket, message: DaemonToGuard): void {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`)
  }
}
