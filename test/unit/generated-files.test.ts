import assert from 'node:assert/strict'
import {execa} from 'execa'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ROOT} from '../lib/cli.js'

// man/hactl.1 and schemas/ are generated from the commands and committed; these
// tests fail when they are stale, incomplete or when groff warns.

describe('generated files', function () {
  this.timeout(60_000)

  it('man/hactl.1 is current (npm run man)', async () => {
    const result = await execa(process.execPath, [join(ROOT, 'scripts/gen-man.js'), '--check'], {reject: false})
    assert.equal(result.exitCode, 0, result.stderr)
  })

  it('man/hactl.1 has an entry for every command', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const page = await readFile(join(ROOT, 'man/hactl.1'), 'utf8')
    const missing = Object.keys(manifest.commands).filter((id) => !manifest.commands[id].hidden)
      .filter((id) => !page.includes(`.SS "hactl ${id.replaceAll(':', ' ').replaceAll('-', '\\-')}`))
    assert.deepEqual(missing, [])
  })

  it('every man page passes groff -man -ww -z without warnings', async () => {
    const pages = (await readdir(join(ROOT, 'man'))).filter((f) => /\.\d$/.test(f))
    assert.ok(pages.includes('hactl.1') && pages.includes('hactl.conf.5'), `pages: ${pages.join(', ')}`)
    for (const page of pages) {
      const result = await execa('groff', ['-man', '-ww', '-z', join(ROOT, 'man', page)], {reject: false})
      assert.equal(`${result.stderr}`, '', `${page}: ${result.stderr}`)
      assert.equal(result.exitCode, 0)
    }
  })

  it('schemas/ is current (npm run schemas)', async () => {
    const result = await execa(process.execPath, [join(ROOT, 'scripts/gen-schemas.js'), '--check'], {reject: false})
    assert.equal(result.exitCode, 0, result.stderr)
  })

  it('every command that reports something has a result schema', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const {RESULT_SCHEMAS} = await import('../../src/cli/result-schemas.js')
    const missing = Object.entries(manifest.commands as Record<string, {enableJsonFlag?: boolean}>)
      .filter(([, c]) => c.enableJsonFlag).map(([id]) => id.replaceAll(':', ' ')).filter((id) => !(id in RESULT_SCHEMAS))
    assert.deepEqual(missing, [])
  })
})

describe('README', function () {
  this.timeout(60_000)

  it('lists the agents with the parameters their meta-data declares', async () => {
    const result = await execa(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/agents-table.ts')], {cwd: ROOT})
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('<!-- agents:begin -->') + '<!-- agents:begin -->'.length, readme.indexOf('<!-- agents:end -->')).trim()
    assert.equal(section, String(result.stdout).trim(), 'README agents section is stale: paste the output of node --import tsx scripts/agents-table.ts')
  })
})
