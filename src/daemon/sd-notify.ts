// systemd integration of the daemon (the unit is Type=notify, NotifyAccess=all):
// READY once the node has joined, STOPPING on shutdown, through systemd-notify;
// and realtime scheduling where the kernel allows it, through chrt. Both are
// best effort: without systemd (NOTIFY_SOCKET unset) or without the tools, the
// daemon runs as before.
import {spawn} from 'node:child_process'

export interface RunResult {ok: boolean, reason: string | null}

/** Runs a helper to completion: never throws. */
export function runHelper(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    let stderr = ''
    let child
    try {
      child = spawn(command, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    } catch (error) {
      resolve({ok: false, reason: (error as Error).message})
      return
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString()
    })
    child.once('error', (error) => resolve({ok: false, reason: error.message}))
    child.once('close', (code, signal) => resolve(code === 0 ? {ok: true, reason: null} : {ok: false, reason: stderr.trim().split('\n')[0] || `${command} exited with ${code ?? signal}`}))
  })
}

/**
 * Tells systemd the service is ready (or something else: STOPPING=1, STATUS=…).
 * --pid names the daemon, so the message is attributed to it even though
 * systemd-notify itself has exited by the time systemd reads it. Does nothing
 * when NOTIFY_SOCKET is unset (not started by systemd as Type=notify).
 */
export async function sdNotify(fields: {ready?: boolean, stopping?: boolean, status?: string}, env: NodeJS.ProcessEnv = process.env, pid = process.pid): Promise<RunResult | undefined> {
  if (!env.NOTIFY_SOCKET) return undefined
  const args = [`--pid=${pid}`]
  if (fields.ready) args.push('--ready')
  if (fields.status !== undefined) args.push(`--status=${fields.status.replace(/\n/g, ' ')}`)
  if (fields.stopping) args.push('STOPPING=1')
  return runHelper('systemd-notify', args, env)
}

/** READY=1 with a status line, once the daemon has joined the membership. */
export function notifyReady(status: string, env: NodeJS.ProcessEnv = process.env): Promise<RunResult | undefined> {
  return sdNotify({ready: true, status}, env)
}

/**
 * SCHED_RR for every thread of this process (chrt -a), with reset-on-fork (-R) so
 * the agents it starts run under the normal scheduler. Refused on kernels without
 * a realtime budget for the service's cgroup: the caller logs and goes on.
 */
/** The daemon's SCHED_RR priority; its resource guard runs one above it (its trip must not wait for the daemon). */
export const REALTIME_PRIORITY = 10

export function tryRealtime(priority = 10, pid = process.pid, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return runHelper('chrt', ['-a', '-R', '-r', '-p', String(priority), String(pid)], env)
}
