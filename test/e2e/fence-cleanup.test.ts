// Manual fencing and cleanup through the DC (issue 14): `hactl node fence NODE`
// asked on any node runs the DC's fence device, is refused with one line when it
// cannot be done, and is recorded in `hactl stonith history` and `status --full`;
// `hactl resource cleanup` asked on a node that is neither the DC nor the holder
// clears the failure in the DC's books. Real daemons, a real fence agent (fence_netns).
import assert from 'node:assert/strict'
import {rm} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {okCli, useCluster} from '../lib/cluster.js'

const VIP = '10.213.0.100'
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))

describe('e2e: node fence and cleanup go through the DC', function () {
  this.timeout(240_000)
  const cluster = useCluster({nodes: 3, env: {HACTL_FENCE_PATH: FENCE_DIR}})

  const ok = (node: number, args: string[]) => okCli(cluster(), node, args)

  async function dc(): Promise<number> {
    return Number(String((await cluster().status(1)).dc).slice(1))
  }

  async function holder(id: string, asked = 1): Promise<number> {
    const nodes: string[] = (await cluster().status(asked)).resources.find((r: {id: string}) => r.id === id)?.nodes ?? []
    assert.equal(nodes.length, 1, `${id} runs once: ${nodes.join(',')}`)
    return Number(nodes[0].slice(1))
  }

  it('resource cleanup asked on a node that is neither the DC nor the holder clears the failure everywhere', async () => {
    const state = join(cluster().dir, 'dc1.state')
    await ok(1, ['resource', 'add', 'agent', 'dc1', 'ocf:hactl:dummy', `state=${state}`, '--op', 'monitor interval=1s timeout=10s'])
    await cluster().waitQuorate()
    const on = await holder('dc1')
    await rm(state)
    await cluster().waitFor(async () => ((await cluster().status(1))?.failures ?? []).some((f: {resource: string}) => f.resource === 'dc1'), 30_000, 'dc1\'s failure recorded')
    await cluster().waitFor(() => existsSync(state), 30_000, 'dc1 recovered')
    const leader = await dc()
    const other = [1, 2, 3].find((n) => n !== on && n !== leader)!
    const cleanup = await ok(other, ['resource', 'cleanup', 'dc1'])
    assert.match(cleanup.stdout, /dc1/)
    await cluster().waitFor(async () => ((await cluster().status(1))?.failures ?? []).length === 0, 30_000, 'the failure cleared in the DC\'s books')
    const shown = await ok(leader, ['resource', 'failcount', 'show', 'dc1'])
    assert.match(shown.stdout, /No failcounts for dc1/)
    await ok(1, ['resource', 'remove', 'dc1'])
    await cluster().waitQuorate()
  })

  it('node fence is refused without fencing enabled; then fences the VIP\'s holder through the DC, which recovers the VIP and records it', async () => {
    // The victim is not the DC (whose fence a delegate runs: README), so the books of one DC tell the story.
    const leader = await dc()
    const victim = [1, 2, 3].find((n) => n !== leader)!
    await ok(1, ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24'])
    await ok(1, ['constraint', 'location', 'vip', 'prefers', `n${victim}=100`])
    await ok(1, ['stonith', 'create', 'fence-all', 'fence_netns', `ns_prefix=hactl-${cluster().net.run}-`, `switch=${cluster().net.sw}`, '--force'])
    await cluster().waitQuorate()
    const disabled = await cluster().cli(1, ['node', 'fence', 'n3', '--force'])
    assert.equal(disabled.exitCode, 1, disabled.stderr)
    assert.match(disabled.stderr, /^hactl: fencing is disabled \(stonith-enabled=false\): enable it with 'hactl property set stonith-enabled=true' first; nothing was done$/)
    await ok(1, ['property', 'set', 'stonith-enabled=true'])
    await cluster().waitQuorate()
    const none = await ok(2, ['stonith', 'history'])
    assert.equal(none.stdout, 'No fencing history')

    assert.equal(await holder('vip'), victim)
    assert.equal(await dc(), leader)
    // Asked on a node that is not the victim, and not the DC when possible (the request is forwarded).
    const asked = [1, 2, 3].find((n) => n !== victim && n !== leader) ?? [1, 2, 3].find((n) => n !== victim)!
    const self = await cluster().cli(victim, ['node', 'fence', `n${victim}`, '--force'])
    assert.equal(self.exitCode, 2, self.stderr)
    assert.match(self.stderr, /is the node this command runs on: ask on another node/)

    const fenced = await ok(asked, ['node', 'fence', `n${victim}`, '--force'])
    assert.equal(fenced.stdout, `Node n${victim} fenced by fence-all`)
    cluster().kill(victim) // its processes were killed by the fence agent
    const survivors = [1, 2, 3].filter((n) => n !== victim)
    await cluster().waitFor(async () => {
      const h = await cluster().holders(VIP)
      return h.length === 1 && h[0] !== victim
    }, 60_000, 'the VIP recovered on a survivor')
    await cluster().waitQuorate(survivors, 60_000)
    const history = await ok(survivors[0], ['stonith', 'history', '--json'])
    assert.deepEqual(history.json.result.map((e: {target: string, ok: boolean, manual: boolean, origin: string, device: string}) => [e.target, e.ok, e.manual, e.origin, e.device]),
      [[`n${victim}`, true, true, `n${asked}`, 'fence-all']], 'one fence: the manual one (not fenced again when it left the membership)')
    const text = await ok(survivors[1], ['stonith', 'history', `n${victim}`])
    assert.match(text.stdout, new RegExp(`^reboot of n${victim} successful: device=fence-all, delegate=n\\d, origin=n${asked} \\(hactl node fence\\), completed='\\d{4}-`))
    const full = await ok(survivors[0], ['status', '--full'])
    assert.match(full.stdout, new RegExp(`Fencing History:\\n  \\* reboot of n${victim} successful`))
    const status = await cluster().status(survivors[0])
    assert.equal(status.nodes.find((n: {name: string}) => n.name === `n${victim}`).unclean, false)
  })
})
