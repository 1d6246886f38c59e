// `hactl status` without oclif: loading the CLI framework costs more than the
// whole answer (the target is 2 × `node -e 0`). bin/run.js sends the plain forms
// here — status [--json] [--full] [--run-dir DIR] — and everything else to oclif,
// which has the same command with the same output (src/commands/status.ts).
import {callDaemon} from '../client/client.js'
import type {ClusterStatus} from '../client/status.js'
import type {ResourceConfig} from '../core/config/types.js'
import {normalizeError} from './errors.js'
import {renderStatus} from './render-status.js'

/** Returns false when the arguments need the full CLI (help, --watch, unknown flags). */
export function fastStatusArgs(argv: string[]): {json: boolean, full: boolean, runDir: string} | undefined {
  let json = false
  let full = false
  let runDir = process.env.HACTL_RUN_DIR ?? '/run/hactl'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--json') json = true
    else if (arg === '--full') full = true
    else if (arg === '--run-dir' && i + 1 < argv.length) runDir = argv[++i]
    else if (arg.startsWith('--run-dir=')) runDir = arg.slice('--run-dir='.length)
    else return undefined
  }
  return {json, full, runDir}
}

/**
 * The status and, for the text, the configuration it was built from (cluster-wide
 * states, fence devices, node attributes), asked at once. A configuration that
 * cannot be read leaves those sections out rather than failing the status.
 */
export async function statusAndConfig(runDir: string, json: boolean): Promise<{status: ClusterStatus, config?: ResourceConfig}> {
  if (json) return {status: await callDaemon(runDir, 'status', {})}
  const [status, config] = await Promise.all([callDaemon(runDir, 'status', {}), callDaemon(runDir, 'config.get', {}).catch(() => undefined)])
  return {status, config}
}

export async function fastStatus(options: {json: boolean, full?: boolean, runDir: string}): Promise<number> {
  try {
    let {status, config} = await statusAndConfig(options.runDir, options.json)
    if (status.balancers) status = await (await import('./balancer-health.js')).withLocalBalancerHealth(status, options.runDir)
    process.stdout.write(options.json ? `${JSON.stringify({status: 'ok', result: status}, null, 2)}\n` : `${renderStatus(status, {config, full: options.full})}\n`)
    return 0
  } catch (error) {
    const {code, message, exitCode} = normalizeError(error)
    if (options.json) process.stdout.write(`${JSON.stringify({status: 'error', error: {code, message}}, null, 2)}\n`)
    else process.stderr.write(`hactl: ${message}\n`)
    return exitCode
  }
}
