export {describeCause, initialGuard, LEASE_MS_MAX, LEASE_MS_MIN, nextDeadline, stepGuard, type GuardEvent, type GuardOutput, type GuardState, type HeldAddress, type HeldInstance, type StopCommand, type TripCause} from './lease.js'
export {guardLeaseMs, parseGuardMessage, type DaemonToGuard, type GuardToDaemon, type TripReport, GUARD_LINE_BYTES_MAX} from './protocol.js'
export {ADDRESS_AGENTS, ADDRESS_DROP_BUDGET_MS, isGuardedAddress} from './budget.js'
