import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import {ConfigError, show} from './errors.js'

// Compiling a schema costs tens of milliseconds, so it happens once, on first use.
const compiled = new Map<object, ValidateFunction>()
let ajv: Ajv | undefined

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    ajv ??= new Ajv({allErrors: false, strict: false, discriminator: true})
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

function valueAt(document: unknown, pointer: string): unknown {
  let value: unknown = document
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~')
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  }
  return value
}

/** "/resources/0/id" -> "resources[0].id" */
export function readablePath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  if (extra !== undefined) parts.push(extra)
  let out = ''
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`
  return out === '' ? '(document)' : out
}

// Patterns are unreadable in an error; these fields say what they expect in words.
const EXPECTED_BY_FIELD: Record<string, string> = {
  score: 'an integer, INFINITY or -INFINITY',
  agent: 'ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT or fence:AGENT',
  id: 'an id of letters, digits, _ . : - (at most 64, not starting with . : -)',
  name: 'a name of letters, digits, _ . : - (at most 64, not starting with . : -)',
  cluster_name: 'a name of letters, digits, _ . - (at most 32)',
  members: 'a resource id',
  child: 'a resource id',
  resource: 'a resource id',
  withResource: 'a resource id',
  first: 'a resource id',
  then: 'a resource id',
  node: 'a node name',
}

function describe(error: ErrorObject, document: unknown, label: string): string {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'additionalProperties') {
    return `${label}: unknown key ${show(params.additionalProperty)} at ${readablePath(error.instancePath)}`
  }
  if (error.keyword === 'required') {
    return `${label}: ${readablePath(error.instancePath, String(params.missingProperty))} is missing`
  }
  const where = readablePath(error.instancePath)
  const value = valueAt(document, error.instancePath)
  if (error.keyword === 'enum') {
    return `${label}: ${where} is ${show(value)}, expected one of ${(params.allowedValues as unknown[]).join(', ')}`
  }
  const expected = error.keyword === 'pattern' || error.keyword === 'type' ? EXPECTED_BY_FIELD[where.split('.').pop()!.replace(/\[\d+\]$/, '')] : undefined
  if (expected) return `${label}: ${where} is ${show(value)}, expected ${expected}`
  return `${label}: ${where} is ${show(value)}: ${error.message ?? 'invalid'}`
}

/** Checks a document against a JSON Schema; throws a one-line ConfigError naming the first bad path and value. */
export function checkSchema(schema: object, document: unknown, label: string): void {
  const validate = validatorFor(schema)
  if (validate(document)) return
  const error = validate.errors?.[0]
  throw new ConfigError('invalid-config', error ? describe(error, document, label) : `${label}: invalid`)
}
