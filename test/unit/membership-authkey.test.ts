import {strict as assert} from 'node:assert'
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readAuthkey} from '../../src/daemon/authkey.js'

describe('authkey file', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hactl-authkey-'))
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  async function key(name: string, bytes: Buffer, mode: number): Promise<string> {
    const path = join(dir, name)
    await writeFile(path, bytes)
    await chmod(path, mode)
    return path
  }

  it('reads a 0400 or 0600 key', async () => {
    const secret = Buffer.alloc(128, 7)
    assert.deepEqual(await readAuthkey(await key('a', secret, 0o400)), secret)
    assert.deepEqual(await readAuthkey(await key('b', secret, 0o600)), secret)
  })

  it('refuses a key others can read, naming the mode and never the key', async () => {
    const secret = Buffer.from('s3cr3t-'.repeat(10))
    await assert.rejects(readAuthkey(await key('c', secret, 0o644)), (error: Error) => /mode 0644/.test(error.message) && !error.message.includes('s3cr3t'))
  })

  it('refuses a key of the wrong size and a missing file', async () => {
    await assert.rejects(readAuthkey(await key('d', Buffer.alloc(8), 0o400)), /8 bytes/)
    await assert.rejects(readAuthkey(join(dir, 'missing')), /does not exist/)
  })
})
