import {randomBytes} from 'node:crypto'
import {mkdir, readFile, stat} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import type {BootstrapConfig} from '../core/config/bootstrap-types.js'
import {validateBootstrap} from '../core/config/bootstrap.js'
import {HactlError, inputError} from '../cli/errors.js'
import {writeFileAtomic} from './atomic-file.js'

/** 256-bit keys: AES-256-GCM and HMAC-SHA-256 both take 32 bytes. */
export const AUTHKEY_BYTES = 32

export function clusterJsonPath(configDir: string): string {
  return join(configDir, 'cluster.json')
}

export function defaultAuthkeyPath(configDir: string): string {
  return join(configDir, 'authkey')
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

export async function readBootstrap(configDir: string): Promise<BootstrapConfig> {
  const path = clusterJsonPath(configDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HactlError('not-configured', `${path} does not exist: run 'hactl cluster setup' or 'hactl cluster join' first`, 2)
    }
    throw new HactlError('io', `cannot read ${path}: ${(error as Error).message}`)
  }
  try {
    return validateBootstrap(JSON.parse(text))
  } catch (error) {
    if (error instanceof SyntaxError) throw inputError(`${path} is not valid JSON: ${error.message}`, 'invalid-json')
    throw error
  }
}

export async function writeBootstrap(configDir: string, config: BootstrapConfig): Promise<void> {
  await mkdir(configDir, {recursive: true, mode: 0o755})
  await writeFileAtomic(clusterJsonPath(configDir), `${JSON.stringify(config, null, 2)}\n`, 0o644)
}

/** Writes a key readable by root only (0400), atomically. */
export async function writeAuthkey(path: string, key: Uint8Array = randomBytes(AUTHKEY_BYTES)): Promise<void> {
  if (key.length !== AUTHKEY_BYTES) throw inputError(`an authkey has ${AUTHKEY_BYTES} bytes, not ${key.length}`)
  await mkdir(dirname(path), {recursive: true, mode: 0o755})
  await writeFileAtomic(path, key, 0o400)
}
