import assert from 'node:assert/strict'
import {chmod, mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Executor, type ActionResult, type Clock} from '../../src/agents/index.js'
import {AGENTS_DIR, eventually, processAlive, sleep, tempDir} from './helpers.js'

/** A throwaway OCF root with agents written by the test. */
async function agentRoot(dir: string, agents: Record<string, string>): Promise<string> {
  const providerDir = join(dir, 'resource.d', 'test')
  await mkdir(providerDir, {recursive: true})
  for (const [name, body] of Object.entries(agents)) {
    const file = join(providerDir, name)
    await writeFile(file, `#!/bin/sh\n${body}\n`)
    await chmod(file, 0o755)
  }
  return dir
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

describe('agents: executor with real processes', function () {
  this.timeout(30_000)
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let executor: Executor

  before(async () => {
    tmp = await tempDir('exec')
    await agentRoot(join(tmp.path, 'ocf'), {
      exitcode: 'exit "$OCF_RESKEY_code"',
      env: 'env | grep -E "^(OCF_|HA_)" | sort',
      hang: 'trap "" TERM\nsleep 300 &\necho $! > "$OCF_RESKEY_pidfile"\nsleep 300\n',
      chatty: 'head -c 100000 /dev/zero | tr "\\0" x\necho err >&2\nexit 0',
      // mkdir is atomic: a second copy of this agent running for the same resource fails.
      exclusive: 'mkdir "$OCF_RESKEY_lock" || exit 1\nsleep 0.2\nrmdir "$OCF_RESKEY_lock"\nexit 0',
      // Succeeds only if the other named agent is running at the same time.
      barrier: ': > "$OCF_RESKEY_dir/$OCF_RESOURCE_INSTANCE"\ni=0\nwhile [ ! -e "$OCF_RESKEY_dir/$OCF_RESKEY_other" ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done\nexit 0',
      reason: 'echo "ocf-exit-reason:disk on fire" >&2\nexit 6',
    })
    await mkdir(join(tmp.path, 'rsc'))
    executor = new Executor({locations: {ocfRoot: join(tmp.path, 'ocf')}, env: {HA_RSCTMP: join(tmp.path, 'rsc')}, killGraceMs: 300})
  })
  after(async () => tmp.remove())

  const run = (agent: string, action: string, params: Record<string, string> = {}, extra: Partial<Parameters<Executor['run']>[0]> = {}): Promise<ActionResult> =>
    executor.run({resource: 'r1', agent, action, params, timeoutMs: 10_000, ...extra})

  it('runs the dummy lifecycle with OCF results: probe 7, start 0, stop of stopped 0', async () => {
    const seen: Array<[string, number | null]> = []
    for (const action of ['monitor', 'start', 'start', 'monitor', 'stop', 'stop', 'monitor']) {
      const r = await run('ocf:hactl:dummy', action)
      assert.equal(r.status, 'done', `${action}: ${r.reason}`)
      seen.push([action, r.ocfCode])
    }
    assert.deepEqual(seen, [['monitor', 7], ['start', 0], ['start', 0], ['monitor', 0], ['stop', 0], ['stop', 0], ['monitor', 7]])
  })

  it('runs a hactl agent installed elsewhere through a symlink (it still finds its library)', async () => {
    const {symlink} = await import('node:fs/promises')
    const provider = join(tmp.path, 'ocf', 'resource.d', 'linked')
    await mkdir(provider, {recursive: true})
    await symlink(join(AGENTS_DIR, 'dummy'), join(provider, 'dummy'))
    const r = await run('ocf:linked:dummy', 'monitor')
    assert.equal(r.status, 'done')
    assert.equal(r.ocfCode, 7, r.stderr)
  })

  it('reports a simulated failure with the agent\'s exit reason', async () => {
    assert.equal((await run('ocf:hactl:dummy', 'start', {fail: 'monitor'})).ocfCode, 0, 'fail=monitor does not fail start')
    const r = await executor.run({resource: 'r1', agent: 'ocf:hactl:dummy', action: 'monitor', params: {fail: 'monitor'}, timeoutMs: 5000, intervalMs: 10_000})
    assert.equal(r.status, 'done')
    assert.equal(r.ocfCode, 1)
    assert.match(r.reason ?? '', /simulated failure of monitor/)
    const probe = await executor.run({resource: 'r1', agent: 'ocf:hactl:dummy', action: 'monitor', params: {fail: 'monitor'}, timeoutMs: 5000})
    assert.equal(probe.ocfCode, 0, 'a probe reports the real state')
    const failedStart = await run('ocf:hactl:dummy', 'start', {state: '/tmp/hactl-never-created.state', fail: 'start', fail_rc: '5'})
    assert.equal(failedStart.ocfCode, 5)
    await run('ocf:hactl:dummy', 'stop')
  })

  it('maps exit codes: OCF codes and degraded kept, unknown codes become generic errors', async () => {
    const cases: Array<[string, number, string]> = [['0', 0, 'ok'], ['7', 7, 'not-running'], ['8', 8, 'running-promoted'], ['190', 190, 'degraded'], ['191', 191, 'degraded-promoted'], ['42', 1, 'error']]
    for (const [code, ocf, name] of cases) {
      const r = await run('ocf:test:exitcode', 'monitor', {code})
      assert.equal(r.status, 'done')
      assert.equal(r.exitCode, Number(code))
      assert.equal(r.ocfCode, ocf, `exit ${code}`)
      assert.equal(r.ocfResult, name)
    }
    assert.match((await run('ocf:test:exitcode', 'monitor', {code: '42'})).reason ?? '', /unknown exit code 42/)
    const reason = await run('ocf:test:reason', 'start')
    assert.equal(reason.ocfCode, 6)
    assert.equal(reason.reason, 'disk on fire')
  })

  it('keeps execution status apart: a missing agent is not-installed, a bad name an error', async () => {
    const missing = await run('ocf:test:nope', 'start')
    assert.equal(missing.status, 'not-installed')
    assert.equal(missing.ocfCode, 5)
    await writeFile(join(tmp.path, 'ocf', 'resource.d', 'test', 'noexec'), '#!/bin/sh\nexit 0\n', {mode: 0o644})
    const noexec = await run('ocf:test:noexec', 'start')
    assert.equal(noexec.status, 'error')
    assert.equal(noexec.ocfCode, 4)
    const bad = await run('ocf:../etc:passwd', 'start')
    assert.equal(bad.status, 'error')
    assert.equal(bad.ocfCode, null)
  })

  it('gives the agent Pacemaker\'s environment and parameters only as OCF_RESKEY_*', async () => {
    const r = await executor.run({resource: 'web-ip', agent: 'ocf:test:env', action: 'monitor', params: {ip: '10.213.0.9'}, meta: {'migrate-target': 'n2'}, timeoutMs: 7000, intervalMs: 15_000, checkLevel: 20})
    const env = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    assert.equal(env.OCF_RESOURCE_INSTANCE, 'web-ip')
    assert.equal(env.OCF_RESOURCE_TYPE, 'env')
    assert.equal(env.OCF_RESOURCE_PROVIDER, 'test')
    assert.equal(env.OCF_ROOT, join(tmp.path, 'ocf'))
    assert.equal(env.OCF_RA_VERSION_MAJOR, '1')
    assert.equal(env.OCF_RESKEY_ip, '10.213.0.9')
    assert.equal(env.OCF_RESKEY_CRM_meta_timeout, '7000')
    assert.equal(env.OCF_RESKEY_CRM_meta_interval, '15000')
    assert.equal(env.OCF_RESKEY_CRM_meta_migrate_target, 'n2')
    assert.equal(env.OCF_CHECK_LEVEL, '20')
    assert.equal(env.HA_RSCTMP, join(tmp.path, 'rsc'))
  })

  it('treats hostile parameter values as inert data', async () => {
    const pwned = join(tmp.path, 'pwned')
    const hostile = [`$(touch ${pwned})`, `\`touch ${pwned}\``, `x; touch ${pwned}`, `x' && touch '${pwned}`, `x\ntouch ${pwned}`]
    for (const value of hostile) {
      const state = join(tmp.path, 'state', value)
      for (const action of ['start', 'monitor', 'stop']) await run('ocf:hactl:dummy', action, {state, fake: value})
      const vip = await run('ocf:hactl:vip', 'start', {ip: value})
      assert.equal(vip.ocfCode, 6, 'vip refuses a non-address')
      await run('ocf:hactl:mount', 'monitor', {device: value, directory: `/${value}`, fstype: value, options: value})
      await run('ocf:hactl:service', 'monitor', {unit: value})
    }
    assert.equal(await exists(pwned), false, 'a parameter value was executed')
    const badName = await run('ocf:hactl:dummy', 'start', {'x;touch /tmp/y': '1'})
    assert.equal(badName.status, 'error')
    assert.match(badName.reason ?? '', /not usable as an environment variable/)
  })

  it('kills a hanging agent and its children at the timeout', async () => {
    const pidfile = join(tmp.path, 'hang.pid')
    const r = await run('ocf:test:hang', 'start', {pidfile}, {timeoutMs: 500})
    assert.equal(r.status, 'timeout')
    assert.equal(r.ocfCode, null)
    assert.equal(r.signal, 'SIGKILL', 'the agent ignores SIGTERM, so SIGKILL follows the grace period')
    const child = Number(await readFile(pidfile, 'utf8'))
    await eventually(async () => !processAlive(child), 2000, `background child ${child} to die`)
  })

  it('cancels a running action by killing it, and a queued one without running it', async () => {
    const pidfile = join(tmp.path, 'cancel.pid')
    const controller = new AbortController()
    const running = executor.run({resource: 'c1', agent: 'ocf:test:hang', action: 'start', params: {pidfile}, timeoutMs: 60_000}, controller.signal)
    const queuedController = new AbortController()
    const queued = executor.run({resource: 'c1', agent: 'ocf:hactl:dummy', action: 'start', timeoutMs: 5000}, queuedController.signal)
    await eventually(async () => exists(pidfile), 5000, 'the hanging agent to start')
    queuedController.abort()
    controller.abort()
    const [a, b] = await Promise.all([running, queued])
    assert.equal(a.status, 'cancelled')
    assert.equal(b.status, 'cancelled')
    assert.equal(b.exitCode, null)
    const child = Number(await readFile(pidfile, 'utf8'))
    await eventually(async () => !processAlive(child), 2000, 'the cancelled agent\'s child to die')
  })

  it('truncates output to the bound', async () => {
    const small = new Executor({locations: {ocfRoot: join(tmp.path, 'ocf')}, outputLimitBytes: 1000})
    const r = await small.run({resource: 'c', agent: 'ocf:test:chatty', action: 'start', timeoutMs: 5000})
    assert.equal(r.ocfCode, 0)
    assert.equal(r.stdout.length, 1000)
    assert.equal(r.stdoutTruncated, true)
    assert.equal(r.stderr, 'err\n')
    assert.equal(r.stderrTruncated, false)
  })

  it('never runs two actions of one resource at once', async () => {
    const lock = join(tmp.path, 'lock')
    const results = await Promise.all(Array.from({length: 6}, () => run('ocf:test:exclusive', 'start', {lock})))
    assert.deepEqual(results.map((r) => r.ocfCode), [0, 0, 0, 0, 0, 0])
  })

  it('runs different resources in parallel up to the node limit, and not beyond', async () => {
    const dir = join(tmp.path, 'barrier')
    await mkdir(dir)
    const pair = (ex: Executor) => Promise.all([
      ex.run({resource: 'a', agent: 'ocf:test:barrier', action: 'start', params: {dir, other: 'b'}, timeoutMs: 20_000}),
      ex.run({resource: 'b', agent: 'ocf:test:barrier', action: 'start', params: {dir, other: 'a'}, timeoutMs: 20_000}),
    ])
    const wide = await pair(new Executor({locations: {ocfRoot: join(tmp.path, 'ocf')}, maxConcurrent: 2}))
    assert.deepEqual(wide.map((r) => r.ocfCode), [0, 0], 'both ran at the same time')
    const lock = join(tmp.path, 'nodelock')
    const narrow = new Executor({locations: {ocfRoot: join(tmp.path, 'ocf')}, maxConcurrent: 1})
    const serial = await Promise.all(['x', 'y', 'z'].map((resource) => narrow.run({resource, agent: 'ocf:test:exclusive', action: 'start', params: {lock}, timeoutMs: 5000})))
    assert.deepEqual(serial.map((r) => r.ocfCode), [0, 0, 0], 'limit 1 runs one action at a time on the node')
  })
})

/** A clock whose timers fire only when the test advances it. */
class FakeClock implements Clock {
  time = 1_000_000
  timers: Array<{at: number, fn: () => void, id: number}> = []
  private next = 0
  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.timers.push({at: this.time + ms, fn, id})
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle)
  }

  /** Delay of the earliest pending timer. */
  pendingDelay(): number | undefined {
    const first = [...this.timers].sort((a, b) => a.at - b.at)[0]
    return first === undefined ? undefined : first.at - this.time
  }

  fireNext(): void {
    const first = [...this.timers].sort((a, b) => a.at - b.at)[0]!
    this.clearTimeout(first.id)
    this.time = first.at
    first.fn()
  }
}

describe('agents: recurring monitors', function () {
  this.timeout(20_000)
  let tmp: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    tmp = await tempDir('recur')
  })
  after(async () => tmp.remove())

  it('runs at once, then every interval plus seeded jitter after each run, until stopped', async () => {
    const clock = new FakeClock()
    const randoms = [0.5, 0, 0.99]
    const executor = new Executor({clock, random: () => randoms.shift() ?? 0, jitterFraction: 0.1, env: {HA_RSCTMP: tmp.path}})
    await executor.run({resource: 'd', agent: 'ocf:hactl:dummy', action: 'start', timeoutMs: 5000})
    const results: ActionResult[] = []
    const key = executor.startRecurring({resource: 'd', agent: 'ocf:hactl:dummy', action: 'monitor', intervalMs: 10_000, timeoutMs: 5000}, (r) => results.push(r))
    assert.equal(key, 'd_monitor_10000')
    const delays: number[] = []
    for (let i = 0; i < 4; i++) {
      // The pending timers are the schedule and, while an action runs, its timeout (5000).
      const delay = clock.timers.length === 1 ? clock.pendingDelay()! : -1
      delays.push(delay)
      clock.fireNext()
      await eventually(async () => results.length === i + 1, 5000, `monitor run ${i + 1}`)
    }
    assert.deepEqual(delays, [0, 10_500, 10_000, 10_990])
    assert.ok(results.every((r) => r.ocfCode === 0 && r.intervalMs === 10_000))
    await executor.stopRecurring(key)
    assert.equal(clock.timers.length, 0, 'nothing scheduled after stop')
    assert.deepEqual(executor.recurringKeys(), [])
  })

  it('stopRecurring drops a queued run and lets a running one finish unreported', async () => {
    const root = await agentRoot(join(tmp.path, 'slowroot'), {slowlog: 'sleep 0.3\necho "$OCF_RESKEY_CRM_meta_name" >> "$OCF_RESKEY_log"\nexit 0'})
    const log = join(tmp.path, 'slow.log')
    const executor = new Executor({locations: {ocfRoot: root}})
    const request = {resource: 'q', agent: 'ocf:test:slowlog', params: {log}, timeoutMs: 5000}
    const reported: ActionResult[] = []
    const start = executor.run({...request, action: 'start'})
    const queuedKey = executor.startRecurring({...request, action: 'monitor', intervalMs: 60_000}, (r) => reported.push(r))
    await sleep(50)
    assert.deepEqual(executor.load(), {running: 1, waiting: 1})
    await executor.stopRecurring(queuedKey)
    await start
    assert.equal(await readFile(log, 'utf8'), 'start\n', 'the queued monitor never ran')
    const runningKey = executor.startRecurring({...request, action: 'monitor', intervalMs: 60_000}, (r) => reported.push(r))
    await eventually(async () => executor.load().running === 1, 2000, 'the monitor to run')
    await executor.stopRecurring(runningKey)
    assert.equal(await readFile(log, 'utf8'), 'start\nmonitor\n', 'stopRecurring waited for the running monitor')
    assert.deepEqual(reported, [])
  })

  it('reports a failure the recurring monitor finds (state file removed behind its back)', async () => {
    const executor = new Executor({env: {HA_RSCTMP: tmp.path}, jitterFraction: 0})
    const state = join(tmp.path, 'crash.state')
    await executor.run({resource: 'crash', agent: 'ocf:hactl:dummy', action: 'start', params: {state}, timeoutMs: 5000})
    const codes: Array<number | null> = []
    executor.startRecurring({resource: 'crash', agent: 'ocf:hactl:dummy', action: 'monitor', params: {state}, intervalMs: 50, timeoutMs: 5000}, (r) => codes.push(r.ocfCode))
    await eventually(async () => codes.length >= 2, 5000, 'two monitors')
    const {rm} = await import('node:fs/promises')
    await rm(state)
    await eventually(async () => codes.includes(7), 5000, 'the monitor to notice')
    assert.deepEqual(await executor.stopRecurringFor('crash'), ['crash_monitor_50'])
    const n = codes.length
    await sleep(200)
    assert.equal(codes.length, n, 'no result after stop')
  })
})

describe('agents: LSB init scripts', function () {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    tmp = await tempDir('lsb')
    const script = join(tmp.path, 'fake')
    await writeFile(script, '#!/bin/sh\ncase "$1" in start) : > "$0.run"; exit 0;; stop) rm -f "$0.run"; exit 0;;\nstatus) [ -e "$0.run" ] && exit 0; [ -e "$0.broken" ] && exit 4; exit 3;; *) exit 3;; esac\n')
    await chmod(script, 0o755)
  })
  after(async () => tmp.remove())

  it('maps status codes: 3 not running, 0 running, 4 unknown → error', async () => {
    const executor = new Executor({locations: {lsbDir: tmp.path}})
    const run = async (action: string) => (await executor.run({resource: 'f', agent: 'lsb:fake', action, timeoutMs: 5000})).ocfCode
    assert.equal(await run('monitor'), 7)
    assert.equal(await run('start'), 0)
    assert.equal(await run('monitor'), 0)
    assert.equal(await run('stop'), 0)
    await writeFile(join(tmp.path, 'fake.broken'), '')
    assert.equal(await run('monitor'), 1)
  })
})
