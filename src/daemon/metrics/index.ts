// Monitoring of one daemon: the metrics (registry.ts) fed by a Logger tap, and
// their HTTP endpoint (server.ts) on cluster.json's metrics.address. With the
// address "off", neither prom-client nor the tap is loaded.
import {DEFAULT_METRICS_ADDRESS, parseListenAddress} from '../../core/metrics/address.js'
import type {Logger} from '../logger.js'
import type {DaemonMetrics, MetricsSource} from './registry.js'

export type {DaemonMetrics, MetricsSource} from './registry.js'

export interface Monitoring {
  metrics: DaemonMetrics | undefined
  stop(): Promise<void>
}

/**
 * Starts metrics for a daemon. The endpoint failing to bind (address in use) is
 * logged and leaves the daemon running: monitoring never takes a node down.
 */
export async function startMonitoring(source: MetricsSource, logger: Logger): Promise<Monitoring> {
  // HACTL_METRICS_ADDRESS overrides cluster.json for one daemon (tests, benchmarks, a node with its own address).
  const address = parseListenAddress(process.env.HACTL_METRICS_ADDRESS || source.bootstrap.metrics?.address || DEFAULT_METRICS_ADDRESS)
  if (typeof address === 'object' && 'error' in address) {
    logger.log('warning', 'metrics-not-served', {error: address.error})
    return {metrics: undefined, stop: async () => undefined}
  }
  if (address === 'off') return {metrics: undefined, stop: async () => undefined}
  const [{DaemonMetrics}, {MetricsServer}] = await Promise.all([import('./registry.js'), import('./server.js')])
  const metrics = new DaemonMetrics(source)
  const untap = logger.tap(metrics.tap)
  let server: InstanceType<typeof MetricsServer> | undefined
  const candidate = new MetricsServer({...address, render: () => metrics.render(), logger})
  try {
    await candidate.start()
    server = candidate
    logger.log('info', 'metrics-listening', {address: `${address.host.includes(':') ? `[${address.host}]` : address.host}:${candidate.port}`})
  } catch (error) {
    logger.log('warning', 'metrics-not-served', {host: address.host, port: address.port, error: String((error as Error).message)})
  }
  return {
    metrics,
    async stop() {
      untap()
      await server?.stop()
    },
  }
}
