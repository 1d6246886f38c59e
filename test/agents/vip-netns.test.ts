import assert from 'node:assert/strict'
import {Executor, type ActionResult} from '../../src/agents/index.js'
import {commandWorks, eventually, isRoot, Namespaces, requireCapability, sh} from './helpers.js'

// Two hosts on one link: A runs the VIP, B is the peer that must learn it.
describe('agents: vip in network namespaces (real ip addr, real gratuitous ARP)', function () {
  this.timeout(60_000)
  const ns = new Namespaces()
  let a = ''
  let b = ''
  let executor: Executor
  let macA = ''

  before(async function () {
    requireCapability(this, 'root and iproute2 (network namespaces)', isRoot && (await commandWorks('ip', ['-V'])))
    requireCapability(this, 'arping (iputils-arping)', await commandWorks('sh', ['-c', 'command -v arping']))
    a = await ns.add('vipa')
    b = await ns.add('vipb')
    await ns.link(a, 'eth0', '10.213.50.1/24', b, 'eth0', '10.213.50.2/24')
    macA = JSON.parse(await sh('ip', ['-n', a, '-j', 'link', 'show', 'eth0']))[0].address
    executor = new Executor({wrapper: ['ip', 'netns', 'exec', a]})
  })
  after(async () => ns.cleanup())

  const vip = (action: string, params: Record<string, string>, resource = 'vip1'): Promise<ActionResult> =>
    executor.run({resource, agent: 'ocf:hactl:vip', action, params, timeoutMs: 10_000})
  const addresses = async (): Promise<string> => sh('ip', ['-n', a, '-o', '-4', 'addr', 'show'])
  const neighbour = async (ip: string): Promise<string> => sh('ip', ['-n', b, 'neigh', 'show', ip])

  it('adds the address on the interface found from the subnet, with its label, and the peer learns it by gratuitous ARP', async () => {
    // B believes the address is elsewhere (a stale entry): the ARP must correct it.
    await sh('ip', ['-n', b, 'neigh', 'replace', '10.213.50.100', 'lladdr', '02:00:00:00:00:01', 'dev', 'eth0', 'nud', 'stale'])
    const params = {ip: '10.213.50.100', iflabel: 'web', arp_count: '3', arp_interval: '100'}
    assert.equal((await vip('monitor', params)).ocfCode, 7, 'probe before start')
    const start = await vip('start', params)
    assert.equal(start.ocfCode, 0, start.reason ?? start.stderr)
    assert.match(await addresses(), /inet 10\.213\.50\.100\/24 .*eth0:web/)
    await eventually(async () => (await neighbour('10.213.50.100')).includes(macA), 5000, `B to learn 10.213.50.100 is at ${macA}`)
    assert.equal((await vip('monitor', params)).ocfCode, 0)
    assert.equal((await vip('start', params)).ocfCode, 0, 'start of a started vip')
  })

  it('removes the address on stop; stop of a stopped vip succeeds and monitor says not running', async () => {
    const params = {ip: '10.213.50.100', iflabel: 'web'}
    assert.equal((await vip('stop', params)).ocfCode, 0)
    assert.doesNotMatch(await addresses(), /10\.213\.50\.100/)
    assert.equal((await vip('stop', params)).ocfCode, 0)
    assert.equal((await vip('monitor', params)).ocfCode, 7)
  })

  it('honours nic, cidr_netmask and preferred_lft, and refuses a subnet no interface has', async () => {
    const params = {ip: '10.213.50.101', nic: 'eth0', cidr_netmask: '32', preferred_lft: '0', arp_count: '0'}
    assert.equal((await vip('start', params, 'vip2')).ocfCode, 0)
    const line = (await addresses()).split('\n').find((l) => l.includes('10.213.50.101'))!
    assert.match(line, /10\.213\.50\.101\/32 .*deprecated|preferred_lft 0sec/)
    assert.equal((await vip('stop', params, 'vip2')).ocfCode, 0)
    const nowhere = await vip('start', {ip: '10.213.99.1'}, 'vip3')
    assert.equal(nowhere.ocfCode, 6)
    assert.match(nowhere.reason ?? '', /no interface has a connected route/)
    assert.equal((await vip('start', {ip: '10.213.50.102', nic: 'nosuch0'}, 'vip3')).ocfCode, 6)
  })

  it('manages an IPv6 address: waits for duplicate address detection, then the peer learns it by unsolicited NA', async () => {
    await sh('ip', ['-n', a, 'addr', 'add', 'fd13:213:50::1/64', 'dev', 'eth0', 'nodad'])
    await sh('ip', ['-n', b, 'addr', 'add', 'fd13:213:50::2/64', 'dev', 'eth0', 'nodad'])
    await sh('ip', ['-n', b, 'neigh', 'replace', 'fd13:213:50::100', 'lladdr', '02:00:00:00:00:01', 'dev', 'eth0', 'nud', 'stale'])
    const params = {ip: 'fd13:213:50::100'}
    const start = await vip('start', params, 'vip6')
    assert.equal(start.ocfCode, 0, start.reason ?? start.stderr)
    const line = (await sh('ip', ['-n', a, '-o', '-6', 'addr', 'show'])).split('\n').find((l) => l.includes('fd13:213:50::100/64'))
    assert.ok(line, 'address added with the prefix of the connected route')
    assert.doesNotMatch(line, /tentative/, 'start returns once duplicate address detection is over')
    assert.equal(await sh('ip', ['netns', 'exec', a, 'sysctl', '-n', 'net.ipv6.conf.eth0.ndisc_notify']), '1')
    await eventually(async () => (await neighbour('fd13:213:50::100')).includes(macA), 5000, 'B to learn the IPv6 address from the unsolicited NA')
    assert.equal((await vip('monitor', params, 'vip6')).ocfCode, 0)
    assert.equal((await vip('stop', params, 'vip6')).ocfCode, 0)
    assert.equal((await vip('monitor', params, 'vip6')).ocfCode, 7)
    const nodad = {ip: 'fd13:213:50::101', nodad: 'true'}
    assert.equal((await vip('start', nodad, 'vip6b')).ocfCode, 0)
    assert.equal((await vip('stop', nodad, 'vip6b')).ocfCode, 0)
  })

  it('fails start and monitor when the address sits on another interface than nic', async () => {
    await sh('ip', ['-n', a, 'link', 'add', 'side0', 'type', 'veth', 'peer', 'name', 'side1'])
    await sh('ip', ['-n', a, 'addr', 'add', '10.213.50.120/32', 'dev', 'side0'])
    const params = {ip: '10.213.50.120', nic: 'eth0', cidr_netmask: '24'}
    const monitor = await vip('monitor', params, 'vip4')
    assert.equal(monitor.ocfCode, 1)
    assert.match(monitor.reason ?? '', /present but not on eth0/)
    assert.equal((await vip('start', params, 'vip4')).ocfCode, 1)
  })

  it('runs ClusterLabs\' ocf:heartbeat:IPaddr2 unchanged through the executor', async function () {
    requireCapability(this, 'ocf:heartbeat:IPaddr2 (Debian resource-agents)', await commandWorks('test', ['-x', '/usr/lib/ocf/resource.d/heartbeat/IPaddr2']))
    const run = async (action: string) => executor.run({resource: 'ip2', agent: 'ocf:heartbeat:IPaddr2', action, params: {ip: '10.213.50.110', cidr_netmask: '24', nic: 'eth0'}, timeoutMs: 20_000})
    assert.equal((await run('monitor')).ocfCode, 7)
    const start = await run('start')
    assert.equal(start.ocfCode, 0, start.stderr)
    assert.match(await addresses(), /10\.213\.50\.110\/24/)
    assert.equal((await run('monitor')).ocfCode, 0)
    assert.equal((await run('stop')).ocfCode, 0)
    assert.doesNotMatch(await addresses(), /10\.213\.50\.110/)
    assert.equal((await run('monitor')).ocfCode, 7)
  })
})
