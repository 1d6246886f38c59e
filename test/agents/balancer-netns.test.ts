// ocf:hactl:balancer on its own, in network namespaces: ocf-tester, its table only
// (a table of the host survives start, reload and stop), reloads that keep
// established connections on their backend, health checks, ip_forward restored.
import assert from 'node:assert/strict'
import {execa, type ResultPromise} from 'execa'
import {join} from 'node:path'
import {AGENTS_DIR, commandWorks, eventually, isRoot, Namespaces, publicAgentsCopy, requireCapability, tempDir} from './helpers.js'

const VIP = '10.213.54.100'
const KEEP = 'table inet keepme {\n  chain c {\n    type filter hook input priority filter + 3; policy accept;\n    tcp dport 2222 counter accept\n  }\n}\n'
// A line server: answers every line with its name, on one connection as long as it stays open.
const SERVER = `require('net').createServer((s) => { s.setEncoding('utf8'); s.on('data', () => s.write(process.argv[1] + '\\n')); s.on('error', () => {}) }).listen(8080)`

describe('agents: ocf:hactl:balancer in network namespaces', function () {
  this.timeout(60_000)
  const ns = new Namespaces()
  const servers: ResultPromise[] = []
  let tmp: Awaited<ReturnType<typeof tempDir>>
  let lb: string
  let b1: string
  let b2: string

  before(async function () {
    requireCapability(this, 'root, iproute2, nftables and ocf-tester', isRoot && (await commandWorks('sh', ['-c', 'command -v ocf-tester && command -v ip && command -v nft'])))
    tmp = await tempDir('balancer')
    lb = await ns.add('lb')
    b1 = await ns.add('b1')
    b2 = await ns.add('b2')
    await ns.link(lb, 'eth1', '10.213.54.1/24', b1, 'eth0', '10.213.54.11/24')
    await ns.link(lb, 'eth2', '10.213.55.1/24', b2, 'eth0', '10.213.55.12/24')
    await execa('ip', ['-n', lb, 'addr', 'add', `${VIP}/32`, 'dev', 'lo'])
    await execa('ip', ['-n', b1, 'route', 'add', 'default', 'via', '10.213.54.1'])
    await execa('ip', ['-n', b2, 'route', 'add', 'default', 'via', '10.213.55.1'])
    for (const [name, n] of [['b1', b1], ['b2', b2]] as const) {
      servers.push(execa('ip', ['netns', 'exec', n, process.execPath, '-e', SERVER, name], {reject: false, detached: true}))
    }
    await execa('ip', ['netns', 'exec', lb, 'nft', '-f', '-'], {input: KEEP})
  })

  after(async () => {
    for (const s of servers) s.kill('SIGKILL')
    await ns.cleanup()
    await tmp?.remove()
  })

  const env = (params: Record<string, string>) => ({
    HA_RSCTMP: join(tmp.path, 'rsc'), OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'web',
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
  })
  const run = async (action: string, params: Record<string, string>) =>
    (await execa('ip', ['netns', 'exec', lb, join(AGENTS_DIR, 'balancer'), action], {env: env(params), extendEnv: true, reject: false})).exitCode
  const keep = async () => String((await execa('ip', ['netns', 'exec', lb, 'nft', 'list', 'table', 'inet', 'keepme'])).stdout)

  it('passes ocf-tester, leaving the host\'s own table as it was', async () => {
    const before = await keep()
    const agents = await publicAgentsCopy(join(tmp.path, 'copy'))
    const r = await execa('ip', ['netns', 'exec', lb, 'ocf-tester', '-n', 'lb1', '-o', `vip=${VIP}`, '-o', 'port=80', '-o', 'backends=b1=10.213.54.11',
      '-o', 'method=weighted', '-o', 'weights=b1=3', join(agents, 'balancer')], {reject: false, cwd: '/'})
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    assert.equal(await keep(), before)
  })

  it('reload changes the set atomically; an established connection stays on its backend; stop removes only its table', async () => {
    const before = await keep()
    const forwardBefore = String((await execa('ip', ['netns', 'exec', lb, 'cat', '/proc/sys/net/ipv4/ip_forward'])).stdout).trim()
    const base = {vip: VIP, port: '80', target_port: '8080'}
    assert.equal(await run('monitor', {...base, backends: ''}), 7)
    assert.equal(await run('start', {...base, backends: 'b1=10.213.54.11'}), 0)
    assert.equal(await run('monitor', base), 0)
    // One connection from the balancer's host (output chain), kept open across the reload.
    const client = execa('ip', ['netns', 'exec', lb, process.execPath, '-e', `
      const s = require('net').connect(80, '${VIP}'); s.setEncoding('utf8'); let n = 0
      s.on('data', (d) => { process.stdout.write(d); if (++n === 1) process.stdout.write('ready\\n') })
      process.stdin.on('data', () => s.write('x\\n')); s.write('x\\n')`], {reject: false, stdin: 'pipe'})
    let out = ''
    client.stdout?.on('data', (c: Buffer) => { out += c.toString() })
    await eventually(async () => out.includes('ready'), 10_000, 'first answer')
    assert.equal(await run('reload', {...base, backends: 'b2=10.213.55.12'}), 0)
    client.stdin?.write('again\n')
    await eventually(async () => out.split('\n').filter((l) => l === 'b1').length === 2, 10_000, 'second answer on the same connection')
    client.kill('SIGKILL')
    await client
    // A new connection goes to the new set.
    const fresh = await execa('ip', ['netns', 'exec', lb, process.execPath, '-e', `
      const s = require('net').connect(80, '${VIP}'); s.setEncoding('utf8'); s.on('data', (d) => { process.stdout.write(d); s.destroy() }); s.write('x\\n')`])
    assert.equal(String(fresh.stdout).trim(), 'b2')
    assert.equal(await keep(), before)
    assert.equal(await run('stop', base), 0)
    assert.equal(await run('monitor', base), 7)
    assert.equal(await run('stop', base), 0, 'stop is idempotent')
    const tables = String((await execa('ip', ['netns', 'exec', lb, 'nft', 'list', 'tables'])).stdout)
    assert.doesNotMatch(tables, /hactl_lb_/)
    assert.equal(await keep(), before)
    assert.equal(String((await execa('ip', ['netns', 'exec', lb, 'cat', '/proc/sys/net/ipv4/ip_forward'])).stdout).trim(), forwardBefore)
  })

  it('a health check takes out a backend that does not answer and puts it back', async () => {
    const params = {vip: VIP, port: '80', target_port: '8080', backends: 'b1=10.213.54.11,b2=10.213.55.12', check: 'tcp', check_interval_ms: '100', check_timeout_ms: '100', rise: '2', fall: '2'}
    const table = async () => String((await execa('ip', ['netns', 'exec', lb, 'nft', 'list', 'table', 'ip', 'hactl_lb_web'], {reject: false})).stdout)
    assert.equal(await run('start', params), 0)
    try {
      assert.match(await table(), /10\.213\.54\.11.*10\.213\.55\.12/)
      // b2 stops answering: its port is refused.
      await execa('ip', ['netns', 'exec', b2, 'nft', '-f', '-'], {input: 'table inet block {\n  chain c {\n    type filter hook input priority 0;\n    tcp dport 8080 reject with tcp reset\n  }\n}\n'})
      await eventually(async () => !(await table()).includes('10.213.55.12'), 10_000, 'b2 taken out')
      assert.match(await table(), /numgen inc mod 1 map \{ 0 : 10\.213\.54\.11 \}/)
      await execa('ip', ['netns', 'exec', b2, 'nft', 'delete', 'table', 'inet', 'block'])
      await eventually(async () => (await table()).includes('10.213.55.12'), 10_000, 'b2 back')
      assert.equal(await run('monitor', params), 0)
    } finally {
      assert.equal(await run('stop', params), 0)
    }
  })

  it('weighted follows the weights exactly (numgen inc over a range map); random reaches both', async () => {
    const count = async (n: number) => {
      const r = await execa('ip', ['netns', 'exec', lb, process.execPath, '-e', `
        const net = require('net'); const seen = {}; let left = ${n}
        const one = () => { const s = net.connect(80, '${VIP}'); s.setEncoding('utf8')
          s.on('data', (d) => { const k = d.trim(); seen[k] = (seen[k] || 0) + 1; s.destroy(); if (--left > 0) one(); else console.log(JSON.stringify(seen)) }); s.write('x\\n') }
        one()`])
      return JSON.parse(String(r.stdout)) as Record<string, number>
    }
    const base = {vip: VIP, port: '80', target_port: '8080', backends: 'b1=10.213.54.11,b2=10.213.55.12'}
    assert.equal(await run('start', {...base, method: 'weighted', weights: 'b1=3'}), 0)
    try {
      assert.deepEqual(await count(40), {b1: 30, b2: 10})
    } finally {
      assert.equal(await run('stop', base), 0)
    }
    assert.equal(await run('start', {...base, method: 'random'}), 0)
    try {
      const seen = await count(40)
      assert.ok(seen.b1! > 0 && seen.b2! > 0 && seen.b1! + seen.b2! === 40, JSON.stringify(seen))
    } finally {
      assert.equal(await run('stop', base), 0)
    }
  })

  it('refuses bad parameters with OCF_ERR_CONFIGURED', async () => {
    for (const bad of [{port: '0'}, {port: '80', vip: '10.1.2'}, {port: '80', method: 'lc'}, {port: '80', backends: 'b1=10.0.0.300'}, {port: '80', weights: 'b1=0'}, {port: '80', check: 'http:x'}]) {
      assert.equal(await run('validate-all', {vip: VIP, ...bad}), 6, JSON.stringify(bad))
    }
  })
})
