// The answers a writer can get, as one-line sentences an operator can act on.
import {ConfigError} from '../config/errors.js'
import {expectedVotes, sumVotes} from './position.js'
import type {View, WriteError} from './types.js'

export function noQuorum(view: View | undefined): WriteError {
  if (view === undefined) {
    return {code: 'no-quorum', outcome: 'not-applied', message: 'this node has not joined a cluster view yet; writes are refused (reads work)'}
  }
  const votes = sumVotes(view, view.members)
  const expected = expectedVotes(view)
  const why = view.quorate
    ? `a change must be persisted by more than half of the ${expected} expected votes and this partition holds ${votes}`
    : `this partition has no quorum (${votes} of ${expected} votes)`
  return {code: 'no-quorum', outcome: 'not-applied', message: `${why}; writes are refused (reads work)`}
}

export function epochMismatch(actual: number, wanted: number): WriteError {
  return {
    code: 'epoch-mismatch', outcome: 'not-applied',
    message: `the configuration is at epoch ${actual}, not ${wanted} (--if-epoch): it changed meanwhile; review it and retry`,
  }
}

export function fromEditError(error: unknown): WriteError {
  if (error instanceof ConfigError) return {code: 'invalid-config', outcome: 'not-applied', message: error.message, reason: error.code}
  return {code: 'internal-error', outcome: 'not-applied', message: `the edit could not be applied: ${String(error)}`}
}

export function busy(limit: number): WriteError {
  return {code: 'busy', outcome: 'not-applied', message: `the DC already holds ${limit} pending writes; retry shortly`}
}

/** The DC changed before the write was confirmed: it may or may not be in the configuration. */
export function dcChanged(epoch: number): WriteError {
  return {
    code: 'dc-changed', outcome: 'unknown',
    message: `the cluster membership changed before the change was confirmed; it may or may not have been applied: check the configuration (last seen epoch ${epoch})`,
  }
}

/** The DC changed before the write was looked at: safe to retry. */
export function dcChangedBeforeApplied(): WriteError {
  return {code: 'dc-changed', outcome: 'not-applied', message: 'the cluster membership changed before the change was applied; nothing was changed, retry'}
}

export function timedOut(epoch: number): WriteError {
  return {
    code: 'timeout', outcome: 'unknown',
    message: `the DC did not answer in time; the change may or may not have been applied: check the configuration (last seen epoch ${epoch})`,
  }
}
