// Active-active on real hosts: three nodes each run the lab's HTTP backend
// (ocf:lab:httpd, cloned), a balancer (ocf:hactl:balancer) on a VIP forwards to
// them; a client host (no daemon) sends requests through the VIP. The backend
// set follows the cluster through the DC; health checks take out a backend that
// stops answering; the balancer's host crashes and the VIP and balancer move.
// Times are measured and printed, not asserted.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {installLabAgents} from '../../src/lab/httpd-agent.js'
import {TestCluster} from '../lib/cluster.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const VIP_SH = '10.213.0.101'
const CLIENT = 4
const CLIENT_JS = fileURLToPath(new URL('../../dist/lab/http-client.js', import.meta.url))
const KEEP = 'table inet keepme {\n  chain c {\n    type filter hook input priority filter + 7; policy accept;\n    tcp dport 2222 counter accept\n  }\n}\n'

interface Answer {i: number, atMs: number, ok: boolean, who?: string, error?: string, ms: number}

function parse(stdout: string): Answer[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Answer)
}

function spread(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of answers) if (a.ok) out[a.who!] = (out[a.who!] ?? 0) + 1
  return out
}

describe('e2e: active-active balancer behind a VIP', function () {
  this.timeout(180_000)
  let cluster: TestCluster
  let agentsDir: string

  before(async function () {
    await requireNetns(this)
    agentsDir = await mkdtemp(join(tmpdir(), 'hactl-lab-agents-'))
    const ocfRoot = await installLabAgents(agentsDir)
    cluster = await TestCluster.create({nodes: 3, hosts: 4, env: {HACTL_OCF_ROOT: ocfRoot}})
    await cluster.startAll()
    await cluster.waitQuorate()
  })

  after(async () => {
    await cluster?.destroy()
    if (agentsDir) await rm(agentsDir, {recursive: true, force: true})
  })

  async function requests(url: string, args: string[]): Promise<Answer[]> {
    const r = await cluster.net.exec(CLIENT, [process.execPath, CLIENT_JS, url, ...args])
    return parse(String(r.stdout))
  }

  async function ruleset(node: number, table: string): Promise<string> {
    return String((await cluster.net.exec(node, ['nft', 'list', 'table', ...table.split(' ')], {reject: false})).stdout)
  }

  async function cli(args: string[]): Promise<void> {
    const r = await cluster.cli(1, args)
    assert.equal(r.exitCode, 0, `hactl ${args.join(' ')}: ${r.stderr}`)
  }

  async function holder(vip: string, among: number[]): Promise<number> {
    let found = 0
    await cluster.waitFor(async () => {
      const h = (await cluster.holders(vip)).filter((n) => among.includes(n))
      found = h.length === 1 ? h[0]! : 0
      return found !== 0
    }, 30_000, `${vip} on one node`)
    return found
  }

  /** Until the balancer answers from exactly these nodes (a few requests at a time). */
  async function waitBackends(url: string, names: string[]): Promise<void> {
    let last: Answer[] = []
    try {
      await cluster.waitFor(async () => {
        last = await requests(url, ['--count', String(names.length * 3), '--timeout', '500'])
        const seen = Object.keys(spread(last)).sort()
        return JSON.stringify(seen) === JSON.stringify([...names].sort())
      }, 30_000, `${url} answered by ${names.join(', ')}`)
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlast answers: ${JSON.stringify(last.slice(0, 6))}\n${await diagnose()}`)
    }
  }

  /** What the balancer hosts hold, for a failure message. */
  async function diagnose(): Promise<string> {
    const {readdir, readFile} = await import('node:fs/promises')
    const out: string[] = []
    for (const n of [1, 2, 3]) {
      out.push(`--- n${n} nft`, String((await cluster.net.exec(n, ['nft', 'list', 'ruleset'], {reject: false})).stdout))
      const rsc = join(cluster.runDir(n), 'rsctmp')
      for (const dir of await readdir(rsc).catch(() => [] as string[])) {
        if (dir === 'lab-httpd.log') out.push(`lab-httpd.log: ${(await readFile(join(rsc, dir), 'utf8').catch(() => '')).slice(-500)}`)
        for (const f of ['checker.log', 'health.json', 'backends', 'down']) {
          const text = await readFile(join(rsc, dir, f), 'utf8').catch(() => undefined)
          if (text !== undefined) out.push(`${dir}/${f}: ${text.trim()}`)
        }
      }
      out.push((cluster.logs.get(n) ?? []).filter((l) => /dispatch|action-failed|balancer|reload/.test(l)).slice(-15).join('\n'))
    }
    out.push(JSON.stringify((await cluster.status(1))?.resources ?? null))
    return out.join('\n')
  }

  it('spreads, pins by source, drops a failed backend, survives its host crashing, and leaves the host\'s rules alone', async () => {
    for (const node of [1, 2, 3]) await cluster.net.exec(node, ['nft', '-f', '-'], {input: KEEP})
    const before = await Promise.all([1, 2, 3].map((n) => ruleset(n, 'inet keepme')))

    const names = [1, 2, 3].map((n) => `n${n}=${cluster.net.addr(n)}`).join(',')
    await cli(['property', 'set', 'resource-stickiness=100'])
    await cli(['resource', 'add', 'agent', 'web', 'ocf:lab:httpd', 'port=8080', `names=${names}`, '--op', 'monitor interval=1s timeout=5s', '--disabled', '--force'])
    // Cloned before it starts: a primitive started and then cloned would hold the port while its first instance starts.
    await cli(['resource', 'clone', 'web'])
    await cli(['resource', 'enable', 'web'])
    // A missing clone, a bad port: one-line errors, exit 2, nothing changed.
    for (const bad of [['--to', 'nope-clone', '--port', '80'], ['--to', 'web-clone', '--port', '99999']]) {
      const r = await cluster.cli(1, ['resource', 'add', 'balancer', 'bad', '--vip', '10.213.0.109/24', ...bad])
      assert.equal(r.exitCode, 2, r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    }
    await cli(['resource', 'add', 'balancer', 'lb', '--vip', `${VIP}/24`, '--port', '80', '--to', 'web-clone', '--target-port', '8080',
      '--check', 'tcp', '--check-interval', '200', '--check-timeout', '200', '--rise', '2', '--fall', '2'])
    await cli(['resource', 'add', 'balancer', 'sticky', '--vip', `${VIP_SH}/24`, '--port', '80', '--to', 'web-clone', '--target-port', '8080', '--method', 'source-hash'])
    const all = ['n1', 'n2', 'n3']
    await waitBackends(`http://${VIP}/`, all)

    // 1. Round robin over three backends.
    const rr = await requests(`http://${VIP}/`, ['--count', '300'])
    const counts = spread(rr)
    console.log(`      300 requests through ${VIP}: ${JSON.stringify(counts)}`)
    assert.equal(rr.filter((a) => a.ok).length, 300, JSON.stringify(rr.filter((a) => !a.ok).slice(0, 3)))
    for (const name of all) assert.ok(counts[name]! >= 75 && counts[name]! <= 126, `${name}: ${counts[name]} of 300`)

    // hactl status shows the balancer and its backends (text and --json); a node other than the DC
    // shows the DC's last published status, so wait for it.
    const backendsOf = async (node: number, id = 'lb') => {
      const status = await cluster.cli(node, ['status', '--json'])
      const lb = status.json?.result?.balancers?.find((b: {id: string}) => b.id === id)
      return (lb?.backends ?? []).map((b: {node: string, state: string, health?: string, connections?: number}) => `${b.node} ${b.state} ${b.health} ${typeof b.connections}`).join(', ')
    }
    await cluster.waitFor(async () => /^n1 active \S+ \S+, n2 active \S+ \S+, n3 active \S+ \S+$/.test(await backendsOf(1)), 10_000, 'status shows three active backends')
    assert.match((await cluster.cli(1, ['status'])).stdout, /Balancers:\n {2}\* lb\t10\.213\.0\.100:80 -> web-clone:8080 \(rr\)\ton n\d/)
    // On the balancer's own node, status adds the health checks' verdicts and connection counts.
    const lbNode = await holder(VIP, [1, 2, 3])
    await cluster.waitFor(async () => (await backendsOf(lbNode)) === 'n1 active up number, n2 active up number, n3 active up number', 10_000, 'health and connections on the balancer\'s node')

    // 2. Source hash: one client, one backend.
    // The set must be complete first: a change of the set changes the hash's modulus.
    await cluster.waitFor(async () => /^n1 active \S+ \S+, n2 active \S+ \S+, n3 active \S+ \S+$/.test(await backendsOf(1, 'sticky')), 10_000, 'the source-hash balancer has three backends')
    const sh = await requests(`http://${VIP_SH}/`, ['--count', '60'])
    const shCounts = spread(sh)
    console.log(`      60 requests through the source-hash balancer: ${JSON.stringify(shCounts)}`)
    assert.equal(Object.keys(shCounts).length, 1)
    assert.equal(sh.filter((a) => a.ok).length, 60)

    // 3. A backend's service is killed (on a node that does not hold the balancer).
    const lbHost = await holder(VIP, [1, 2, 3])
    const victim = [1, 2, 3].find((n) => n !== lbHost)!
    const load = cluster.net.spawn(CLIENT, [process.execPath, CLIENT_JS, `http://${VIP}/`, '--duration', '6000', '--gap', '5', '--timeout', '500'])
    let out = ''
    load.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const httpd = await findHttpd(victim)
    const killedAt = Date.now()
    process.kill(httpd, 'SIGKILL')
    await load
    const answers = parse(out)
    const after = answers.filter((a) => a.atMs >= killedAt)
    const failed = after.filter((a) => !a.ok)
    const lastFail = failed.at(-1)
    const lastToVictim = after.filter((a) => a.ok && a.who === `n${victim}`)
    console.log(`      killed n${victim}'s backend: ${failed.length} of ${after.length} requests failed, the last ${lastFail ? lastFail.atMs - killedAt : 0} ms after the kill; ` +
      `n${victim} answered again ${lastToVictim.length > 0 ? `${lastToVictim[0]!.atMs - killedAt} ms` : 'not yet'} after (restarted by the DC)`)
    // Once noticed, no request fails: the last stretch of the run is all successes.
    const tail = answers.slice(-50)
    assert.ok(tail.length === 50 && tail.every((a) => a.ok), JSON.stringify(tail.filter((a) => !a.ok).slice(0, 3)))
    await waitBackends(`http://${VIP}/`, all)

    // 4. The balancer's host crashes: the VIP and the balancer move.
    const crashLoad = cluster.net.spawn(CLIENT, [process.execPath, CLIENT_JS, `http://${VIP}/`, '--duration', '15000', '--gap', '10', '--timeout', '300'])
    let crashOut = ''
    crashLoad.stdout?.on('data', (chunk: Buffer) => { crashOut += chunk.toString() })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const crashedAt = Date.now()
    cluster.kill(lbHost)
    await cluster.net.powerOff(lbHost)
    const survivors = [1, 2, 3].filter((n) => n !== lbHost)
    const newHost = await holder(VIP, survivors)
    await crashLoad
    const crash = parse(crashOut).filter((a) => a.atMs >= crashedAt)
    const crashFails = crash.filter((a) => !a.ok)
    const lastCrashFail = crashFails.at(-1)
    const backAt = lastCrashFail ? crash.find((a) => a.ok && a.atMs > lastCrashFail.atMs) : undefined
    const lateSpread = spread(crash.slice(-100))
    console.log(`      n${lbHost} crashed: VIP and balancer on n${newHost}; ${crashFails.length} of ${crash.length} requests failed, ` +
      `the first sent ${crashFails[0] ? crashFails[0].atMs - crashedAt : '-'} ms after the crash, success again from ${backAt ? backAt.atMs - crashedAt : '-'} ms; last 100: ${JSON.stringify(lateSpread)}`)
    assert.ok(crashFails.length === 0 || backAt !== undefined, 'requests succeed again after the failover')
    assert.ok(crash.slice(-50).every((a) => a.ok), 'the last requests all succeed')
    assert.deepEqual(Object.keys(lateSpread).sort(), survivors.map((n) => `n${n}`).sort())

    // 5. The host's own nftables rules are untouched (the crashed host's namespace was flushed of addresses only).
    for (const n of survivors) assert.equal(await ruleset(n, 'inet keepme'), before[n - 1])
    assert.equal(await ruleset(lbHost, 'inet keepme'), before[lbHost - 1])
  })

  async function findHttpd(node: number): Promise<number> {
    const {readFile} = await import('node:fs/promises')
    for (const pid of await cluster.net.pids(node)) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
      if (cmd.includes('httpd.js')) return pid
    }
    throw new Error(`no httpd on n${node}`)
  }
})
