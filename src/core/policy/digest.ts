// Parameter digests, as Pacemaker keeps them with each operation in the status
// section (op-digest, op-restart-digest): the node records the digest of the
// instance parameters an instance was started with; the engine compares it with
// the configured parameters' digest and restarts (or reloads) on a difference.
import {createHash} from 'node:crypto'

/**
 * Digest of a parameter set: order-independent, 32 hex digits. With `without`,
 * those parameters are left out (the restart digest leaves out the reloadable ones).
 */
export function paramDigest(params: Readonly<Record<string, string>>, without: readonly string[] = []): string {
  const skip = new Set(without)
  const entries = Object.keys(params).filter((k) => !skip.has(k)).sort().map((k) => [k, params[k]])
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32)
}

/** What a node records of the parameters an instance runs with. */
export interface ParamRecord {
  digest: string
  /** Only when the agent advertises reload-agent: the digest of the parameters that need a restart. */
  restartDigest?: string
  /** Only with restartDigest: the parameters the agent marks reloadable="1". */
  reloadable?: string[]
}

/** The record of an instance started with these parameters; `reloadable` undefined when the agent cannot reload-agent. */
export function paramRecord(params: Readonly<Record<string, string>>, reloadable?: readonly string[]): ParamRecord {
  const digest = paramDigest(params)
  if (reloadable === undefined) return {digest}
  return {digest, restartDigest: paramDigest(params, reloadable), reloadable: [...reloadable].sort()}
}

export type DefinitionChange = 'none' | 'reload' | 'restart'

/** What a change of the configured parameters asks of an instance running with `record` (none when nothing was recorded). */
export function definitionChange(params: Readonly<Record<string, string>>, record: Partial<ParamRecord> | undefined): DefinitionChange {
  if (record?.digest === undefined || paramDigest(params) === record.digest) return 'none'
  if (record.restartDigest !== undefined && paramDigest(params, record.reloadable ?? []) === record.restartDigest) return 'reload'
  return 'restart'
}
