// `hactl config import --cib` and `config export --cib` through the real CLI:
// a CIB as pcs writes it (VIP + Filesystem + service in a group, a database,
// locations by node and by rule, an anti-colocation, an order, rsc_defaults and
// op_defaults) imports, and `hactl simulate` places it as crm_simulate does.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {hactl, hactlJson} from '../lib/cli.js'
import {haveCrmSimulate} from './compare.js'

const FIXTURE = fileURLToPath(new URL('fixtures/pcs-web.xml', import.meta.url))

/** Where crm_simulate starts each resource from a CIB where nothing runs. */
function pacemakerStarts(cibFile: string): Record<string, string> {
  const xml = execFileSync('crm_simulate', ['-x', cibFile, '-S', '--output-as=xml'], {encoding: 'utf8'})
  const out: Record<string, string> = {}
  const transition = xml.slice(xml.indexOf('<transition>'))
  for (const m of transition.matchAll(/<rsc_action resource="([^"]+)" op="start" node="([^"]+)"/g)) out[m[1]] = m[2]
  return out
}

async function hactlStarts(file: string): Promise<Record<string, string>> {
  const {exitCode, envelope} = await hactlJson(['-f', file, 'simulate'])
  assert.equal(exitCode, 0)
  const out: Record<string, string> = {}
  for (const p of envelope.result.placement) if (p.node !== null) out[p.resource] = p.node
  return out
}

describe('config import --cib / export --cib', function () {
  this.timeout(60_000)
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-cib-'))
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  it('imports a pcs CIB: nodes, group, ops, constraints, defaults', async () => {
    const file = join(dir, 'web.json')
    const r = await hactl(['-f', file, 'config', 'import', '--cib', FIXTURE])
    assert.equal(r.exitCode, 0, r.stderr)
    const config = JSON.parse(await readFile(file, 'utf8'))
    assert.deepEqual(config.nodes.map((n: {name: string}) => n.name), ['node1', 'node2', 'node3'])
    assert.deepEqual(config.nodes[1].attributes, {disk: 'ssd'})
    assert.deepEqual(config.groups, [{id: 'webgroup', members: ['vip', 'webfs', 'website'], meta: {}}])
    const vip = config.resources.find((x: {id: string}) => x.id === 'vip')
    assert.equal(vip.agent, 'ocf:heartbeat:IPaddr2')
    assert.deepEqual(vip.params, {cidr_netmask: '24', ip: '192.168.122.200'})
    assert.equal(config.resources.find((x: {id: string}) => x.id === 'website').agent, 'systemd:nginx')
    assert.deepEqual(config.properties, {'stonith-enabled': 'false', 'no-quorum-policy': 'stop'})
    assert.deepEqual(config.rscDefaults, {'resource-stickiness': '100', 'migration-threshold': '3'})
    assert.deepEqual(config.opDefaults, {timeout: '240s'})
    assert.deepEqual(config.constraints.map((c: {id: string, type: string}) => `${c.type} ${c.id}`), [
      'location location-webgroup-node2-50', 'location location-db-node1-100', 'location location-webgroup',
      'colocation colocation-webgroup-db--INFINITY', 'order order-db-webgroup-mandatory',
    ])
  })

  it('places the imported configuration as crm_simulate places the CIB', async function () {
    if (!haveCrmSimulate()) {
      if (process.env.CI === 'true') assert.fail('crm_simulate is missing: install pacemaker-cli-utils')
      this.skip()
    }
    const file = join(dir, 'placed.json')
    assert.equal((await hactl(['-f', file, 'config', 'import', '--cib', FIXTURE])).exitCode, 0)
    const expected = pacemakerStarts(FIXTURE)
    assert.deepEqual(expected, {db: 'node1', vip: 'node2', webfs: 'node2', website: 'node2'})
    assert.deepEqual(await hactlStarts(file), expected)
    // And back: the exported CIB gives crm_simulate the same placement.
    const exported = join(dir, 'exported.xml')
    assert.equal((await hactl(['-f', file, 'config', 'export', '--cib', exported])).exitCode, 0)
    assert.deepEqual(pacemakerStarts(exported), expected)
  })

  it('lists what hactl cannot express and imports nothing unless --force', async () => {
    const text = (await readFile(FIXTURE, 'utf8'))
      .replace('</constraints>', '<rsc_ticket id="ticket-web" rsc="webgroup" ticket="site-a"/></constraints>')
      .replace('<rsc_colocation id="colocation-webgroup-db--INFINITY"', '<rsc_colocation id="colocation-webgroup-db--INFINITY" rsc-role="Promoted"')
    const cib = join(dir, 'odd.xml')
    await writeFile(cib, text)
    const file = join(dir, 'odd.json')
    const refused = await hactl(['-f', file, 'config', 'import', '--cib', cib])
    assert.equal(refused.exitCode, 2)
    assert.match(refused.stderr, /<rsc_colocation id=colocation-webgroup-db--INFINITY>: rsc-role Promoted needs a promotable clone, and webgroup is not one/)
    assert.match(refused.stderr, /<rsc_ticket id=ticket-web>: rsc_ticket constraints are not supported/)
    assert.match(refused.stderr, /2 element\(s\) of the CIB cannot be expressed in hactl/)
    await assert.rejects(readFile(file, 'utf8'), 'nothing was written')
    const forced = await hactl(['-f', file, 'config', 'import', '--cib', cib, '--force'])
    assert.equal(forced.exitCode, 0, forced.stderr)
    assert.equal(JSON.parse(await readFile(file, 'utf8')).constraints.length, 4)
  })

  it('rejects what is not a CIB with one line and exit 2', async () => {
    const bad = join(dir, 'bad.xml')
    await writeFile(bad, '<config><x/></config>')
    const r = await hactl(['-f', join(dir, 'bad.json'), 'config', 'import', '--cib', bad])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /not a CIB: the root element is <config>, expected <cib>/)
  })
})
