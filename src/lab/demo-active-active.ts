// `hactl demo --active-active`: three nodes each serving HTTP (the lab's backend,
// cloned), a balancer on a VIP in front, requests from a client host spread over
// the three; one backend killed, then the balancer's host crashed, with what the
// client saw measured.
import {execa} from 'execa'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {installLabAgents} from './httpd-agent.js'
import {BIN, TestCluster} from './lab-cluster.js'
import {netnsAvailable} from './test-net.js'

const VIP = '10.213.0.100'
const CLIENT = 4
const CLIENT_JS = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/lab/http-client.js' : './http-client.js', import.meta.url))

export interface ActiveActiveResult {
  activeActive: {
    spread: Record<string, number>
    killedBackend: {node: string, failedRequests: number, lastFailureAfterMs: number | null, backAfterMs: number | null}
    balancerCrash: {from: string, to: string, failedRequests: number, gapMs: number, spreadAfter: Record<string, number>}
  }
}

interface Answer {i: number, atMs: number, ok: boolean, who?: string, error?: string, ms: number}
type Say = (line: string) => void

function parse(stdout: string): Answer[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Answer)
}

function spread(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of answers) if (a.ok) out[a.who!] = (out[a.who!] ?? 0) + 1
  return Object.fromEntries(Object.entries(out).sort())
}

export async function runActiveActiveDemo(say: Say): Promise<ActiveActiveResult> {
  const missing = await netnsAvailable()
  if (missing) throw new Error(`the demo builds network namespaces and ${missing}: run it as root on Linux with iproute2 and nftables`)
  const agents = await mkdtemp(join(tmpdir(), 'hactl-demo-agents-'))
  say('1. Hosts n1 n2 n3 (cluster nodes) and n4 (a client, no daemon) as network namespaces on a bridge, 10.213.0.0/24')
  const cluster = await TestCluster.create({nodes: 3, hosts: 4, env: {HACTL_LOG_LEVEL: 'warning', HACTL_OCF_ROOT: await installLabAgents(agents)}})
  const requests = async (args: string[]): Promise<Answer[]> =>
    parse(String((await cluster.net.exec(CLIENT, [process.execPath, CLIENT_JS, `http://${VIP}/`, ...args])).stdout))
  const load = (durationMs: number, gapMs: number, timeoutMs: number) => {
    const child = cluster.net.spawn(CLIENT, [process.execPath, CLIENT_JS, `http://${VIP}/`, '--duration', String(durationMs), '--gap', String(gapMs), '--timeout', String(timeoutMs)])
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
    return {done: async () => { await child; return parse(out) }}
  }
  const run = async (args: string[]) => {
    say(`   $ hactl ${args.map((a) => /\s/.test(a) ? JSON.stringify(a) : a).join(' ')}`)
    const r = await cluster.cli(1, args)
    if (r.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${r.stderr}`)
  }
  const holder = async (among: number[]): Promise<number> => {
    let found = 0
    await cluster.waitFor(async () => {
      const h = (await cluster.holders(VIP)).filter((n) => among.includes(n))
      found = h.length === 1 ? h[0]! : 0
      return found !== 0
    }, 30_000, `${VIP} on one node`)
    return found
  }
  const showStatus = async (node: number) => {
    const r = await execa(process.execPath, [BIN, 'status', '--run-dir', cluster.runDir(node)], {reject: false})
    say(String(r.stdout).split('\n').map((l) => `    ${l}`).join('\n'))
  }
  try {
    say('2. Three daemons, one quorate view')
    await cluster.startAll()
    await cluster.waitQuorate()
    const names = [1, 2, 3].map((n) => `n${n}=${cluster.net.addr(n)}`).join(',')
    say('3. An HTTP server on every node (ocf:lab:httpd, answers with its node name), cloned; a balancer on a VIP in front of it')
    await run(['property', 'set', 'resource-stickiness=100'])
    await run(['resource', 'add', 'agent', 'web', 'ocf:lab:httpd', 'port=8080', `names=${names}`, '--op', 'monitor interval=1s timeout=5s', '--disabled', '--force'])
    await run(['resource', 'clone', 'web'])
    await run(['resource', 'enable', 'web'])
    await run(['resource', 'add', 'balancer', 'web-lb', '--vip', `${VIP}/24`, '--port', '80', '--to', 'web-clone', '--target-port', '8080',
      '--check', 'http:/health', '--check-interval', '200', '--check-timeout', '200', '--rise', '2', '--fall', '2'])
    await cluster.waitFor(async () => Object.keys(spread(await requests(['--count', '9', '--timeout', '500']))).length === 3, 30_000, 'three backends answering')
    await cluster.waitQuorate()
    say('4. hactl status')
    const lbHost = await holder([1, 2, 3])
    await showStatus(lbHost)

    const first = await requests(['--count', '30'])
    const firstSpread = spread(first)
    say(`5. 30 requests from n4 to http://${VIP}/ (round robin): ${JSON.stringify(firstSpread)}`)

    const victim = [1, 2, 3].find((n) => n !== lbHost)!
    say(`6. kill -9 of the HTTP server on n${victim}, with requests every 5 ms`)
    const during = load(5000, 5, 500)
    await new Promise((resolve) => setTimeout(resolve, 800))
    let pid = 0
    for (const p of await cluster.net.pids(victim)) {
      if ((await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')).includes('httpd.js')) pid = p
    }
    if (pid === 0) throw new Error(`no HTTP server found on n${victim}`)
    const killedAt = Date.now()
    process.kill(pid, 'SIGKILL')
    const afterKill = (await during.done()).filter((a) => a.atMs >= killedAt)
    const failures = afterKill.filter((a) => !a.ok)
    const lastFailure = failures.at(-1)
    const back = afterKill.find((a) => a.ok && a.who === `n${victim}`)
    say(`   ${failures.length} of ${afterKill.length} requests failed${lastFailure ? `, the last sent ${lastFailure.atMs - killedAt} ms after the kill (health check / monitor noticed, the backend was taken out)` : ''}`)
    say(`   then: ${JSON.stringify(spread(afterKill.filter((a) => !lastFailure || a.atMs > lastFailure.atMs)))}` +
      (back ? `; n${victim} answers again ${back.atMs - killedAt} ms after the kill (the DC restarted it, the balancer took it back)` : ''))
    await cluster.waitFor(async () => Object.keys(spread(await requests(['--count', '9', '--timeout', '500']))).length === 3, 30_000, 'three backends answering again')

    say(`7. The balancer's host n${lbHost} crashes (every process killed, link down), with requests every 10 ms`)
    const crashLoad = load(12_000, 10, 300)
    await new Promise((resolve) => setTimeout(resolve, 800))
    const crashedAt = Date.now()
    cluster.kill(lbHost)
    await cluster.net.powerOff(lbHost)
    const survivors = [1, 2, 3].filter((n) => n !== lbHost)
    const newHost = await holder(survivors)
    const crash = (await crashLoad.done()).filter((a) => a.atMs >= crashedAt)
    const crashFailures = crash.filter((a) => !a.ok)
    const lastCrashFailure = crashFailures.at(-1)
    const again = lastCrashFailure ? crash.find((a) => a.ok && a.atMs > lastCrashFailure.atMs) : undefined
    const gapMs = again ? again.atMs - crashedAt : 0
    const spreadAfter = spread(crash.filter((a) => !lastCrashFailure || a.atMs > lastCrashFailure.atMs))
    say(`   the VIP and the balancer moved to n${newHost}; ${crashFailures.length} requests failed; requests succeed again ${gapMs} ms after the crash`)
    say(`   spread over the survivors since: ${JSON.stringify(spreadAfter)}`)
    await cluster.waitQuorate(survivors)
    say(`8. hactl status on n${newHost}`)
    await showStatus(newHost)
    return {activeActive: {
      spread: firstSpread,
      killedBackend: {node: `n${victim}`, failedRequests: failures.length, lastFailureAfterMs: lastFailure ? lastFailure.atMs - killedAt : null, backAfterMs: back ? back.atMs - killedAt : null},
      balancerCrash: {from: `n${lbHost}`, to: `n${newHost}`, failedRequests: crashFailures.length, gapMs, spreadAfter},
    }}
  } finally {
    say('9. Cleaning up: daemons stopped, namespaces and files removed')
    await cluster.destroy()
    await rm(agents, {recursive: true, force: true})
  }
}
