/**
 * Health of a balancer's backends from check results (keepalived's rise/fall):
 * a backend starts up (the DC adds it because its instance just started); `fall`
 * consecutive failures take it out, `rise` consecutive successes put it back.
 * Pure: results in, the new state and whether the backend changed side out.
 */
export interface BackendHealth {
  up: boolean
  /** Consecutive results opposite to `up`. */
  streak: number
}

export interface HealthSettings {
  rise: number
  fall: number
}

export function initialHealth(): BackendHealth {
  return {up: true, streak: 0}
}

export function recordCheck(health: BackendHealth, ok: boolean, settings: HealthSettings): {health: BackendHealth, changed: boolean} {
  if (ok === health.up) return {health: {up: health.up, streak: 0}, changed: false}
  const streak = health.streak + 1
  const needed = health.up ? settings.fall : settings.rise
  if (streak >= Math.max(1, needed)) return {health: {up: !health.up, streak: 0}, changed: true}
  return {health: {up: health.up, streak}, changed: false}
}

/** A check as the balancer's `check` parameter states it. */
export type HealthCheck = {kind: 'tcp'} | {kind: 'http', path: string, status: number}

/** Parses `tcp` or `http:PATH[=CODE]`; a string explains what is wrong. */
export function parseHealthCheck(text: string): HealthCheck | string {
  if (text === 'tcp') return {kind: 'tcp'}
  if (!text.startsWith('http:')) return `check ${JSON.stringify(text)} is not tcp or http:PATH[=CODE]`
  const rest = text.slice(5)
  const eq = rest.lastIndexOf('=')
  const path = eq < 0 ? rest : rest.slice(0, eq)
  const code = eq < 0 ? '200' : rest.slice(eq + 1)
  if (!/^\/[A-Za-z0-9/._~%?&+-]*$/.test(path)) return `check ${JSON.stringify(text)}: the path must start with / and hold only URL path characters`
  if (!/^[1-5][0-9][0-9]$/.test(code)) return `check ${JSON.stringify(text)}: the status after = must be an HTTP status 100..599`
  return {kind: 'http', path, status: Number(code)}
}
