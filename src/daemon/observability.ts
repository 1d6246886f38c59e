// Observability of one daemon (issue 13): Prometheus metrics, alert agents and the
// DC's transition history. All three read the daemon through ObservedDaemon and
// its log (a Logger tap), so the daemon itself carries only a handful of hooks.
import type {PlanInput} from '../core/history/index.js'
import type {Action} from '../core/policy/actions.js'
import {AlertDispatcher} from './alerts/index.js'
import {HistoryStore} from './history-store.js'
import type {Logger} from './logger.js'
import {startMonitoring, type MetricsSource} from './metrics/index.js'

export interface ObservedDaemon extends MetricsSource {
  readonly stateDir: string
  /** On the active DC: the policy engine's input as the orchestrator holds it, and the transition under way. */
  planInput(): (PlanInput & {transition?: {id: number, actions: Action[]}}) | undefined
  /** Sends to the named peers, or to every other member of the view (undefined): the history's replication. */
  send?(to: string[] | undefined, message: {v: 1, ch: 'obs', m: unknown}): void
  /** On the active DC: the transient attributes of every node that is up (undefined elsewhere). */
  transientAttributes?(): Record<string, Record<string, string>> | undefined
}

export interface Observability {
  /** A peer message on the 'obs' channel (the DC's transition records). */
  receive(from: string, message: unknown): void
  stop(): Promise<void>
}

export async function startObservability(observed: ObservedDaemon, logger: Logger): Promise<Observability> {
  const parts: Array<{stop(): Promise<void>}> = []
  // Within one logged event, the taps (metrics, alerts, history) share one status and
  // one plan input: each walks every resource, which counts on a big cluster. The memo
  // is new for every event (this tap runs first) and gone a microtask later, so
  // nothing outside an event's taps (a scrape) sees it.
  let memo: {status?: ReturnType<ObservedDaemon['status']>, plan?: ReturnType<ObservedDaemon['planInput']>, planned?: boolean} | undefined
  let clearing = false
  const untapMemo = logger.tap(() => {
    memo = {}
    if (clearing) return
    clearing = true
    queueMicrotask(() => {
      memo = undefined
      clearing = false
    })
  })
  const daemon: ObservedDaemon = {
    ...observed,
    status: () => memo ? (memo.status ??= observed.status()) : observed.status(),
    planInput: () => {
      if (!memo) return observed.planInput()
      if (!memo.planned) {
        memo.plan = observed.planInput()
        memo.planned = true
      }
      return memo.plan
    },
  }
  daemon.lostNodes = () => {
    const nodes = daemon.planInput()?.state.nodes
    return nodes ? Object.fromEntries(Object.entries(nodes).map(([name, n]) => [name, n.lostAtMs])) : undefined
  }
  parts.push({stop: async () => untapMemo()})
  parts.push(await startMonitoring(daemon, logger))
  const alerts = new AlertDispatcher({
    nodeName: daemon.nodeName, stateDir: daemon.stateDir, config: () => daemon.config(), now: () => daemon.now(),
    nodeIds: new Map(daemon.bootstrap.nodes.map((n) => [n.name, n.id])), viewId: () => daemon.membership()?.view.viewId ?? 0,
    failures: () => daemon.status().failures,
    priorFailures: () => [...(daemon.lastDcStatus()?.failures ?? []), ...daemon.status().failures],
    // Configured (hactl node attribute) and transient attributes, of the nodes up, as the DC sees them.
    nodeAttributes: () => {
      const transient = observed.transientAttributes?.()
      if (!transient) return undefined
      const declared = daemon.config()?.nodes ?? []
      return Object.fromEntries(Object.entries(transient).map(([node, attrs]) => [node, {...declared.find((d) => d.name === node)?.attributes, ...attrs}]))
    },
  }, logger)
  await alerts.load()
  const untapAlerts = logger.tap(alerts.tap)
  parts.push({stop: async () => { untapAlerts(); await alerts.stop() }})
  const send = observed.send
  const history = new HistoryStore({
    nodeName: daemon.nodeName, stateDir: daemon.stateDir, now: () => daemon.now(), planInput: () => daemon.planInput(),
    send: send && ((to, m) => send(to, {v: 1, ch: 'obs', m})),
  }, logger)
  await history.load()
  const untapHistory = logger.tap(history.tap)
  parts.push({stop: async () => { untapHistory(); await history.stop() }})
  return {
    receive(from, message) {
      const m = (message as {m?: unknown} | null)?.m
      if ((m as {t?: unknown} | null)?.t === 'history') history.receive(from, m)
      else logger.log('warning', 'obs-message-dropped', {from, reason: 'unknown-type'})
    },
    async stop() {
      for (const part of parts.reverse()) await part.stop().catch(() => undefined)
    },
  }
}
