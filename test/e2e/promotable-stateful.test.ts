// End-to-end: ocf:pacemaker:Stateful, unchanged, as a promotable clone through real
// daemons in network namespaces. The agent sets its promotion score with
// `crm_attribute --promotion`, answered by hactl's shim (resource-agents/sbin) from
// the local daemon; the DC promotes the instance with the best score; a VIP follows
// the Promoted role; the Promoted host crashes and another instance is promoted;
// the crashed host comes back Unpromoted and `resource move --promoted` switches over.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {useCluster} from '../lib/cluster.js'
import {ROOT} from '../lib/cli.js'

const VIP = '10.213.0.120'
const SHIMS = join(ROOT, 'resource-agents', 'sbin')

describe('e2e: ocf:pacemaker:Stateful as a promotable clone', function () {
  this.timeout(240_000)
  const cluster = useCluster({nodes: 3}, 60)

  async function cli(node: number, args: string[]): Promise<any> {
    const r = await cluster().cli(node, args)
    assert.equal(r.exitCode, 0, `hactl ${args.join(' ')}: ${r.stderr}`)
    return r
  }

  /** Runs one of the Pacemaker shims on a node (as an agent would: HACTL_RUN_DIR names the daemon). */
  async function shim(node: number, command: string, args: string[], env: Record<string, string> = {}) {
    return execa(join(SHIMS, command), args, {reject: false, env: {HACTL_RUN_DIR: cluster().runDir(node), HACTL_NODE: process.execPath, ...env}})
  }

  /** The node whose instance of db is Promoted, and the nodes with an Unpromoted one, per the status of `from`. */
  async function roles(from = 1): Promise<{promoted: string[], unpromoted: string[]}> {
    const status = await cluster().status(from)
    const instances = (status?.resources ?? []).filter((r: {id: string}) => r.id.startsWith('db:'))
    const running = instances.filter((r: {role: string}) => r.role === 'started')
    return {
      promoted: running.flatMap((r: {promotedOn?: string[]}) => r.promotedOn ?? []).sort(),
      unpromoted: running.flatMap((r: {nodes: string[], promotedOn?: string[]}) => r.nodes.filter((n) => !(r.promotedOn ?? []).includes(n))).sort(),
    }
  }

  async function waitRoles(from: number, promoted: number, unpromoted: number, what: string): Promise<{promoted: string[], unpromoted: string[]}> {
    let seen = {promoted: [] as string[], unpromoted: [] as string[]}
    await cluster().waitFor(async () => {
      seen = await roles(from)
      return seen.promoted.length === promoted && seen.unpromoted.length === unpromoted
    }, 60_000, `${what} (last seen ${JSON.stringify(seen)})`)
    return seen
  }

  it('transient attributes: set on a node, seen from the others, bounded, and not writable for another node', async () => {
    const set = await shim(2, 'crm_attribute', ['-N', 'n2', '-n', 'probe-attr', '-l', 'reboot', '-v', 'hello'])
    assert.equal(set.exitCode, 0, set.stderr)
    const own = await shim(2, 'crm_attribute', ['-N', 'n2', '-n', 'probe-attr', '-l', 'reboot', '-G', '-q'])
    assert.equal(own.stdout.trim(), 'hello')
    await cluster().waitFor(async () => (await shim(3, 'crm_attribute', ['-N', 'n2', '-n', 'probe-attr', '-l', 'reboot', '-G', '-q'])).stdout.trim() === 'hello',
      20_000, 'n3 sees the transient attribute of n2 (through the DC)')
    const full = await shim(2, 'crm_attribute', ['--node=n2', '--name=probe-attr', '--lifetime=reboot', '--query'])
    assert.equal(full.stdout.trim(), 'scope=status  name=probe-attr value=hello')
    const missing = await shim(1, 'crm_attribute', ['-N', 'n1', '-n', 'nothing-here', '-l', 'reboot', '-G', '-q'])
    assert.equal(missing.exitCode, 105)
    const withDefault = await shim(1, 'crm_attribute', ['-N', 'n1', '-n', 'nothing-here', '-l', 'reboot', '-G', '-q', '-d', 'dflt'])
    assert.equal(withDefault.stdout.trim(), 'dflt')
    const badName = await shim(1, 'crm_attribute', ['-N', 'n1', '-n', 'bad name', '-l', 'reboot', '-v', 'x'])
    assert.equal(badName.exitCode, 65, badName.stderr)
    assert.match(badName.stderr, /bad name/)
    const remote = await shim(1, 'crm_attribute', ['-N', 'n2', '-n', 'x', '-l', 'reboot', '-v', 'y'])
    assert.equal(remote.exitCode, 1, remote.stderr)
    const forever = await shim(1, 'crm_attribute', ['-N', 'n3', '-n', 'rack', '-v', 'r7'])
    assert.equal(forever.exitCode, 0, forever.stderr)
    const config = await cli(2, ['config', 'show', '--json'])
    const n3 = (config.json.result.nodes ?? config.json.result.config?.nodes ?? []).find((n: {name: string}) => n.name === 'n3')
    assert.equal(n3?.attributes?.rack, 'r7', 'lifetime forever is a replicated configuration edit')
    const node = await shim(2, 'crm_node', ['-n'])
    assert.equal(node.stdout.trim(), 'n2')
    const partition = await shim(2, 'crm_node', ['-p'])
    assert.deepEqual(partition.stdout.trim().split(' ').sort(), ['n1', 'n2', 'n3'])
    const quorum = await shim(2, 'crm_node', ['-q'])
    assert.equal(quorum.stdout.trim(), '1')
    const deleted = await shim(2, 'crm_attribute', ['-N', 'n2', '-n', 'probe-attr', '-l', 'reboot', '-D'])
    assert.equal(deleted.exitCode, 0, deleted.stderr)
    assert.equal((await shim(2, 'crm_attribute', ['-N', 'n2', '-n', 'probe-attr', '-l', 'reboot', '-G', '-q'])).exitCode, 105)
  })

  it('promotes the instance with the best score, the VIP follows it; a crashed Promoted host is replaced; move --promoted switches over', async () => {
    await cli(1, ['property', 'set', 'resource-stickiness=100'])
    await cli(1, ['resource', 'add', 'agent', 'db', 'ocf:pacemaker:Stateful', '--disabled',
      '--op', 'monitor interval=2s role=Promoted timeout=10s', '--op', 'monitor interval=3s role=Unpromoted timeout=10s'])
    await cli(1, ['resource', 'promotable', 'db', '--promoted-max', '1'])
    await cli(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--op', 'monitor interval=1s timeout=5s'])
    await cli(1, ['constraint', 'colocation', 'add', 'vip', 'with', 'db-clone', 'INFINITY', '--role', 'Promoted'])
    await cli(1, ['constraint', 'order', 'promote', 'db-clone', 'then', 'start', 'vip'])
    await cli(1, ['resource', 'enable', 'db'])

    const first = await waitRoles(1, 1, 2, 'one Promoted and two Unpromoted instances')
    const primary = Number(first.promoted[0]!.slice(1))
    await cluster().waitFor(async () => (await cluster().holders(VIP)).join() === String(primary), 30_000, `the VIP on the Promoted node n${primary}`)
    // Stateful's scores: 10 where Promoted, 5 where Unpromoted, read back through the shim as the DC sees them.
    for (const n of [1, 2, 3]) {
      const score = await shim(1, 'crm_attribute', ['-N', `n${n}`, '-n', 'master-db', '-l', 'reboot', '-G', '-q'])
      assert.equal(score.stdout.trim(), n === primary ? '10' : '5', `score of n${n}`)
    }
    const text = await cli(1, ['status'])
    assert.match(text.stdout, new RegExp(`Promoted n${primary}`))
    assert.match(text.stdout, /Unpromoted n\d/)

    // The Promoted host crashes: another instance is promoted, the VIP follows.
    cluster().kill(primary)
    await cluster().net.powerOff(primary)
    const others = [1, 2, 3].filter((n) => n !== primary)
    const after = await waitRoles(others[0]!, 1, 1, 'a surviving instance promoted')
    const next = Number(after.promoted[0]!.slice(1))
    assert.ok(others.includes(next))
    await cluster().waitFor(async () => (await cluster().holders(VIP)).join() === String(next), 30_000, `the VIP on the new Promoted node n${next}`)

    // The crashed host boots (its /run is empty again) and its daemon starts: Unpromoted, it does not take over.
    await rm(cluster().runDir(primary), {recursive: true, force: true})
    await cluster().net.boot(primary)
    cluster().start(primary)
    await cluster().waitQuorate(undefined, 120_000)
    const back = await waitRoles(next, 1, 2, `n${primary} back as Unpromoted`)
    assert.deepEqual(back.promoted, [`n${next}`], 'stickiness keeps the Promoted role where it is')

    // Switchover: move the Promoted role back to the first node.
    await cli(next, ['resource', 'move', 'db-clone', `n${primary}`, '--promoted'])
    await cluster().waitFor(async () => (await roles(1)).promoted.join() === `n${primary}`, 60_000, `n${primary} promoted again`)
    await cluster().waitFor(async () => (await cluster().holders(VIP)).join() === String(primary), 30_000, `the VIP back on n${primary}`)
    const final = await waitRoles(1, 1, 2, 'one Promoted, two Unpromoted after the switchover')
    assert.deepEqual(final.promoted, [`n${primary}`])
  })

  it('the daemon of the Promoted node is killed: its resource guard demotes and stops the instance, another is promoted', async () => {
    const {promoted} = await waitRoles(1, 1, 2, 'one Promoted, two Unpromoted')
    const node = Number(promoted[0]!.slice(1))
    const stateFile = join(cluster().runDir(node), 'varrun', 'Stateful-db.state')
    assert.equal((await readFile(stateFile, 'utf8')).trim(), 'Promoted')
    await cli(node, ['resource', 'clear', 'db-clone'])
    cluster().kill(node)
    // Stateful refuses to stop a Promoted instance: the file goes only if the guard demoted it first.
    await cluster().waitFor(async () => !existsSync(stateFile), 30_000, `the guard of n${node} demoted and stopped db`)
    const others = [1, 2, 3].filter((n) => n !== node)
    const after = await waitRoles(others[0]!, 1, 1, 'another instance promoted')
    assert.ok(others.includes(Number(after.promoted[0]!.slice(1))))
    const guardLog = cluster().logs.get(node)!.join('\n')
    assert.doesNotMatch(guardLog, /guard-demote-failed/)
  })
})
