// The VIP monitor's in-process fast path (src/agents/address-monitor.ts): it only
// ever answers "running"; every other answer is still the agent's.
import assert from 'node:assert/strict'
import {chmod, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Executor, type ActionRequest} from '../../src/agents/index.js'
import {addressSurelyRunning} from '../../src/agents/address-monitor.js'
import {tempDir} from './helpers.js'

type Entry = {address: string, cidr: string, family: 'IPv4', netmask: string, mac: string, internal: boolean}
const entry = (address: string, prefix: number): Entry => ({address, cidr: `${address}/${prefix}`, family: 'IPv4', netmask: '', mac: '00:00:00:00:00:00', internal: false})
const interfaces = () => ({eth0: [entry('10.213.0.1', 24), entry('10.213.0.100', 24)], 'eth0:web': [entry('10.213.0.101', 24)], eth1: [entry('10.213.1.5', 32)]})
const monitor = (agent: string, params: Record<string, string>, extra: Partial<ActionRequest> = {}): ActionRequest =>
  ({resource: 'v', agent, action: 'monitor', params, timeoutMs: 5000, intervalMs: 2000, ...extra})

describe('agents: in-process VIP monitor', () => {
  it('answers "running" only when the agent surely would', () => {
    const cases: Array<[ActionRequest, boolean, string]> = [
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100'}), true, 'present'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100', nic: 'eth0', cidr_netmask: '24'}), true, 'present on nic'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100', nic: 'eth1'}), false, 'on another interface: the agent says so'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.200'}), false, 'absent: the agent says not running'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.101', nic: 'eth0'}), false, 'a labelled address: the agent decides'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100', iflabel: 'web'}), false, 'a parameter the fast path does not know'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100'}, {intervalMs: 0}), false, 'a probe always runs the agent'],
      [monitor('ocf:hactl:vip', {ip: '10.213.0.100'}, {checkLevel: 10}), false, 'a deeper check runs the agent'],
      [{...monitor('ocf:hactl:vip', {ip: '10.213.0.100'}), action: 'start'}, false, 'only monitors'],
      [monitor('ocf:heartbeat:IPaddr2', {ip: '10.213.1.5', nic: 'eth1', cidr_netmask: '32'}), true, 'IPaddr2 with nic and prefix'],
      [monitor('ocf:heartbeat:IPaddr2', {ip: '10.213.1.5', nic: 'eth1', cidr_netmask: '24'}), false, 'IPaddr2 with another prefix'],
      [monitor('ocf:heartbeat:IPaddr2', {ip: '10.213.1.5'}), false, 'IPaddr2 finding its interface itself'],
      [monitor('ocf:hactl:dummy', {ip: '10.213.0.100'}), false, 'another agent'],
    ]
    for (const [request, expected, why] of cases) assert.equal(addressSurelyRunning(request, interfaces as never), expected, why)
  })

  describe('in the executor, with a stand-in vip agent that records every run', function () {
    this.timeout(30_000)
    let tmp: Awaited<ReturnType<typeof tempDir>>
    let agent = ''
    let marker = ''
    const runs = async () => (await readFile(marker, 'utf8').catch(() => '')).split('\n').filter(Boolean).length

    before(async () => {
      tmp = await tempDir('addrmon')
      const dir = join(tmp.path, 'hactl')
      await mkdir(dir, {recursive: true})
      agent = join(dir, 'vip')
      marker = join(tmp.path, 'runs')
      await writeFile(agent, `#!/bin/sh\necho "$1" >> ${marker}\necho "ocf-exit-reason:stand-in says not running" >&2\nexit 7\n`)
      await chmod(agent, 0o755)
    })
    after(async () => tmp.remove())
    beforeEach(async () => rm(marker, {force: true}))

    // 127.0.0.1 on lo is in every network namespace: an address that is surely there, touched by nobody.
    const executor = () => new Executor({locations: {hactlDir: join(tmp.path, 'hactl')}})

    it('a present address is "running" without a run of the agent', async () => {
      const result = await executor().run(monitor('ocf:hactl:vip', {ip: '127.0.0.1', nic: 'lo'}))
      assert.equal(result.ocfCode, 0)
      assert.equal(result.status, 'done')
      assert.equal(await runs(), 0)
    })

    it('an absent or misplaced address is the agent\'s to answer: its code and reason', async () => {
      for (const params of [{ip: '10.213.99.99'}, {ip: '127.0.0.1', nic: 'nosuch0'}]) {
        const result = await executor().run(monitor('ocf:hactl:vip', params))
        assert.equal(result.ocfCode, 7)
        assert.equal(result.reason, 'stand-in says not running')
      }
      assert.equal(await runs(), 2)
    })

    it('an agent that is no longer executable is reported as such, not hidden by the fast path', async () => {
      await chmod(agent, 0o644)
      try {
        const result = await executor().run(monitor('ocf:hactl:vip', {ip: '127.0.0.1', nic: 'lo'}))
        assert.notEqual(result.ocfCode, 0)
      } finally {
        await chmod(agent, 0o755)
      }
    })

    it('can be turned off, and is off with a wrapper (the agent runs in another namespace)', async () => {
      const off = new Executor({locations: {hactlDir: join(tmp.path, 'hactl')}, inProcessAddressMonitors: false})
      assert.equal((await off.run(monitor('ocf:hactl:vip', {ip: '127.0.0.1', nic: 'lo'}))).ocfCode, 7)
      const wrapped = new Executor({locations: {hactlDir: join(tmp.path, 'hactl')}, wrapper: ['env']})
      assert.equal((await wrapped.run(monitor('ocf:hactl:vip', {ip: '127.0.0.1', nic: 'lo'}))).ocfCode, 7)
      assert.equal(await runs(), 2)
    })
  })
})
