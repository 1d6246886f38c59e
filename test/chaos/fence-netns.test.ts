// test/fence/fence_netns reports success only once the host is really off: every
// process of its namespace gone (stopped ones and ones in their own session too),
// no global address left, its switch port down.
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {fileURLToPath} from 'node:url'
import {requireNetns, TestNet} from '../lib/netns.js'

const AGENT = fileURLToPath(new URL('../fence/fence_netns', import.meta.url))

describe('fence_netns', function () {
  this.timeout(60_000)
  let net: TestNet | undefined

  beforeEach(async function () {
    await requireNetns(this)
    net = await TestNet.create({nodes: 2})
  })

  afterEach(async () => {
    await net?.destroy()
  })

  const fence = (port: string, extra: string[] = []) => execa(AGENT, [], {
    input: [`action=reboot`, `port=${port}`, `ns_prefix=hactl-${net!.run}-`, `switch=${net!.sw}`, ...extra].join('\n') + '\n', reject: false,
  })

  it('kills every process of the host, waits for them, flushes its addresses and unplugs it before it reports success', async () => {
    const n = net!
    await n.exec(2, ['ip', 'addr', 'add', '10.213.0.100/24', 'dev', 'eth0'])
    const sleeper = n.spawn(2, ['sleep', '300'])
    const stopped = n.spawn(2, ['sh', '-c', 'kill -STOP $$; exec sleep 300'])
    // A process in its own session, outside every process group the test knows (a resource guard).
    await n.exec(2, ['sh', '-c', 'setsid -f sleep 300 </dev/null >/dev/null 2>&1'])
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.ok((await n.pids(2)).length >= 3, 'three processes run on n2')
    const result = await fence('n2')
    assert.equal(result.exitCode, 0, result.stderr)
    // Checked after the agent exited: its success must already be true.
    assert.deepEqual(await n.pids(2), [])
    const addresses = await execa('ip', ['-n', n.ns(2), '-o', 'addr', 'show', 'scope', 'global'])
    assert.equal(String(addresses.stdout), '')
    const port = await execa('ip', ['-n', n.sw, '-o', 'link', 'show', n.port(2)])
    assert.doesNotMatch(String(port.stdout), /[<,]UP[,>]/)
    assert.equal((await sleeper).signal, 'SIGKILL')
    assert.equal((await stopped).signal, 'SIGKILL')
    assert.ok((await n.pids(1)).length === 0 && (await execa('ip', ['-n', n.ns(1), '-o', 'addr', 'show', 'scope', 'global'])).stdout !== '', 'n1 untouched')
  })

  it('reports failure for a host it cannot find or a bad node name, and leaves everything as it was', async () => {
    const n = net!
    const missing = await fence('n7')
    assert.equal(missing.exitCode, 1)
    assert.match(missing.stderr, /no namespace/)
    const bad = await fence('../n1')
    assert.equal(bad.exitCode, 1)
    assert.match(bad.stderr, /bad node/)
    const port = await execa('ip', ['-n', n.sw, '-o', 'link', 'show', n.port(1)])
    assert.match(String(port.stdout), /[<,]UP[,>]/)
  })

  it('a host it fenced boots again (TestNet.boot)', async () => {
    const n = net!
    assert.equal((await fence('n1')).exitCode, 0)
    await n.boot(1)
    const addresses = await execa('ip', ['-n', n.ns(1), '-o', 'addr', 'show', 'scope', 'global'])
    assert.match(String(addresses.stdout), new RegExp(` ${n.addr(1).replaceAll('.', '\\.')}/24 `))
    const port = await execa('ip', ['-n', n.sw, '-o', 'link', 'show', n.port(1)])
    assert.match(String(port.stdout), /[<,]UP[,>]/)
    const route = await execa('ip', ['-n', n.ns(1), 'route', 'show', '224.0.0.0/4'])
    assert.match(String(route.stdout), /dev eth0/)
  })
})
