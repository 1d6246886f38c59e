import {readFile} from 'node:fs/promises'
import {emptyConfig} from '../core/config/defaults.js'
import {applyEdit, type ConfigEdit} from '../core/config/edits.js'
import type {ResourceConfig} from '../core/config/types.js'
import {validateResourceConfig} from '../core/config/validate.js'
import {HactlError, inputError} from '../cli/errors.js'
import {writeFileAtomic} from './atomic-file.js'

/** Reads a resource configuration file; a missing file is an empty configuration (pcs -f does the same). */
export async function readConfigFile(path: string): Promise<ResourceConfig> {
  return readConfig(path, true)
}

/** Reads a configuration that must exist (import, validate FILE): a missing file is an error. */
export async function readExistingConfigFile(path: string): Promise<ResourceConfig> {
  return readConfig(path, false)
}

async function readConfig(path: string, missingIsEmpty: boolean): Promise<ResourceConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig()
    throw new HactlError('io', `cannot read ${path}: ${(error as Error).message}`, missingIsEmpty ? 1 : 2)
  }
  return parseConfigText(text, path)
}

export function parseConfigText(text: string, path: string): ResourceConfig {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw inputError(`${path} is not valid JSON: ${(error as Error).message}`, 'invalid-json')
  }
  return validateResourceConfig(document)
}

export function serializeConfig(config: ResourceConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`
}

/**
 * Applies an edit to a file: the edit is validated before anything is written,
 * so a rejected edit leaves the file byte for byte as it was.
 */
export async function editConfigFile(path: string, edit: ConfigEdit, ifEpoch?: number): Promise<ResourceConfig> {
  const before = await readConfigFile(path)
  if (ifEpoch !== undefined && before.epoch !== ifEpoch) {
    throw new HactlError('epoch-mismatch', `the configuration is at epoch ${before.epoch}, not ${ifEpoch}; nothing was changed`)
  }
  const after = applyEdit(before, edit)
  if (after !== before) await writeFileAtomic(path, serializeConfig(after))
  return after
}

