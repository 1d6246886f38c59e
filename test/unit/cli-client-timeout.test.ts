// The CLI against a daemon socket that accepts and never answers, and against
// one that answers status with canned data (for --watch on a pipe): real Unix
// sockets, the real CLI as a subprocess.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl} from '../lib/cli.js'
import {requestTimeoutMs} from '../../src/client/client.js'
import type {ClusterStatus} from '../../src/client/status.js'

function statusWith(node: string, generatedAt: number): ClusterStatus {
  return {
    clusterName: 'c', dc: 'n1', quorate: true, viewId: 3, epoch: 7, source: 'dc', localNode: 'n1',
    nodes: [{name: 'n1', id: 1, online: true, standby: false, maintenance: false, unclean: false}, {name: 'n2', id: 2, online: true, standby: false, maintenance: false, unclean: false}],
    resources: [{id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: [node], role: 'started', targetRole: 'Started'}],
    failures: [], transition: null, settled: true, warnings: [], generatedAt,
  }
}

async function listen(server: Server, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
}

describe('cli: a client timeout on every call to the daemon', function () {
  this.timeout(60_000)
  let dir: string
  let server: Server | undefined
  const sockets: Socket[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-timeout-'))
  })
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
    await rm(dir, {recursive: true, force: true})
  })

  it('defaults: reads 10 s, writes 30 s; HACTL_TIMEOUT overrides, and a bad value is an input error', () => {
    assert.equal(requestTimeoutMs('status', {}), 10_000)
    assert.equal(requestTimeoutMs('config.edit', {}), 30_000)
    assert.equal(requestTimeoutMs('status', {HACTL_TIMEOUT: '0.5'}), 500)
    assert.throws(() => requestTimeoutMs('status', {HACTL_TIMEOUT: 'soon'}), /HACTL_TIMEOUT=soon/)
  })

  it('a daemon that accepts and never answers: one line, exit 3, for status (fast path), oclif commands and edits', async () => {
    server = createServer((socket) => {
      sockets.push(socket) // read nothing, answer nothing
      socket.on('error', () => undefined)
    })
    await listen(server, join(dir, 'hactl.sock'))
    for (const args of [['status'], ['status', '--json'], ['status', '--watch'], ['resource', 'list'], ['config', 'show'], ['property', 'set', 'maintenance-mode=true']]) {
      const result = await hactl([...args, '--run-dir', dir], {HACTL_TIMEOUT: '1'})
      assert.equal(result.exitCode, 3, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
      if (args.includes('--json')) {
        assert.match(JSON.parse(result.stdout).error.message, /did not answer status within 1 s/)
        continue
      }
      const lines = result.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, result.stderr)
      assert.match(lines[0], /^hactl: the daemon on .*hactl\.sock did not answer (status|config\.get|config\.edit) within 1 s: it is hung or stopped/)
    }
  })

  it('status --watch on a pipe: plain lines, the whole status once, then only what changed', async () => {
    let served = 0
    server = createServer((socket) => {
      sockets.push(socket)
      socket.on('error', () => undefined)
      let buffered = ''
      socket.on('data', (chunk) => {
        buffered += chunk.toString()
        const end = buffered.indexOf('\n')
        if (end < 0) return
        const request = JSON.parse(buffered.slice(0, end)) as {id: number, method: string}
        if (request.method === 'config.get') {
          const config = {epoch: 7, properties: {}, nodes: [], resources: [], groups: [], clones: [], constraints: []}
          socket.write(`${JSON.stringify({id: request.id, ok: true, result: config})}\n`)
          return
        }
        served++
        // Three identical answers (new time stamps), three with the VIP moved, then the daemon goes away.
        if (served > 6) {
          socket.destroy()
          server!.close()
          return
        }
        const status = statusWith(served <= 3 ? 'n1' : 'n2', Date.UTC(2026, 0, 1, 10, 0, served))
        socket.write(`${JSON.stringify({id: request.id, ok: true, result: status})}\n`)
      })
    })
    await listen(server, join(dir, 'hactl.sock'))
    const result = await hactl(['status', '--watch', '--run-dir', dir], {HACTL_TIMEOUT: '5'})
    assert.equal(result.exitCode, 3, result.stderr)
    assert.ok(!result.stdout.includes('\x1b'), 'no terminal codes on a pipe')
    const lines = result.stdout.trimEnd().split('\n')
    assert.equal(lines.filter((l) => l.startsWith('Cluster: c')).length, 1, result.stdout)
    assert.equal(lines.filter((l) => /Started n1/.test(l)).length, 1, result.stdout)
    assert.deepEqual(lines.filter((l) => /Started n2/.test(l)), ['10:00:04 * vip\t(ocf:hactl:vip):\t Started n2'])
    const text = lines.filter((l) => l.trim() !== '')
    assert.equal(text.length, new Set(text).size, 'no line twice')
  })
})
