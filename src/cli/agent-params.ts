import type {NameValues} from '../core/config/types.js'

/**
 * Checks parameters against the agent's meta-data when the agent is installed
 * here. Filled in by the agents module; until then, every parameter is accepted.
 */
export async function checkAgentParams(_agent: string, _params: NameValues): Promise<void> {}
