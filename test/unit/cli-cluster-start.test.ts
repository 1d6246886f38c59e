// `cluster start` with --all or other nodes' names: pcs starts them through pcsd;
// hactl has no remote agent, so it refuses in one line, names the nodes to start
// where they run, and starts nothing (not even this node's daemon).
import assert from 'node:assert/strict'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl} from '../lib/cli.js'

describe('hactl cluster start --all / NODE', function () {
  this.timeout(60_000)
  let dir: string
  let env: Record<string, string>

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-start-'))
    env = {HACTL_CONFIG_DIR: join(dir, 'etc'), HACTL_STATE_DIR: join(dir, 'state'), HACTL_RUN_DIR: join(dir, 'run'), HACTL_NODE_NAME: 'n1'}
    const setup = await hactl(['cluster', 'setup', 'c1', 'n1=192.0.2.1', 'n2=192.0.2.2', 'n3=192.0.2.3'], env)
    assert.equal(setup.exitCode, 0, setup.stderr)
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  async function refused(args: string[], expected: RegExp): Promise<void> {
    const result = await hactl(['cluster', 'start', ...args], env)
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
    const lines = result.stderr.trimEnd().split('\n')
    assert.equal(lines.length, 1, result.stderr)
    assert.match(lines[0], expected)
    assert.deepEqual(await readdir(dir), ['etc'], 'nothing started: no state or run directory')
  }

  it('--all names the other nodes to start there, and this one', async () => {
    await refused(['--all'], /^hactl: cluster start --all: .*no pcsd.*nothing was done: run 'hactl cluster start' on n2, n3, and here/)
  })

  it('another node is refused the same way; an unknown name is named', async () => {
    await refused(['n3'], /^hactl: cluster start: .*on n3 \(e\.g\. over ssh\)$/)
    await refused(['n9'], /^hactl: n9: not a node of this cluster \(nodes: n1, n2, n3\)$/)
  })
})
