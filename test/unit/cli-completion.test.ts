// Completion of resource and node names in a real bash, against a -f file, with
// the real CLI standing in for `hactl`.
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, hactl} from '../lib/cli.js'
import {argumentKinds} from '../../src/cli/complete-names.js'

describe('cli: completion of resource and node names (bash)', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-complete-'))
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  it('knows which argument takes which kind of name', () => {
    assert.deepEqual(argumentKinds('resource:move', ['name', 'node']), ['resource', 'node'])
    assert.deepEqual(argumentKinds('resource:add:vip', ['name']), ['-'])
    assert.deepEqual(argumentKinds('node:remove', ['name']), ['node'])
    assert.deepEqual(argumentKinds('cluster:setup', ['name', 'node']), ['-', '-'])
  })

  it('completes names from the -f file on the command line', async () => {
    const file = join(dir, 'c.json')
    for (const args of [['node', 'add', 'alpha'], ['node', 'add', 'beta'], ['resource', 'add', 'agent', 'web', 'ocf:hactl:dummy'], ['resource', 'add', 'agent', 'wall', 'ocf:hactl:dummy']]) {
      assert.equal((await hactl(['-f', file, ...args])).exitCode, 0)
    }
    const script = (await hactl(['completion', 'bash'])).stdout
    await writeFile(join(dir, 'complete.sh'), script)
    const complete = async (line: string[]) => {
      const words = line.map((w) => `'${w}'`).join(' ')
      const program = `hactl() { '${process.execPath}' '${BIN}' "$@"; }
source '${join(dir, 'complete.sh')}'
COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}
__hactl_complete
printf '%s\\n' "\${COMPREPLY[@]}"`
      const result = await execa('bash', ['-c', program])
      return String(result.stdout).split('\n').filter(Boolean).sort()
    }
    assert.deepEqual(await complete(['hactl', '-f', file, 'resource', 'move', 'w']), ['wall', 'web'])
    assert.deepEqual(await complete(['hactl', '-f', file, 'resource', 'move', 'web', '']), ['alpha', 'beta'])
    assert.deepEqual(await complete(['hactl', '-f', file, 'node', 'standby', 'b']), ['beta'])
    assert.deepEqual(await complete(['hactl', '-f', file, 'resource', 'add', 'vip', '']), [])
  })
})
