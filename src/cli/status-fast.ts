// `hactl status` without oclif: loading the CLI framework costs more than the
// whole answer (the target is 2 × `node -e 0`). bin/run.js sends the plain forms
// here — status [--json] [--run-dir DIR] — and everything else to oclif, which
// has the same command with the same output (src/commands/status.ts).
import {callDaemon} from '../client/client.js'
import {normalizeError} from './errors.js'
import {renderStatus} from './render-status.js'

/** Returns false when the arguments need the full CLI (help, --watch, unknown flags). */
export function fastStatusArgs(argv: string[]): {json: boolean, runDir: string} | undefined {
  let json = false
  let runDir = process.env.HACTL_RUN_DIR ?? '/run/hactl'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--json') json = true
    else if (arg === '--run-dir' && i + 1 < argv.length) runDir = argv[++i]
    else if (arg.startsWith('--run-dir=')) runDir = arg.slice('--run-dir='.length)
    else return undefined
  }
  return {json, runDir}
}

export async function fastStatus(options: {json: boolean, runDir: string}): Promise<number> {
  try {
    let status = await callDaemon(options.runDir, 'status', {})
    if (status.balancers) status = await (await import('./balancer-health.js')).withLocalBalancerHealth(status, options.runDir)
    process.stdout.write(options.json ? `${JSON.stringify({status: 'ok', result: status}, null, 2)}\n` : `${renderStatus(status)}\n`)
    return 0
  } catch (error) {
    const {code, message, exitCode} = normalizeError(error)
    if (options.json) process.stdout.write(`${JSON.stringify({status: 'error', error: {code, message}}, null, 2)}\n`)
    else process.stderr.write(`hactl: ${message}\n`)
    return exitCode
  }
}
