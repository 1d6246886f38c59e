// Where a daemon serves /metrics: cluster.json's `metrics.address`, "HOST:PORT"
// ("[v6]:PORT" for IPv6) or "off". The default is loopback on ha_cluster_exporter's
// port, so nothing is reachable off-host unless an operator says so.
import {ipVersion} from '../config/ip.js'

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9664'

export type ListenAddress = {host: string, port: number} | 'off'

/** Parses a metrics address; returns a one-line reason instead when it is not one. */
export function parseListenAddress(text: string): ListenAddress | {error: string} {
  if (text === 'off') return 'off'
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text)
  if (!match) return {error: `metrics.address is ${JSON.stringify(text)}: expected HOST:PORT (an IP address, [v6]:PORT) or "off"`}
  const host = match[1] ?? match[2]
  const port = Number(match[3])
  if (ipVersion(host) === 0) return {error: `metrics.address is ${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IP address`}
  if (port < 1 || port > 65535) return {error: `metrics.address is ${JSON.stringify(text)}: port ${port} is out of range 1-65535`}
  return {host, port}
}
