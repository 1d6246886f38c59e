// `hactl demo`: a 3-node cluster in network namespaces on this machine, a VIP and
// a dummy service, a standby and a crash, with the measured failover times.
import {execa} from 'execa'
import {BIN, TestCluster} from './lab-cluster.js'
import {netnsAvailable} from './test-net.js'

const VIP = '10.213.0.100'

export interface DemoResult {
  standbyMoveMs: number
  crashFailoverMs: number
  holders: {initial: string, afterStandby: string, afterCrash: string}
}

type Say = (line: string) => void

async function showStatus(cluster: TestCluster, node: number, say: Say): Promise<void> {
  const result = await execa(process.execPath, [BIN, 'status', '--run-dir', cluster.runDir(node)], {reject: false})
  say(String(result.stdout).split('\n').map((l) => `    ${l}`).join('\n'))
}

async function holder(cluster: TestCluster, among: number[]): Promise<number> {
  let found = 0
  await cluster.waitFor(async () => {
    const h = (await cluster.holders(VIP)).filter((n) => among.includes(n))
    found = h.length === 1 ? h[0] : 0
    return found !== 0
  }, 30_000, `${VIP} on one node`)
  return found
}

export async function runDemo(say: Say): Promise<DemoResult> {
  const missing = await netnsAvailable()
  if (missing) throw new Error(`the demo builds network namespaces and ${missing}: run it as root on Linux with iproute2 and nftables`)
  say('1. Building 3 hosts n1 n2 n3 as network namespaces on a bridge (10.213.0.0/24), and cluster.json with `hactl cluster setup`')
  const cluster = await TestCluster.create({nodes: 3, env: {HACTL_LOG_LEVEL: 'warning'}})
  try {
    say(`   namespaces ${[1, 2, 3].map((n) => cluster.net.ns(n)).join(', ')}; files under ${cluster.dir}`)
    say('2. Starting three daemons (hactl daemon) and waiting for one quorate view')
    const t0 = Date.now()
    await cluster.startAll()
    await cluster.waitQuorate()
    say(`   quorate in ${Date.now() - t0} ms`)
    say(`3. hactl resource add vip web-ip --ip ${VIP} --cidr 24 --group web; hactl resource add agent app ocf:hactl:dummy --group web`)
    for (const args of [
      ['property', 'set', 'resource-stickiness=100'],
      ['resource', 'add', 'vip', 'web-ip', '--ip', VIP, '--cidr', '24', '--group', 'web', '--op', 'monitor interval=2s timeout=5s'],
      ['resource', 'add', 'agent', 'app', 'ocf:hactl:dummy', '--group', 'web'],
    ]) {
      const result = await cluster.cli(1, args)
      if (result.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${result.stderr}`)
    }
    const first = await holder(cluster, [1, 2, 3])
    await cluster.waitQuorate()
    say('4. hactl status')
    await showStatus(cluster, first, say)

    say(`5. hactl node standby n${first}: the group moves away`)
    const others = [1, 2, 3].filter((n) => n !== first)
    const standbyWatch = cluster.watchAddress(VIP, others)
    await standbyWatch.ready()
    const standbyAt = Date.now()
    const appeared = standbyWatch.next((e) => e.added)
    const standby = await cluster.cli(others[0], ['node', 'standby', `n${first}`])
    if (standby.exitCode !== 0) throw new Error(`hactl node standby: ${standby.stderr}`)
    const moved = await appeared
    standbyWatch.stop()
    const standbyMoveMs = moved.atMs - standbyAt
    say(`   ${VIP} is up on n${moved.node} ${standbyMoveMs} ms after the command was issued (CLI start-up included)`)
    await cluster.waitQuorate()

    const second = moved.node
    const survivors = [1, 2, 3].filter((n) => n !== second)
    say(`6. kill -9 of n${second}'s daemon and its link down: a crash`)
    const crashWatch = cluster.watchAddress(VIP, survivors)
    await crashWatch.ready()
    const crashAppeared = crashWatch.next((e) => e.added)
    const crashAt = Date.now()
    cluster.kill(second, 'SIGKILL')
    await cluster.net.setLinkUp(second, 0, false)
    const recovered = await crashAppeared
    crashWatch.stop()
    const crashFailoverMs = recovered.atMs - crashAt
    say(`   ${VIP} is up on n${recovered.node} ${crashFailoverMs} ms after the crash (detection, agreement, safety delay, start)`)
    await cluster.waitQuorate(survivors)
    say('7. hactl status on a survivor')
    await showStatus(cluster, recovered.node, say)
    return {standbyMoveMs, crashFailoverMs, holders: {initial: `n${first}`, afterStandby: `n${second}`, afterCrash: `n${recovered.node}`}}
  } finally {
    say('8. Cleaning up: daemons stopped, namespaces and files removed')
    await cluster.destroy()
  }
}
