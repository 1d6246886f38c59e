// The daemon's edges, as interfaces: the peer transport, the clock, the store and
// the resource executor. The daemon wires the real ones (PeerNetwork, the
// process's monotonic clock, StateStore, the LRM over the agent executor);
// in-memory.ts has versions without I/O for tests and the whole-cluster simulator.
// Results come back through callbacks, not promises, so that a simulator running
// on one synchronous agenda sees them at the simulated instant they happen.
import type {NodeReport} from '../core/orchestration/types.js'
import type {Action} from '../core/policy/actions.js'
import type {ResourceConfig} from '../core/config/types.js'

export type {MonotonicClock} from './clock.js'

/** Authenticated, ordered, lossy-on-reset links to the other daemons (PeerNetwork). */
export interface PeerTransport {
  send(to: number, message: unknown): void
  /** Drop the connection to a peer that left or came back (its queue dies with it). */
  reset(peer: number): void
  onMessage(handler: (from: number, message: unknown) => void): void
}

/** The durable replicated record and the promised term (StateStore, SyncValueFile). */
export interface RecordStore<T> {
  load(): Promise<T | undefined>
  /** Resolves once the record is durable (fsync); rejects when it could not be made so. */
  save(record: T): Promise<void>
  readTerm(): number | undefined
  /** Synchronous and durable before it returns (a promise to a DC). */
  writeTerm(term: number): void
}

/** The node's resources (the LRM over the agents): runs what the controller asks. */
export interface ResourceExecutor {
  setConfig(config: ResourceConfig): void
  /** A dispatched action: whether it succeeded and what changed in the report. */
  execute(action: Action, done: (ok: boolean, resources: NodeReport) => void): void
  /** Waits for running actions, probes what is new; the full report and the epoch probed against. */
  fullReport(done: (epoch: number, resources: NodeReport) => void): void
  cleanup(resource: string, done: () => void): void
  /** Stops everything active here; `active`: what is still active afterwards (a stop failed). */
  stopAll(reason: string, done: (active: string[]) => void): void
  snapshot(): NodeReport
  /** A monitor found an instance failed: the changed instances. */
  onChange(handler: (update: NodeReport) => void): void
}
