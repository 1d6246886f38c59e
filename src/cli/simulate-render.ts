import type {ResourceConfig} from '../core/config/types.js'

// Placeholder until the policy engine lands (src/core/policy); replaced by its renderer.
export function renderSimulation(_before: ResourceConfig, _after: ResourceConfig): string {
  return 'Transition Summary: (the policy engine is not available yet)'
}
