#!/usr/bin/env node
// Writes schemas/<command>.json from src/cli/result-schemas.ts (via dist/).
// `--check` exits 1 when the committed files differ from what would be written.
import {mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {RESULT_SCHEMAS, envelopeSchema} = await import(join(root, 'dist/cli/result-schemas.js'))
const dir = join(root, 'schemas')
const check = process.argv.includes('--check')
const wanted = new Map(Object.entries(RESULT_SCHEMAS).map(([id, result]) => [
  `${id.replaceAll(' ', '-')}.json`, `${JSON.stringify(envelopeSchema(id, result), null, 2)}\n`,
]))
// Streams (one schema per line, not an envelope): status --watch --json.
const {streamSchemas} = await import(join(root, 'dist/cli/observe-schemas.js'))
for (const [id, schema] of Object.entries(streamSchemas(RESULT_SCHEMAS.status))) wanted.set(`${id}.json`, `${JSON.stringify(schema, null, 2)}\n`)
await mkdir(dir, {recursive: true})
const present = (await readdir(dir)).filter((f) => f.endsWith('.json'))
const stale = []
for (const [file, text] of wanted) {
  const current = await readFile(join(dir, file), 'utf8').catch(() => undefined)
  if (current === text) continue
  if (check) stale.push(file)
  else await writeFile(join(dir, file), text)
}
for (const file of present) if (!wanted.has(file)) {
  if (check) stale.push(file)
  else await rm(join(dir, file))
}
if (check && stale.length > 0) {
  console.error(`schemas/ is out of date (${stale.join(', ')}): run npm run schemas`)
  process.exit(1)
}
if (!check) console.log(`wrote ${wanted.size} schemas to ${dir}`)
