// OCF exit codes and the two result axes of Pacemaker's executor: how the
// execution went (status) is kept apart from what the agent answered (OCF code).

export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const

export type OcfCode = (typeof OCF)[keyof typeof OCF]

/** How an execution went, independent of the agent's answer (Pacemaker's PCMK_EXEC_*). */
export type ExecStatus = 'done' | 'timeout' | 'cancelled' | 'error' | 'not-installed'

const NAMES: Record<number, string> = {
  0: 'ok',
  1: 'error',
  2: 'invalid-argument',
  3: 'unimplemented',
  4: 'insufficient-privileges',
  5: 'not-installed',
  6: 'not-configured',
  7: 'not-running',
  8: 'running-promoted',
  9: 'failed-promoted',
  190: 'degraded',
  191: 'degraded-promoted',
}

export function isOcfCode(code: number): code is OcfCode {
  return Object.hasOwn(NAMES, code)
}

/** The name of an OCF code for logs and `--json` ("not-running"). */
export function ocfName(code: number | null): string {
  if (code === null) return 'none'
  return NAMES[code] ?? `unknown(${code})`
}

/**
 * An OCF agent's exit code as an OCF result. Codes outside the standard
 * are generic errors, as Pacemaker treats them; the raw code stays in the result.
 */
export function ocfFromExit(exitCode: number): OcfCode {
  return isOcfCode(exitCode) ? exitCode : OCF.ERR_GENERIC
}

/**
 * An LSB init script's exit code as an OCF result. `status` has its own
 * codes (LSB 3.0 §20.2): 1..3 mean "not running" in different ways, 4 unknown.
 * Other actions share codes 0..7 with OCF.
 */
export function ocfFromLsbExit(action: string, exitCode: number): OcfCode {
  if (action === 'monitor' || action === 'status') {
    if (exitCode === 0) return OCF.SUCCESS
    if (exitCode >= 1 && exitCode <= 3) return OCF.NOT_RUNNING
    return OCF.ERR_GENERIC
  }
  return exitCode >= 0 && exitCode <= 7 ? (exitCode as OcfCode) : OCF.ERR_GENERIC
}
