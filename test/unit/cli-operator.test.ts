// The operator's mistakes the CLI refuses (issue 14), offline on -f files: each
// refusal is one line naming the bad value, exit 2 (or 1 for a stale import), and
// the file byte for byte unchanged; --force overrides, as pcs.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hactl} from '../lib/cli.js'

describe('cli: mistakes refused, offline (-f)', function () {
  this.timeout(120_000)
  let dir: string
  let file: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-operator-'))
    file = join(dir, 'c.json')
  })
  after(async () => rm(dir, {recursive: true, force: true}))

  async function ok(args: string[]): Promise<string> {
    const result = await hactl(['-f', file, ...args])
    assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
    return result.stdout
  }

  async function refused(args: string[], expected: RegExp, exitCode = 2): Promise<void> {
    const before = await readFile(file)
    const result = await hactl(['-f', file, ...args])
    assert.equal(result.exitCode, exitCode, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
    const lines = result.stderr.trimEnd().split('\n')
    assert.equal(lines.length, 1, result.stderr)
    assert.match(lines[0], expected)
    assert.deepEqual(await readFile(file), before, 'the file changed')
  }

  it('an agent that is not installed is refused unless --force', async () => {
    await ok(['resource', 'add', 'agent', 'd1', 'ocf:hactl:dummy'])
    await refused(['resource', 'add', 'agent', 'x', 'ocf:nosuch:Thing'], /^hactl: agent ocf:nosuch:Thing is not installed .*--force/)
    await ok(['resource', 'add', 'agent', 'x', 'ocf:nosuch:Thing', 'a=1', '--force'])
  })

  it('resource update: unknown parameters refused with the valid ones listed, unless --force', async () => {
    await refused(['resource', 'update', 'd1', 'fial=start'], /^hactl: ocf:hactl:dummy has no parameter 'fial'; valid parameters: .*fail.*--force/)
    await ok(['resource', 'update', 'd1', 'fail=start'])
    await ok(['resource', 'update', 'd1', 'fial=start', '--force'])
    await ok(['resource', 'update', 'd1', 'fial=']) // removing the typo needs no --force
    // The agent of x is not installed here: its update needs --force too.
    await refused(['resource', 'update', 'x', 'a=2'], /ocf:nosuch:Thing is not installed/)
    await ok(['resource', 'update', 'x', 'a=2', '--force'])
  })

  it('op attributes: a typo such as intervall= is refused on add and update, unless --force', async () => {
    await refused(['resource', 'update', 'd1', '--op', 'monitor intervall=10s'], /^hactl: --op monitor: unknown attribute 'intervall'; valid: interval, timeout/)
    await refused(['resource', 'add', 'agent', 'd2', 'ocf:hactl:dummy', '--op', 'monitor interval=5s tmeout=3s'], /unknown attribute 'tmeout'/)
    await refused(['resource', 'add', 'vip', 'v', '--ip', '192.0.2.1', '--op', 'monitor intervall=5s'], /unknown attribute 'intervall'/)
    await refused(['resource', 'update', 'd1', '--op', 'monitr interval=10s'], /^hactl: ocf:hactl:dummy has no action 'monitr'/)
    await ok(['resource', 'update', 'd1', '--op', 'monitor interval=10s OCF_CHECK_LEVEL=10 start-delay=1s'])
    await ok(['resource', 'update', 'd1', '--op', 'monitor intervall=10s', '--force'])
  })

  it('config import of an older epoch is refused naming both epochs, unless --force', async () => {
    const exported = join(dir, 'exported.json')
    await ok(['config', 'export', exported])
    const old = JSON.parse(await readFile(exported, 'utf8'))
    await ok(['property', 'set', 'resource-stickiness=100'])
    await ok(['property', 'set', 'resource-stickiness=200'])
    const current = JSON.parse(await readFile(file, 'utf8')).epoch
    await refused(['config', 'import', exported], new RegExp(`^hactl: .*exported\\.json is at epoch ${old.epoch}, older than .*c\\.json at epoch ${current}: it would undo the 2 changes made since; .*--force`), 1)
    await ok(['config', 'import', exported, '--force'])
    const after = JSON.parse(await readFile(file, 'utf8'))
    assert.equal(after.properties['resource-stickiness'], undefined)
    assert.ok(after.epoch > current)
    // A file at the current epoch (exported, edited) is imported as before.
    await ok(['config', 'export', exported])
    const edited = JSON.parse(await readFile(exported, 'utf8'))
    edited.properties['resource-stickiness'] = '50'
    await writeFile(exported, JSON.stringify(edited))
    await ok(['config', 'import', exported])
  })
})
