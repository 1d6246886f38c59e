import assert from 'node:assert/strict'
import {execa} from 'execa'
import {chmod, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describeAgent, Executor, listAgents, parseMetadata, validateAgentParams, XmlError} from '../../src/agents/index.js'
import {parseXml} from '../../src/agents/xml.js'
import {AGENTS_DIR, commandWorks, isRoot, Namespaces, publicAgentsCopy, requireCapability, tempDir} from './helpers.js'

const HACTL_AGENTS = ['balancer', 'dummy', 'mount', 'pgsql', 'service', 'vip']

/**
 * The installed ra-api-1.dtd is OCF 1.0's: OCF 1.1 adds reloadable="1" on parameters
 * and the reload-agent action (what ocf:hactl:dummy declares). Those two are left out
 * before validating; everything else is checked against the DTD as it is.
 */
function asOcf10(xml: string): string {
  return xml.replaceAll(' reloadable="1"', '').split('\n').filter((l) => !l.includes('<action name="reload-agent"')).join('\n')
}

describe('agents: OCF compliance of the hactl agents', function () {
  this.timeout(60_000)
  const ns = new Namespaces()
  let tmp: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    tmp = await tempDir('ocf')
  })
  after(async () => {
    await ns.cleanup()
    await tmp.remove()
  })

  it('meta-data of every agent is valid against ra-api-1.dtd and describes every parameter', async function () {
    requireCapability(this, 'xmllint and /usr/share/resource-agents/ra-api-1.dtd', await commandWorks('sh', ['-c', 'command -v xmllint && test -f /usr/share/resource-agents/ra-api-1.dtd']))
    for (const agent of HACTL_AGENTS) {
      const xml = await execa(join(AGENTS_DIR, agent), ['meta-data'])
      const lint = await execa('xmllint', ['--noout', '--valid', '-'], {input: asOcf10(xml.stdout), cwd: '/usr/share/resource-agents', reject: false})
      assert.equal(lint.exitCode, 0, `${agent}: ${lint.stderr}`)
      const metadata = parseMetadata(xml.stdout)
      assert.equal(metadata.name, agent)
      assert.ok(metadata.parameters.length > 0)
      for (const p of metadata.parameters) {
        assert.ok(p.shortdesc && p.longdesc, `${agent}.${p.name} has descriptions`)
        assert.ok(['string', 'integer', 'boolean', 'time'].includes(p.type), `${agent}.${p.name} type`)
        assert.notEqual(p.default, undefined, `${agent}.${p.name} states its default`)
      }
      for (const action of ['start', 'stop', 'monitor', 'meta-data', 'validate-all']) {
        assert.ok(metadata.actions.some((a) => a.name === action), `${agent} declares ${action}`)
      }
      // Every parameter the script reads is declared (no hidden OCF_RESKEY_*).
      const source = await execa('cat', [join(AGENTS_DIR, agent)])
      const used = new Set([...source.stdout.matchAll(/OCF_RESKEY_([a-z_]+)/g)].map((m) => m[1]!))
      assert.deepEqual([...used].filter((u) => !metadata.parameters.some((p) => p.name === u)), [], `${agent} declares every parameter it reads`)
    }
  })

  it('ocf-tester passes for dummy', async function () {
    requireCapability(this, 'ocf-tester (Debian resource-agents)', await commandWorks('sh', ['-c', 'command -v ocf-tester']))
    const agents = await publicAgentsCopy(tmp.path)
    // ocf-tester checks meta-data against the installed OCF 1.0 DTD: through a wrapper that leaves out OCF 1.1's additions.
    const wrapper = join(tmp.path, 'dummy-ocf10')
    await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = meta-data ]; then ${join(agents, 'dummy')} meta-data | sed -e 's/ reloadable="1"//' -e '/<action name="reload-agent"/d'; exit 0; fi\nexec ${join(agents, 'dummy')} "$@"\n`)
    await chmod(wrapper, 0o755)
    const r = await execa('ocf-tester', ['-n', 'd1', '-o', `state=${tmp.path}/d1.state`, wrapper], {reject: false, cwd: '/'})
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, /passed all tests/)
    assert.match(r.stdout, /^(?!.*does not support the migrate action)/s, 'migrate_to/migrate_from are supported')
  })

  it('ocf-tester passes for vip inside a network namespace', async function () {
    requireCapability(this, 'root, iproute2 and ocf-tester', isRoot && (await commandWorks('sh', ['-c', 'command -v ocf-tester && command -v ip'])))
    const a = await ns.add('ocfa')
    const b = await ns.add('ocfb')
    await ns.link(a, 'eth0', '10.213.51.1/24', b, 'eth0', '10.213.51.2/24')
    const agents = await publicAgentsCopy(join(tmp.path, 'vip'))
    for (const opts of [['ip=10.213.51.100'], ['ip=10.213.51.101', 'nic=eth0', 'cidr_netmask=24', 'iflabel=t', 'arp_bg=false', 'arp_count=2', 'arp_interval=50']]) {
      const r = await execa('ip', ['netns', 'exec', a, 'ocf-tester', '-n', 'v1', ...opts.flatMap((o) => ['-o', o]), join(agents, 'vip')], {reject: false, cwd: '/'})
      assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    }
  })

  it('runs ClusterLabs\' Dummy unchanged through the executor', async function () {
    const dummy = (await commandWorks('test', ['-x', '/usr/lib/ocf/resource.d/pacemaker/Dummy'])) ? 'ocf:pacemaker:Dummy' : 'ocf:heartbeat:Dummy'
    requireCapability(this, `${dummy} (Debian resource-agents)`, await commandWorks('test', ['-x', `/usr/lib/ocf/resource.d/${dummy.split(':')[1]}/Dummy`]))
    const executor = new Executor()
    const state = `${tmp.path}/cl-dummy.state`
    const run = async (action: string) => (await executor.run({resource: 'cl', agent: dummy, action, params: {state}, timeoutMs: 20_000})).ocfCode
    assert.deepEqual([await run('monitor'), await run('start'), await run('monitor'), await run('stop'), await run('monitor'), await run('stop')], [7, 0, 0, 0, 7, 0])
  })
})

describe('agents: meta-data, lookup and parameter validation', function () {
  this.timeout(20_000)

  it('parses XML with entities, CDATA, comments, and rejects malformed input', () => {
    const root = parseXml('<?xml version="1.0"?><!DOCTYPE a SYSTEM "x.dtd"><!-- c --><a k="1 &amp; 2"><b>x &lt; y &#65;&#x42;</b><![CDATA[<raw>]]><c/></a>')
    assert.equal(root.attributes.k, '1 & 2')
    assert.equal(root.children[0]!.text, 'x < y AB')
    assert.equal(root.text, '<raw>')
    for (const bad of ['<a>', '<a></b>', '<a x=1/>', '<a>&bogus;</a>', '<a/><b/>', '<a><!DOCTYPE x [<!ENTITY e "boom">]></a>']) {
      assert.throws(() => parseXml(bad), XmlError, bad)
    }
  })

  it('describes hactl agents, ClusterLabs agents, systemd: and lsb: agents', async () => {
    const vip = await describeAgent('ocf:hactl:vip')
    assert.equal(vip.parameters.find((p) => p.name === 'ip')?.required, true)
    assert.equal(vip.parameters.find((p) => p.name === 'arp_count')?.default, '5')
    const systemd = await describeAgent('systemd:nginx')
    assert.equal(systemd.parameters.some((p) => p.name === 'unit'), false, 'systemd:UNIT fixes the unit')
    const ipaddr2 = await describeAgent('ocf:heartbeat:IPaddr2').catch(() => undefined)
    if (ipaddr2) assert.ok(ipaddr2.parameters.some((p) => p.name === 'cidr_netmask'))
    const all = await listAgents()
    for (const agent of HACTL_AGENTS) assert.ok(all.some((a) => a.id === `ocf:hactl:${agent}`), agent)
  })

  it('validates parameters with one-line errors listing the valid ones', async () => {
    await validateAgentParams('ocf:hactl:vip', {ip: '10.213.0.5', cidr_netmask: '24'})
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['ocf:hactl:vip', {ip: '10.213.0.5', netmask: '24'}, /^ocf:hactl:vip has no parameter 'netmask'; valid parameters: ip \(required\), nic, cidr_netmask/],
      ['ocf:hactl:vip', {nic: 'eth0'}, /^ocf:hactl:vip requires parameter ip; valid parameters: /],
      ['ocf:hactl:vip', {ip: '10.213.0.5', arp_count: 'many'}, /arp_count='many' is not an integer/],
      ['ocf:hactl:mount', {device: '/dev/x', directory: '/x', fstype: 'ext4', fast_stop: 'perhaps'}, /fast_stop='perhaps' is not a boolean/],
      ['ocf:nosuch:thing', {}, /agent ocf:nosuch:thing is not installed/],
      ['vip', {}, /unknown class 'vip'/],
      ['ocf:../../bin:sh', {}, /is not ocf:PROVIDER:TYPE/],
    ]
    for (const [agent, params, message] of cases) {
      await assert.rejects(validateAgentParams(agent, params), (error: Error & {exitCode?: number}) => {
        assert.match(error.message, message)
        assert.equal(error.exitCode, 2)
        assert.equal(error.message.includes('\n'), false)
        return true
      })
    }
  })
})
