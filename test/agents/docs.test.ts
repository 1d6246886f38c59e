import assert from 'node:assert/strict'
import {execa} from 'execa'
import {chmod, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {commandWorks, requireCapability, ROOT, tempDir} from './helpers.js'

const PAGE = join(ROOT, 'man', 'hactl-agents.7')

describe('agents: man/hactl-agents.7', function () {
  this.timeout(30_000)

  it('passes groff -man -ww -z without a warning', async function () {
    requireCapability(this, 'groff', await commandWorks('sh', ['-c', 'command -v groff']))
    const r = await execa('groff', ['-man', '-ww', '-z', PAGE], {reject: false})
    assert.equal(r.exitCode, 0)
    assert.equal(r.stderr, '')
  })

  it('lists the agents\' parameters as their meta-data has them now', async () => {
    const page = await readFile(PAGE, 'utf8')
    const generated = await execa(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'agents-table.ts'), '--man'], {cwd: ROOT})
    assert.ok(page.includes(generated.stdout.trim()), 'run: node --import tsx scripts/agents-table.ts --write-man')
  })

  it('shows an example agent that passes ocf-tester', async function () {
    requireCapability(this, 'ocf-tester (Debian resource-agents)', await commandWorks('sh', ['-c', 'command -v ocf-tester']))
    const page = await readFile(PAGE, 'utf8')
    const section = page.slice(page.indexOf('.SH WRITING A NEW AGENT'))
    const example = section.slice(section.indexOf('.EX\n') + 4, section.indexOf('.EE\n')).replaceAll('\\-', '-').replaceAll('\\e', '\\')
    const tmp = await tempDir('manex')
    try {
      const agent = join(tmp.path, 'example')
      await writeFile(agent, example)
      await chmod(agent, 0o755)
      await chmod(tmp.path, 0o755)
      const r = await execa('ocf-tester', ['-n', 'ex', '-o', `path=${tmp.path}/flag`, agent], {reject: false, cwd: '/'})
      assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`)
    } finally {
      await tmp.remove()
    }
  })
})
