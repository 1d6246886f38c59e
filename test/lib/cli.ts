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
