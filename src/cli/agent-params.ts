import type {NameValues} from '../core/config/types.js'

/**
 * Checks parameters against the agent's meta-data when the agent is installed
 * on this node: an unknown or missing required parameter is an input error that
 * lists the valid ones. An agent installed only on the cluster's nodes (offline -f
 * edits on a workstation) is accepted as given.
 */
export async function checkAgentParams(agent: string, params: NameValues): Promise<void> {
  const {validateAgentParams} = await import('../agents/describe.js')
  await validateAgentParams(agent, params, {ifInstalled: true})
}
