// Reads the cluster authkey. The key is secret: it is never logged, never put
// in an error message, never returned in JSON. Like corosync, hactl refuses a
// key file that others may read.
import {open} from 'node:fs/promises'
import {HactlError} from '../cli/errors.js'
import {AUTHKEY_MAX_BYTES, AUTHKEY_MIN_BYTES} from '../core/wire/seal.js'

export class AuthkeyError extends HactlError {
  constructor(message: string) {
    super('authkey', message, 1)
  }
}

export async function readAuthkey(path: string): Promise<Buffer> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AuthkeyError(code === 'ENOENT' ? `authkey ${path} does not exist: create it with 'hactl cluster keygen'` : `cannot open authkey ${path} (${code ?? 'error'})`)
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) throw new AuthkeyError(`authkey ${path} is not a regular file`)
    const mode = stat.mode & 0o777
    if (mode !== 0o400 && mode !== 0o600) throw new AuthkeyError(`authkey ${path} has mode ${mode.toString(8).padStart(4, '0')}: it must be 0400 or 0600 (chmod 0400 ${path})`)
    if (stat.size < AUTHKEY_MIN_BYTES || stat.size > AUTHKEY_MAX_BYTES) throw new AuthkeyError(`authkey ${path} has ${stat.size} bytes: it must hold ${AUTHKEY_MIN_BYTES} to ${AUTHKEY_MAX_BYTES} bytes`)
    const key = await handle.readFile()
    if (key.length !== stat.size) throw new AuthkeyError(`authkey ${path} changed while being read`)
    return key
  } finally {
    await handle.close()
  }
}
