import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {ROOT} from './cli.js'

const ajv = new Ajv2020({strict: false})
const validators = new Map<string, ReturnType<typeof ajv.compile>>()

/** Checks a --json envelope against the committed schemas/<command>.json. */
export async function checkContract(id: string, envelope: unknown): Promise<void> {
  const file = `${id.replaceAll(' ', '-')}.json`
  let validate = validators.get(id)
  if (!validate) {
    validate = ajv.compile(JSON.parse(await readFile(join(ROOT, 'schemas', file), 'utf8')))
    validators.set(id, validate)
  }
  assert.ok(validate(envelope), `${id} --json breaks schemas/${file}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(envelope).slice(0, 2000)}`)
}
