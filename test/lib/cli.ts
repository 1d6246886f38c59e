import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {fileURLToPath} from 'node:url'
import {BIN} from '../../src/lab/lab-cluster.js'

export {BIN}
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult {exitCode: number, stdout: string, stderr: string}

/** Runs the real CLI as a subprocess (the built one: npm test builds first). */
export async function hactl(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {reject: false, env: {HACTL_DEBUG: '', ...env}, stripFinalNewline: false})
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

/** Runs with --json and parses the envelope. */
export async function hactlJson(args: string[], env: Record<string, string> = {}): Promise<{exitCode: number, envelope: any, stderr: string}> {
  const result = await hactl([...args, '--json'], env)
  let envelope: unknown
  try {
    envelope = JSON.parse(result.stdout)
  } catch {
    throw new Error(`not JSON (exit ${result.exitCode}): ${result.stdout}${result.stderr}`)
  }
  return {exitCode: result.exitCode, envelope, stderr: result.stderr}
}

/**
 * A configuration file in a fresh temporary directory for offline (-f) CLI tests,
 * created before the suite and removed after it, with the two checks those tests
 * make: `ok` (exit 0, returns stdout) and `refused` (one line on stderr matching,
 * the exit code, the file byte for byte unchanged).
 */
export function useOfflineFile(prefix: string): {readonly dir: string, readonly file: string, ok: (args: string[]) => Promise<string>, refused: (args: string[], expected: RegExp, exitCode?: number) => Promise<void>} {
  let dir = ''
  let file = ''
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
    file = join(dir, 'c.json')
  })
  after(async () => {
    if (dir) await rm(dir, {recursive: true, force: true})
  })
  return {
    get dir() {
      return dir
    },
    get file() {
      return file
    },
    async ok(args) {
      const result = await hactl(['-f', file, ...args])
      assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
      return result.stdout
    },
    async refused(args, expected, exitCode = 2) {
      const before = await readFile(file)
      const result = await hactl(['-f', file, ...args])
      assert.equal(result.exitCode, exitCode, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
      const lines = result.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, result.stderr)
      assert.match(lines[0], expected)
      assert.deepEqual(await readFile(file), before, 'the file changed')
    },
  }
}
