// The node's incarnation survives restarts and clock steps; the highest
// incarnation seen per peer survives a restart of the receiver; a state
// directory that cannot be fsynced is a fatal error with its own exit status.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {AssertionError} from '../../src/core/assert.js'
import {ReplayGuard} from '../../src/core/wire/index.js'
import {exitFatal, FATAL_EXIT, FatalError, fatalReasonOf} from '../../src/daemon/fatal.js'
import {IncarnationStore, INCARNATION_FILE, PEER_INCARNATIONS_FILE} from '../../src/daemon/incarnation.js'
import {normalizeError} from '../../src/cli/errors.js'
import {createLogger} from '../../src/daemon/logger.js'

describe('incarnations in the state directory', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-inc-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('grows on every start, also when the wall clock stepped back', async () => {
    const now = Date.UTC(2026, 5, 1)
    const store = new IncarnationStore(dir)
    const first = store.claim(now)
    assert.equal(await readFile(join(dir, INCARNATION_FILE), 'utf8'), String(first))
    const second = new IncarnationStore(dir).claim(now - 86_400_000)
    assert.equal(second, first + 1)
    const third = new IncarnationStore(dir).claim(now - 86_400_000)
    assert.equal(third, first + 2)
    const later = new IncarnationStore(dir).claim(now + 3_600_000)
    assert.equal(later, first + 36_000, 'back to wall-clock based when the clock is ahead')
  })

  it('a damaged incarnation file or an exhausted counter is fatal with its own status', async () => {
    await writeFile(join(dir, INCARNATION_FILE), 'garbage')
    assert.throws(() => new IncarnationStore(dir).claim(Date.now()), (e: unknown) => e instanceof FatalError && e.reason === 'state-io' && e.exitCode === FATAL_EXIT['state-io'])
    await writeFile(join(dir, INCARNATION_FILE), String(0xffffffff))
    assert.throws(() => new IncarnationStore(dir).claim(Date.now()), (e: unknown) => e instanceof FatalError && e.reason === 'incarnation')
  })

  it('an fsync that fails is a FatalError("state-io") and nothing is claimed', () => {
    const failing = new IncarnationStore(dir, {fsync: () => { throw Object.assign(new Error('EIO: i/o error, fsync'), {code: 'EIO'}) }})
    assert.throws(() => failing.claim(Date.now()), (e: unknown) => {
      assert.ok(e instanceof FatalError)
      assert.equal(e.reason, 'state-io')
      assert.match(e.message, /cannot write .*incarnation durably: EIO/)
      // The daemon's CLI path turns it into its exit status and one line.
      assert.deepEqual(normalizeError(e).exitCode, 74)
      return true
    })
    assert.throws(() => failing.recordPeer(2, 10), FatalError)
  })

  it('remembers the highest incarnation per peer across a restart of the receiver', () => {
    const store = new IncarnationStore(dir)
    assert.deepEqual(store.loadPeers().peers, new Map())
    store.recordPeer(2, 100)
    store.recordPeer(2, 90)
    store.recordPeer(3, 7)
    const again = new IncarnationStore(dir).loadPeers()
    assert.deepEqual(again.peers, new Map([[2, 100], [3, 7]]))
    const guard = new ReplayGuard(1000, again.peers)
    assert.equal(guard.check(2, 99, 1, 0), 'replayed', 'an earlier run of node 2, recorded')
    assert.equal(guard.check(2, 100, 1, 0), 'fresh')
  })

  it('a damaged peers file is reported and ignored', async () => {
    await writeFile(join(dir, PEER_INCARNATIONS_FILE), '{"2": 5, "__proto__": 1, "x": 3, "4": -1, "5": 1.5')
    assert.match(new IncarnationStore(dir).loadPeers().problem ?? '', /not JSON/)
    await writeFile(join(dir, PEER_INCARNATIONS_FILE), '{"2": 5, "x": 3, "4": -1, "5": 1.5, "70000": 3}')
    assert.deepEqual(new IncarnationStore(dir).loadPeers().peers, new Map([[2, 5]]))
  })

  it('exitFatal logs one line naming the reason and exits with its status', () => {
    const lines: string[] = []
    const logger = createLogger({}, (line) => lines.push(line))
    let code: number | undefined
    assert.throws(() => exitFatal('invariant', new AssertionError('membership.installed-view-id-grows', 'view 3 after 4'), logger, (c) => {
      code = c
      throw new Error('exited')
    }), /exited/)
    assert.equal(code, 70)
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^<2>crit fatal reason=invariant exit=70 invariant=membership.installed-view-id-grows error=/)
    assert.equal(fatalReasonOf(new AssertionError('x')), 'invariant')
    assert.equal(fatalReasonOf(new Error('x')), undefined)
  })
})
