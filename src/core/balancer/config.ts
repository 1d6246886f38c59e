/** Semantic checks of balancer resources in the resource configuration. */
import type {ResourceConfig} from '../config/types.js'
import {show} from '../config/errors.js'
import {BALANCER_AGENT} from './index.js'

/** A string explaining the first problem, or undefined. */
export function balancerProblem(config: ResourceConfig): string | undefined {
  for (const [i, r] of config.resources.entries()) {
    if (r.agent !== BALANCER_AGENT) continue
    const clone = r.params.clone
    if (clone === undefined || clone === '') return `resources[${i}] (balancer ${show(r.id)}) has no clone parameter: the clone whose instances are its backends`
    if (!config.clones.some((c) => c.id === clone)) return `resources[${i}] (balancer ${show(r.id)}): clone ${show(clone)} does not exist`
    if (config.clones.some((c) => c.child === r.id) || config.groups.some((g) => g.members.includes(r.id) && config.clones.some((c) => c.child === g.id))) {
      return `resources[${i}] (balancer ${show(r.id)}) cannot be cloned: one balancer runs where its VIP runs`
    }
  }
  return undefined
}
