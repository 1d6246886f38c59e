import type {ResourceConfig} from '../core/config/types.js'
import {renderResult, schedule, stateOf} from '../core/policy/index.js'
import {humanizeTimes} from './human-time.js'

/**
 * The text of `--simulate` on a configuration command: the transition the
 * change would cause, from the state saved in `before.status` (or the default
 * state: every node online, nothing running), with the changed configuration.
 */
export function renderSimulation(before: ResourceConfig, after: ResourceConfig): string {
  const state = stateOf(before)
  const now = schedule(before, state)
  // The cluster is assumed to have converged on the old configuration first.
  return humanizeTimes(renderResult(schedule(after, now.nextState)), now.nextState.nowMs)
}
