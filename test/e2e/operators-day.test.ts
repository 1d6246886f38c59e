// An operator's day (issue 14), scripted end to end on a 3-node namespace cluster
// with real daemons and the real CLI: a group of a VIP, a tmpfs mount and an HTTP
// service (the lab's httpd agent), constraints, move/ban/clear, standby,
// maintenance, a failure with failcount and cleanup, an update that restarts,
// a fence device and a manual fence, export/edit/import with a stale import
// refused, and a rolling restart. Every step's CLI output is checked. Throughout,
// one observer (`ip monitor all-nsid` in the switch, which survives fencing)
// records every appearance of the VIP: it is never held by two nodes, and every
// time it is held by none is bounded by the configured timings and ends within
// the step that caused it (event order, not wall-clock luck).
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {AddressWatch} from '../../src/lab/address-watch.js'
import {holderTimeline, intervalsWhere} from '../../src/lab/chaos/analysis.js'
import {installLabAgents} from '../../src/lab/httpd-agent.js'
import {BIN, TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))
const CLIENT_JS = fileURLToPath(new URL('../../dist/lab/http-client.js', import.meta.url))
const TOKEN_MS = 1000
/** The longest a VIP may be down in one step: lost-node detection, a fence, and a stop and a start of each of the three members (their 20 s timeouts). */
const DOWN_BOUND_MS = 2 * TOKEN_MS + 60_000 + 3 * 2 * 20_000

describe('e2e: an operator\'s day, scripted', function () {
  this.timeout(600_000)
  let cluster: TestCluster
  let watch: AddressWatch
  const steps: Array<{name: string, startMs: number, endMs: number}> = []
  let preferred = 0
  let agentsDir = ''

  before(async function () {
    await requireNetns(this)
    agentsDir = await mkdtemp(join(tmpdir(), 'hactl-lab-agents-'))
    const ocfRoot = await installLabAgents(agentsDir)
    // The CLI's debug-stop runs the agent itself: it finds ocf:lab:httpd where the daemons do.
    process.env.HACTL_OCF_ROOT = ocfRoot
    cluster = await TestCluster.create({nodes: 3, hosts: 4, setup: ['--token', String(TOKEN_MS)], env: {HACTL_OCF_ROOT: ocfRoot, HACTL_FENCE_PATH: FENCE_DIR}})
    await cluster.startAll()
    await cluster.waitQuorate()
    watch = await AddressWatch.observe(cluster.net.sw, new Map([1, 2, 3].map((n) => [n, cluster.net.ns(n)])), VIP)
  })

  after(async () => {
    watch?.stop()
    await cluster?.destroy()
    delete process.env.HACTL_OCF_ROOT
    if (agentsDir) await rm(agentsDir, {recursive: true, force: true})
  })

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return
    // What each node decided and did, in time order: the transitions, dispatches, views and stops.
    const lines = [...cluster.logs.entries()].flatMap(([n, log]) => log.filter((l) => /transition id=|dispatch |dc-ready|phase=usable|no-quorum|fence|leav|action-failed|stopping-all/.test(l)).map((l) => l.replace(' ', ` n${n} `)))
    console.log(lines.sort().slice(-150).join('\n'))
    console.log(JSON.stringify(watch.events))
  })

  /** Runs the CLI on a node; exit 0 and stdout matching `expected`. */
  async function ok(node: number, args: string[], expected?: RegExp): Promise<{stdout: string, json: any}> {
    const result = await cluster.cli(node, args)
    assert.equal(result.exitCode, 0, `hactl ${args.join(' ')}: ${result.stderr}${result.stdout}`)
    if (expected) assert.match(result.stdout, expected, `hactl ${args.join(' ')}`)
    return result
  }

  /** One step of the day, timed for the VIP's intervals. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    const startMs = Date.now()
    await body()
    await settled()
    steps.push({name, startMs, endMs: Date.now()})
  }

  async function settled(nodes?: number[]): Promise<void> {
    await cluster.waitQuorate(nodes, 60_000)
  }

  async function dc(): Promise<number> {
    return Number(String((await cluster.status([...cluster.daemons.keys()][0])).dc).slice(1))
  }

  async function vipHolder(among = [1, 2, 3]): Promise<number> {
    let holder = 0
    await cluster.waitFor(async () => {
      const holders = await cluster.holders(VIP)
      holder = holders.length === 1 && among.includes(holders[0]) ? holders[0] : 0
      return holder !== 0
    }, 60_000, `${VIP} held by one of ${among.join(',')}`)
    return holder
  }

  /** Where each member of the group runs, from a node's status. */
  async function placement(node = 1): Promise<string[]> {
    const status = await cluster.status(node)
    return ['vip', 'fs', 'app'].map((id) => (status?.resources ?? []).find((r: {id: string}) => r.id === id)?.nodes.join(',') ?? '')
  }

  async function serviceAnswers(port: number): Promise<boolean> {
    const result = await cluster.net.exec(4, [process.execPath, CLIENT_JS, `http://${VIP}:${port}/`, '--count', '1', '--timeout', '2000'], {reject: false})
    return String(result.stdout).split('\n').some((l) => l.includes('"ok":true'))
  }

  it('sets up a group with a VIP, a tmpfs mount and an HTTP service, placed by a location constraint', async () => {
    await step('setup', async () => {
      const leader = await dc()
      // The group prefers a node that is not the DC: its fence later is run by the DC and recorded there.
      preferred = [1, 2, 3].find((n) => n !== leader)!
      const dir = join(cluster.dir, 'www')
      await ok(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--group', 'web'], /\(epoch \d+\)$/)
      await ok(1, ['resource', 'add', 'mount', 'fs', '--device', 'tmpfs', '--directory', dir, '--fstype', 'tmpfs', '--group', 'web'], /\(epoch \d+\)$/)
      await ok(2, ['resource', 'add', 'agent', 'app', 'ocf:lab:httpd', 'port=8080', '--group', 'web', '--op', 'monitor interval=2s timeout=10s', '--force'], /\(epoch \d+\)$/)
      // Stickiness as most sites set it: a failover does not hop between equally good survivors; the
      // preference (500, more than the group's 3 x 100) still brings the group back.
      await ok(3, ['constraint', 'location', 'web', 'prefers', `n${preferred}=500`], /\(epoch \d+\)$/)
      await ok(3, ['property', 'set', 'resource-stickiness=100'], /\(epoch \d+\)$/)
    })
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
    assert.equal(await vipHolder(), preferred)
    await cluster.waitFor(() => serviceAnswers(8080), 30_000, 'the service answers on the VIP')
    const status = await ok(1, ['status'])
    assert.match(status.stdout, new RegExp(`\\* Resource Group: web:\\n    \\* vip\\t\\(ocf:hactl:vip\\):\\t Started n${preferred}\\n    \\* fs\\t\\(ocf:hactl:mount\\):\\t Started n${preferred}\\n    \\* app\\t\\(ocf:lab:httpd\\):\\t Started n${preferred}`))
    // The mount is in the holder daemon's mount namespace (ip netns exec gives each its own), not on this host.
    const mounted = await execa('nsenter', ['-t', String(cluster.daemons.get(preferred)!.pid), '-m', 'findmnt', '-n', '-o', 'FSTYPE', join(cluster.dir, 'www')], {reject: false})
    assert.equal(String(mounted.stdout).trim(), 'tmpfs', `${mounted.stdout}${mounted.stderr}`)
  })

  it('move, ban and clear: the group goes where told and back, once each', async () => {
    const target = [1, 2, 3].find((n) => n !== preferred)!
    await step('move', async () => {
      await ok(1, ['resource', 'move', 'web', `n${target}`])
    })
    assert.deepEqual(await placement(), [`n${target}`, `n${target}`, `n${target}`])
    const listed = await ok(2, ['constraint', 'list'], /cli-prefer-web/)
    assert.ok(listed)
    await step('clear after move', async () => {
      await ok(2, ['resource', 'clear', 'web'], /\(epoch \d+\)$/)
    })
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
    await step('ban', async () => {
      await ok(3, ['resource', 'ban', 'web', `n${preferred}`], /\(epoch \d+\)$/)
    })
    assert.notEqual((await placement())[0], `n${preferred}`)
    const warned = await ok(1, ['status'], /constraint cli-ban-web-on-n\d left by 'hactl resource ban' still applies/)
    assert.ok(warned)
    await step('clear after ban', async () => {
      await ok(3, ['resource', 'clear', 'web'], /\(epoch \d+\)$/)
    })
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
  })

  it('standby and unstandby; maintenance on and off', async () => {
    await step('standby', async () => {
      await ok(1, ['node', 'standby', `n${preferred}`], /\(epoch \d+\)$/)
    })
    assert.notEqual((await placement())[0], `n${preferred}`)
    await ok(2, ['status'], new RegExp(`Standby: \\[ n${preferred} \\]`))
    await step('unstandby', async () => {
      await ok(1, ['node', 'unstandby', `n${preferred}`], /\(epoch \d+\)$/)
    })
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
    await step('maintenance', async () => {
      await ok(2, ['property', 'set', 'maintenance-mode=true'], /\(epoch \d+\)$/)
    })
    const frozen = await ok(3, ['status'], /\*\*\* Resource management is DISABLED \*\*\*/)
    assert.match(frozen.stdout, new RegExp(`\\* vip\\t\\(ocf:hactl:vip\\):\\t Started n${preferred} \\(unmanaged\\)`))
    await step('maintenance off', async () => {
      await ok(2, ['property', 'unset', 'maintenance-mode'], /\(epoch \d+\)$/)
    })
    const managed = await ok(3, ['status'])
    assert.doesNotMatch(managed.stdout, /DISABLED|unmanaged/)
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
  })

  it('a failed service: failcount show, cleanup, failcount reset', async () => {
    await step('failure', async () => {
      // Stopped behind the cluster's back: the next monitor finds it down, the DC recovers it in place.
      await ok(preferred, ['resource', 'debug-stop', 'app'])
      await cluster.waitFor(async () => ((await cluster.status(1))?.failures ?? []).some((f: {resource: string}) => f.resource === 'app'), 60_000, 'app\'s failure recorded')
    })
    await cluster.waitFor(() => serviceAnswers(8080), 30_000, 'the service answers again')
    await ok(2, ['resource', 'failcount', 'show', 'app'], new RegExp(`^app on n${preferred}: fail-count=1 \\(monitor\\)`))
    await ok(3, ['status'], new RegExp(`Failed Resource Actions:\\n  \\* app monitor on n${preferred}: 1 failure`))
    await step('cleanup', async () => {
      // Asked on a node that does not hold it: the DC clears its books and every node's.
      await ok([1, 2, 3].find((n) => n !== preferred)!, ['resource', 'cleanup', 'app'], /^cleanup of app requested$/)
      await cluster.waitFor(async () => ((await cluster.status(1))?.failures ?? []).length === 0, 30_000, 'failures cleared')
    })
    await ok(1, ['resource', 'failcount', 'show', 'app'], /^No failcounts for app$/)
    await ok(1, ['resource', 'failcount', 'reset', 'app'], /^fail counts of app reset \(cleanup requested\)$/)
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
  })

  it('resource update restarts the service with the new parameter; the VIP stays', async () => {
    await step('update', async () => {
      await ok(1, ['resource', 'update', 'app', 'port=8081', '--force'], /\(epoch \d+\)$/)
      await cluster.waitFor(() => serviceAnswers(8081), 60_000, 'the service answers on its new port')
    })
    assert.equal(await serviceAnswers(8080), false, 'the old port is closed: it was restarted, not left running')
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
  })

  it('export, edit, import: a stale import is refused naming both epochs; a fresh one applies', async () => {
    const stale = join(cluster.dir, 'stale.json')
    const fresh = join(cluster.dir, 'fresh.json')
    await ok(1, ['config', 'export', stale], /^wrote .*stale\.json \(epoch \d+\)$/)
    const old = JSON.parse(await readFile(stale, 'utf8')).epoch
    await step('property change', async () => {
      await ok(2, ['property', 'set', 'batch-limit=10'], /\(epoch \d+\)$/)
    })
    const now = (await cluster.status(1)).epoch
    const edited = JSON.parse(await readFile(stale, 'utf8'))
    edited.properties['cluster-recheck-interval'] = '7min'
    await writeFile(stale, JSON.stringify(edited))
    const refused = await cluster.cli(3, ['config', 'import', stale])
    assert.equal(refused.exitCode, 1, refused.stderr)
    assert.match(refused.stderr, new RegExp(`^hactl: .*stale\\.json is at epoch ${old}, older than the cluster's configuration at epoch ${now}: .*--force`))
    assert.equal((await cluster.status(1)).epoch, now, 'nothing changed')
    await ok(1, ['config', 'export', fresh])
    const edit = JSON.parse(await readFile(fresh, 'utf8'))
    edit.properties['cluster-recheck-interval'] = '7min'
    await writeFile(fresh, JSON.stringify(edit))
    await step('import', async () => {
      await ok(3, ['config', 'import', fresh])
    })
    const properties = await ok(2, ['property', 'list', '--json'])
    assert.equal(properties.json.result.find((p: {name: string}) => p.name === 'cluster-recheck-interval').value, '7min')
    assert.deepEqual(await placement(), [`n${preferred}`, `n${preferred}`, `n${preferred}`])
  })

  it('stonith create and a manual fence of the holder: the group fails over once, the fence is in the history', async () => {
    await step('stonith create', async () => {
      await ok(1, ['stonith', 'create', 'fence-all', 'fence_netns', `ns_prefix=hactl-${cluster.net.run}-`, `switch=${cluster.net.sw}`, '--force'], /\(epoch \d+\)$/)
      await ok(1, ['property', 'set', 'stonith-enabled=true'], /\(epoch \d+\)$/)
    })
    await ok(2, ['stonith', 'list'], /\* fence-all\t\(fence:fence_netns\):\t fences any node/)
    const asked = [1, 2, 3].find((n) => n !== preferred)!
    const survivors = [1, 2, 3].filter((n) => n !== preferred)
    await step('fence', async () => {
      await ok(asked, ['node', 'fence', `n${preferred}`, '--force'], new RegExp(`^Node n${preferred} fenced by fence-all$`))
      cluster.kill(preferred)
      await vipHolder(survivors)
      // The step ends once the survivors' membership has let the fenced node go, and all is settled.
      await cluster.waitFor(async () => (await Promise.all(survivors.map((n) => cluster.status(n)))).every((st) => st?.nodes.some((x: {name: string, online: boolean}) => x.name === `n${preferred}` && !x.online)), 60_000, `n${preferred} out of the membership`)
      await settled(survivors)
      await vipHolder(survivors)
    })
    const history = await ok(survivors[0], ['stonith', 'history'])
    assert.match(history.stdout, new RegExp(`^reboot of n${preferred} successful: device=fence-all, delegate=n\\d, origin=n${asked} \\(hactl node fence\\)`))
    assert.equal(history.stdout.trim().split('\n').length, 1, 'fenced once')
    await cluster.waitFor(() => serviceAnswers(8081), 60_000, 'the service answers from a survivor')
    await step('fenced node boots and rejoins', async () => {
      await cluster.net.boot(preferred)
      cluster.start(preferred)
    })
  })

  it('a rolling restart: each node stopped with hactl cluster stop and started again; the VIP moves at most once per node', async () => {
    await ok(1, ['property', 'set', 'resource-stickiness=1000'], /\(epoch \d+\)$/)
    await settled()
    for (const node of [1, 2, 3]) {
      const others = [1, 2, 3].filter((n) => n !== node)
      const before = watch.events.length
      const holderBefore = await vipHolder()
      await step(`restart n${node}`, async () => {
        await ok(node, ['cluster', 'stop'], /^the daemon stopped$/)
        await cluster.waitFor(async () => (await Promise.all(others.map((n) => cluster.status(n)))).every((s) => s?.nodes.some((x: {name: string, online: boolean}) => x.name === `n${node}` && !x.online)), 60_000, `n${node} left`)
        cluster.kill(node)
        await settled(others)
        cluster.start(node)
      })
      // Moves: the VIP appearing on a node other than the last one that held it (a repeated event of the same holder is no move).
      const during = watch.events.slice(before).sort((a, b) => a.atMs - b.atMs)
      let last = holderBefore
      let moves = 0
      for (const entry of holderTimeline([holderBefore], during, 0)) {
        if (entry.holders.length === 0 || entry.holders.includes(last)) continue
        moves++
        last = entry.holders[0]
      }
      assert.ok(moves <= 1, `the VIP moved ${moves} times while n${node} restarted: ${JSON.stringify(during)}`)
      // As with pcs, the next stop waits for the node to rejoin: stopping another one before would lose quorum (refused).
      await settled()
      const status = await cluster.status(node)
      assert.equal(status.nodes.find((x: {name: string}) => x.name === `n${node}`).unclean, false)
    }
    const history = await ok(1, ['stonith', 'history'])
    assert.equal(history.stdout.trim().split('\n').length, 1, 'a clean stop is never fenced')
    assert.ok(await serviceAnswers(8081))
  })

  it('live node add and remove: n4 joins with the printed token (4 votes), an online n4 is refused, --force stops and removes it', async () => {
    const holderBefore = await vipHolder()
    let token = ''
    await step('node add n4', async () => {
      const added = await ok(1, ['node', 'add', 'n4', '--addr', cluster.net.addr(4), '--json'])
      assert.equal(added.json.result.node.name, 'n4')
      token = added.json.result.joinToken
      const joined = await execa(process.execPath, [BIN, 'cluster', 'join', token, '--config-dir', cluster.configDir(4)], {reject: false})
      assert.equal(joined.exitCode, 0, joined.stderr)
      cluster.start(4)
      // A DC that takes over (or re-forms its view after a pause) before n4 joined fences it as a
      // node it never saw (Pacemaker's startup fencing); a fenced host reboots and starts again.
      const fenced = () => [...cluster.logs.values()].some((log) => log.some((l) => /fence-done node=n4 .*exit=0/.test(l)))
      await cluster.waitFor(async () => (await cluster.status(4)) !== undefined || fenced(), 30_000, 'n4 answers')
      if (fenced() && (await cluster.status(4)) === undefined) {
        cluster.kill(4)
        await cluster.net.boot(4)
        cluster.start(4)
        await cluster.waitFor(async () => (await cluster.status(4)) !== undefined, 30_000, 'n4 answers after its startup fence')
      }
    })
    const membership = await ok(4, ['membership', '--json'])
    assert.equal(membership.json.result.view.expectedVotes, 4)
    assert.equal(membership.json.result.view.totalVotes, 4)
    await ok(2, ['status'], /\bn4\b/)
    assert.equal(await vipHolder(), holderBefore, 'the VIP stayed where it was (stickiness)')
    const refused = await cluster.cli(2, ['node', 'remove', 'n4'])
    assert.equal(refused.exitCode, 1, refused.stderr)
    assert.match(refused.stderr, /^hactl: node n4 is online: stop it first/)
    await step('node remove n4 --force', async () => {
      await ok(2, ['node', 'remove', 'n4', '--force'], /removed node n4 from the cluster: 3 nodes \(n1, n2, n3\)/)
      await cluster.waitFor(async () => (await cluster.status(4)) === undefined, 60_000, 'n4 stopped')
      cluster.kill(4)
    })
    const after = await ok(1, ['membership', '--json'])
    assert.equal(after.json.result.view.expectedVotes, 3)
    const status = await ok(3, ['status'])
    assert.doesNotMatch(status.stdout, /\bn4\b/, 'no ghost n4')
    assert.equal(await vipHolder(), holderBefore)
  })

  it('all day long: the VIP was never on two nodes, and never down longer than one failover', () => {
    const events = [...watch.events].sort((a, b) => a.atMs - b.atMs)
    const timeline = holderTimeline([], events, 0)
    const two = intervalsWhere(timeline, Infinity, (holders) => holders.length >= 2)
    assert.deepEqual(two, [], 'two holders at once')
    const firstUp = events.find((e) => e.added)!.atMs
    const down = intervalsWhere(timeline, Date.now(), (holders) => holders.length === 0).filter((i) => i.startMs >= firstUp)
    for (const interval of down) {
      assert.ok(interval.endMs - interval.startMs <= DOWN_BOUND_MS, `down ${interval.endMs - interval.startMs} ms > ${DOWN_BOUND_MS} ms`)
      const within = steps.find((s) => s.startMs <= interval.startMs && interval.endMs <= s.endMs)
      assert.ok(within, `a time without the VIP from ${interval.startMs} to ${interval.endMs} spans steps: ${JSON.stringify(steps)}`)
    }
  })
})
