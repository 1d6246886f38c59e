// The resource guard process (src/guard/main.ts) on its own, driven through its
// Unix socket as a daemon would: the feed file its welcome names renews the lease
// (the guard reads it only at its deadlines), feed lines still do (a daemon that
// predates the file), a daemon that was taken over renews nothing through the old
// file, and the daemon's side (GuardLink) feeds through the file. Real processes,
// real files; leases of seconds so that a slow machine cannot trip a fed guard.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createConnection, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import type {GuardToDaemon, HeldInstance} from '../../src/core/guard/index.js'
import {hostMonotonicMs} from '../../src/daemon/clock.js'
import {GuardLink, guardProgram} from '../../src/daemon/guard-link.js'
import {createLogger} from '../../src/daemon/logger.js'
import {inMemory, shmFeedDir, writeFeed} from '../../src/guard/feed-file.js'
import {DAEMON_NODE_FLAGS} from '../../src/daemon/node-flags.js'

/** Seconds, not the 100 ms of the defaults: a test process stalled on a loaded machine must not starve a fed guard. */
const LEASE_MS = 3_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A daemon's end of the guard socket, one JSON line per message. */
class RawDaemon {
  readonly replies: GuardToDaemon[] = []
  private buffer = ''
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      let at: number
      while ((at = this.buffer.indexOf('\n')) >= 0) {
        this.replies.push(JSON.parse(this.buffer.slice(0, at)) as GuardToDaemon)
        this.buffer = this.buffer.slice(at + 1)
      }
    })
    socket.on('error', () => {})
  }

  static async connect(runDir: string): Promise<RawDaemon> {
    for (let i = 0; i < 100; i++) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = createConnection(join(runDir, 'guard.sock'))
        s.once('connect', () => resolve(s))
        s.once('error', () => resolve(undefined))
      })
      if (socket) return new RawDaemon(socket)
      await sleep(50)
    }
    throw new Error(`no guard on ${runDir}`)
  }

  send(message: object): void {
    this.socket.write(`${JSON.stringify(message)}\n`)
  }

  async next<T extends GuardToDaemon['t']>(t: T, timeoutMs = 10_000): Promise<Extract<GuardToDaemon, {t: T}>> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = this.replies.find((r) => r.t === t)
      if (found) {
        this.replies.splice(this.replies.indexOf(found), 1)
        return found as Extract<GuardToDaemon, {t: T}>
      }
      if (Date.now() > until) throw new Error(`no '${t}' from the guard in ${timeoutMs} ms (got ${JSON.stringify(this.replies)})`)
      await sleep(20)
    }
  }

  async hello(): Promise<Extract<GuardToDaemon, {t: 'welcome'}>> {
    this.send({t: 'hello', v: 1, pid: process.pid, leaseMs: LEASE_MS})
    return this.next('welcome')
  }

  async hold(held: HeldInstance[]): Promise<void> {
    this.send({t: 'hold', seq: 1, held})
    await this.next('held')
  }
}

describe('resource guard process: feeds', function () {
  this.timeout(60_000)
  let runDir: string
  let marker: string
  const cleanups: Array<() => unknown> = []

  /** An instance whose stop leaves a mark: the trip is seen in the file system, not only in the report. */
  const instance = (): HeldInstance => ({id: 'app', stop: {file: '/bin/sh', args: ['-c', 'echo stopped >> "$MARK"'], env: {MARK: marker}, timeoutMs: 5_000}})

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'hactl-guard-'))
    marker = join(runDir, 'stopped')
  })

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    // A guard killed by a failed test leaves its directory in /dev/shm.
    await rm(shmFeedDir(runDir), {recursive: true, force: true})
    await rm(runDir, {recursive: true, force: true})
  })

  function startGuard(): void {
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...guardProgram(), runDir], {stdio: 'ignore'})
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
    })
  }

  /** Keeps feeding through `feed` every 50 ms until the returned function is called. */
  function feeding(feed: () => void): () => void {
    const timer = setInterval(feed, 50)
    cleanups.push(() => clearInterval(timer))
    return () => clearInterval(timer)
  }

  async function releaseAndExit(daemon: RawDaemon): Promise<void> {
    daemon.send({t: 'release'})
    daemon.socket.end()
    await new Promise((resolve) => daemon.socket.once('close', resolve))
  }

  it('the feed file renews the lease past two leases; when the feeds stop, the guard trips and stops what is held', async () => {
    startGuard()
    const daemon = await RawDaemon.connect(runDir)
    const welcome = await daemon.hello()
    assert.ok(welcome.feed, 'a guard on a host with /dev/shm (or an in-memory run directory) names a feed file')
    const fd = openSync(welcome.feed, 'r+')
    cleanups.push(() => closeSync(fd))
    writeFeed(fd, hostMonotonicMs())
    await daemon.hold([instance()])
    const stop = feeding(() => writeFeed(fd, hostMonotonicMs()))
    await sleep(2.5 * LEASE_MS)
    assert.equal(daemon.replies.filter((r) => r.t === 'tripped').length, 0, 'a fed guard tripped')
    assert.equal(existsSync(marker), false)
    stop()
    const tripped = await daemon.next('tripped')
    assert.equal(tripped.report.cause.kind, 'lease-expired')
    assert.deepEqual(tripped.report.instances, ['app'])
    assert.equal((await readFile(marker, 'utf8')).trim(), 'stopped')
    await releaseAndExit(daemon)
    // The guard exits on release with nothing held, and takes its feed file with it.
    for (let i = 0; i < 100 && existsSync(welcome.feed); i++) await sleep(50)
    assert.equal(existsSync(welcome.feed), false, `${welcome.feed} left behind`)
    if (dirname(welcome.feed).startsWith('/dev/shm/')) assert.equal(existsSync(dirname(welcome.feed)), false)
  })

  it('feed lines on the socket still renew the lease (a daemon that does not use the file)', async () => {
    startGuard()
    const daemon = await RawDaemon.connect(runDir)
    await daemon.hello()
    await daemon.hold([instance()])
    const stop = feeding(() => daemon.send({t: 'feed', at: hostMonotonicMs()}))
    await sleep(2.5 * LEASE_MS)
    assert.equal(daemon.replies.filter((r) => r.t === 'tripped').length, 0, 'a fed guard tripped')
    stop()
    assert.equal((await daemon.next('tripped')).report.cause.kind, 'lease-expired')
    await releaseAndExit(daemon)
  })

  it('a daemon taken over by a new one renews nothing through its old feed file', async () => {
    startGuard()
    const old = await RawDaemon.connect(runDir)
    const oldWelcome = await old.hello()
    assert.ok(oldWelcome.feed)
    const oldFd = openSync(oldWelcome.feed, 'r+')
    cleanups.push(() => closeSync(oldFd))
    // The old daemon goes on writing into the file it has open (it was stuck, and wakes up).
    feeding(() => writeFeed(oldFd, hostMonotonicMs()))
    const current = await RawDaemon.connect(runDir)
    const welcome = await current.hello()
    assert.ok(welcome.feed)
    assert.notEqual(welcome.feed, oldWelcome.feed)
    assert.equal(existsSync(oldWelcome.feed), false, 'the old feed file is unlinked at the takeover')
    await current.hold([instance()])
    // The new daemon does not feed: the guard trips one lease later whatever the old one writes.
    assert.equal((await current.next('tripped')).report.cause.kind, 'lease-expired')
    await releaseAndExit(current)
  })

  /** A feed file a killed guard left in `dir`; a new guard starts: its welcome names a new file in `dir`, and the stale one is gone. */
  async function helloAfterStaleFeed(dir: string): Promise<{daemon: RawDaemon, welcome: Awaited<ReturnType<RawDaemon['hello']>>}> {
    await writeFile(join(dir, 'guard-feed-1-1'), '')
    startGuard()
    const daemon = await RawDaemon.connect(runDir)
    const welcome = await daemon.hello()
    assert.equal(dirname(welcome.feed ?? ''), dir)
    assert.equal(existsSync(join(dir, 'guard-feed-1-1')), false, 'a stale feed file was left')
    return {daemon, welcome}
  }

  it('in /dev/shm, a directory it does not own alone is refused (socket feeds); a killed guard\'s feed files are cleaned by the next', async function () {
    // Only where the run directory is on disk; an in-memory one holds the feed file itself.
    if (inMemory(runDir)) this.skip()
    const dir = shmFeedDir(runDir)
    cleanups.push(() => rm(dir, {recursive: true, force: true}))
    await mkdir(dir, {mode: 0o755})
    await chmod(dir, 0o755)
    startGuard()
    const daemon = await RawDaemon.connect(runDir)
    assert.equal((await daemon.hello()).feed, undefined, `the guard used ${dir}, which others may enter`)
    assert.match(await readFile(join(runDir, 'guard.log'), 'utf8'), /guard-feed-dir-refused/)
    await releaseAndExit(daemon)
    // A private directory with a file a killed guard left: the next guard empties it and gives out a new one.
    await chmod(dir, 0o700)
    for (let i = 0; i < 100 && existsSync(join(runDir, 'guard.sock')); i++) await sleep(50)
    const {daemon: next} = await helloAfterStaleFeed(dir)
    await releaseAndExit(next)
  })

  it('a run directory in memory (/run on systemd hosts) holds the feed file itself, and a killed guard\'s file is cleaned by the next', async function () {
    if (!inMemory('/dev/shm')) {
      if (process.env.CI === 'true') throw new Error('/dev/shm is not a memory file system on this CI host')
      this.skip()
    }
    await rm(runDir, {recursive: true, force: true})
    runDir = await mkdtemp('/dev/shm/hactl-test-run-')
    marker = join(runDir, 'stopped')
    const {daemon, welcome} = await helloAfterStaleFeed(runDir)
    await releaseAndExit(daemon)
    for (let i = 0; i < 100 && existsSync(welcome.feed!); i++) await sleep(50)
    assert.equal(existsSync(welcome.feed!), false, `${welcome.feed} left behind`)
  })

  it("the daemon's GuardLink feeds through the file: fed, no trip; unfed, a trip", async () => {
    const logger = createLogger({}, () => {}, 'crit')
    const link = new GuardLink({runDir, leaseMs: LEASE_MS, feedEveryMs: 50, logger})
    cleanups.push(async () => {
      await link.release()
      // The guard exits on release; SIGKILL it by its pid if it did not (it is not our child).
      const log = await readFile(join(runDir, 'guard.log'), 'utf8').catch(() => '')
      const pid = Number(/guard-started pid=(\d+)/.exec(log)?.[1])
      for (let i = 0; i < 40 && pid && existsSync(`/proc/${pid}`); i++) await sleep(50)
      if (pid && existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL')
    })
    const trips: unknown[] = []
    link.on('tripped', (report) => trips.push(report))
    await link.open()
    await link.hold([instance()])
    const stop = feeding(() => link.feed(true))
    await sleep(2.5 * LEASE_MS)
    assert.deepEqual(trips, [], 'a fed guard tripped')
    // No feed line went over the socket: the guard's log names the file it gave this daemon.
    assert.match(await readFile(join(runDir, 'guard.log'), 'utf8'), /guard-daemon-connected .*feed="?\/[^ ]*guard-feed-/)
    stop()
    for (let i = 0; i < 200 && trips.length === 0; i++) await sleep(50)
    assert.equal(trips.length, 1, 'the guard did not trip once the feeds stopped')
    assert.equal((trips[0] as {cause: {kind: string}}).cause.kind, 'lease-expired')
  })
})
