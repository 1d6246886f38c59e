// Reading a CIB for `hactl config import --cib FILE|-`: the file (or standard
// input), converted by the core; what hactl cannot express is listed on
// standard error, one line each, and stops the import unless forced.
import {readFile} from 'node:fs/promises'
import {CibError, cibToConfig} from '../core/cib/read.js'
import type {ResourceConfig} from '../core/config/types.js'
import {inputError} from './errors.js'

async function readSource(source: string): Promise<string> {
  if (source !== '-') {
    try {
      return await readFile(source, 'utf8')
    } catch (error) {
      throw inputError(`cannot read ${source}: ${(error as Error).message}`)
    }
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function readCibConfig(source: string, force: boolean): Promise<{config: ResourceConfig, skipped: string[]}> {
  let imported
  try {
    imported = cibToConfig(await readSource(source))
  } catch (error) {
    if (error instanceof CibError) throw inputError(`${source === '-' ? 'standard input' : source}: ${error.message}`)
    throw error
  }
  for (const line of imported.unsupported) process.stderr.write(`not expressible in hactl: ${line}\n`)
  if (imported.unsupported.length > 0 && !force) {
    throw inputError(`${imported.unsupported.length} element(s) of the CIB cannot be expressed in hactl (listed above); nothing imported (--force imports the rest)`, 'cib-unsupported')
  }
  return {config: imported.config, skipped: imported.unsupported}
}
