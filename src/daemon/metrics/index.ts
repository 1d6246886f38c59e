// Monitoring of one daemon: the metrics (registry.ts) fed by a Logger tap, and
// their HTTP endpoint (server.ts) on cluster.json's metrics.address.
import {DEFAULT_METRICS_ADDRESS, parseListenAddress} from '../../core/metrics/address.js'
import type {Logger} from '../logger.js'
import {DaemonMetrics, type MetricsSource} from './registry.js'
import {MetricsServer} from './server.js'

export {DaemonMetrics, type MetricsSource} from './registry.js'

export interface Monitoring {
  metrics: DaemonMetrics
  stop(): Promise<void>
}

/**
 * Starts metrics for a daemon. The endpoint failing to bind (address in use) is
 * logged and leaves the daemon running: monitoring never takes a node down.
 */
export async function startMonitoring(source: MetricsSource, logger: Logger): Promise<Monitoring> {
  const metrics = new DaemonMetrics(source)
  const untap = logger.tap(metrics.tap)
  // HACTL_METRICS_ADDRESS overrides cluster.json for one daemon (tests, benchmarks, a node with its own address).
  const address = parseListenAddress(process.env.HACTL_METRICS_ADDRESS || source.bootstrap.metrics?.address || DEFAULT_METRICS_ADDRESS)
  let server: MetricsServer | undefined
  if (typeof address === 'object' && 'error' in address) logger.log('warning', 'metrics-not-served', {error: address.error})
  else if (address !== 'off') {
    const candidate = new MetricsServer({...address, render: () => metrics.render(), logger})
    try {
      await candidate.start()
      server = candidate
      logger.log('info', 'metrics-listening', {address: `${address.host.includes(':') ? `[${address.host}]` : address.host}:${candidate.port}`})
    } catch (error) {
      logger.log('warning', 'metrics-not-served', {host: address.host, port: address.port, error: String((error as Error).message)})
    }
  }
  return {
    metrics,
    async stop() {
      untap()
      await server?.stop()
    },
  }
}
