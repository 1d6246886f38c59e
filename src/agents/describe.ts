// What an agent offers: its meta-data (run through the executor like any
// action) and checks of a resource's parameters against it.

import {inputError} from '../cli/errors.js'
import {Executor, type ExecutorOptions} from './executor.js'
import {AgentNameError, defaultLocations, isExecutableFile, listAgents as listIn, parseAgentId, resolveAgent, type AgentListing, type AgentLocations} from './lookup.js'
import {checkParams, parseMetadata, type AgentMetadata} from './metadata.js'

export interface DescribeOptions {
  locations?: Partial<AgentLocations>
  /** Executor to run meta-data with; a private one by default. */
  executor?: Executor
  executorOptions?: ExecutorOptions
  timeoutMs?: number
}

export class AgentNotFoundError extends Error {
  constructor(readonly agent: string, readonly program: string) {
    super(`agent ${agent} is not installed (no executable ${program})`)
    this.name = 'AgentNotFoundError'
  }
}

export class MetadataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MetadataError'
  }
}

/** LSB scripts have no meta-data: they take no parameters and know start, stop and status. */
function lsbMetadata(name: string): AgentMetadata {
  return {
    name,
    shortdesc: `LSB init script /etc/init.d/${name}`,
    longdesc: 'An init script run with start, stop and status; LSB status codes are mapped to OCF results.',
    parameters: [],
    actions: ['start', 'stop', 'monitor', 'restart'].map((a) => ({name: a, timeout: '15s'})),
  }
}

/** Parses the agent's meta-data. Throws AgentNameError, AgentNotFoundError or MetadataError. */
export async function describeAgent(agentId: string, options: DescribeOptions = {}): Promise<AgentMetadata> {
  const locations = {...defaultLocations(), ...options.locations}
  const agent = resolveAgent(agentId, locations)
  if (!(await isExecutableFile(agent.program))) throw new AgentNotFoundError(agent.id, agent.program)
  if (agent.spec.class === 'lsb') return lsbMetadata(agent.spec.type)
  const executor = options.executor ?? new Executor({...options.executorOptions, locations})
  const result = await executor.run({resource: `meta-data-${agent.spec.type}`, agent: agent.id, action: 'meta-data', timeoutMs: options.timeoutMs ?? 5000})
  if (result.status !== 'done' || result.ocfCode !== 0) {
    throw new MetadataError(`meta-data of ${agent.id} failed: ${result.reason ?? result.status}`)
  }
  let metadata: AgentMetadata
  try {
    metadata = parseMetadata(result.stdout)
  } catch (error) {
    throw new MetadataError(`meta-data of ${agent.id} is not valid OCF XML: ${(error as Error).message}`)
  }
  if (agent.spec.class === 'systemd') {
    // systemd:UNIT fixes the unit; the other service parameters stay available.
    return {...metadata, name: agent.id, parameters: metadata.parameters.filter((p) => !Object.hasOwn(agent.impliedParams, p.name))}
  }
  return metadata
}

/**
 * For `hactl resource add agent NAME AGENT key=value…`: throws an input error
 * (exit 2, one line) for an unknown agent, an unknown parameter or a missing
 * required one, listing the valid parameters. With ifInstalled, an agent
 * not installed on this machine is accepted unchecked (returns undefined).
 */
export async function validateAgentParams(agentId: string, params: Record<string, string>, options: DescribeOptions & {ifInstalled?: boolean} = {}): Promise<AgentMetadata | undefined> {
  let metadata: AgentMetadata
  try {
    parseAgentId(agentId)
    metadata = await describeAgent(agentId, options)
  } catch (error) {
    // Offline edits (-f) may name an agent installed only on the cluster's nodes.
    if (error instanceof AgentNotFoundError && options.ifInstalled) return undefined
    if (error instanceof AgentNameError || error instanceof AgentNotFoundError || error instanceof MetadataError) {
      throw inputError(error.message, error instanceof AgentNameError ? 'invalid-agent' : 'agent-unavailable')
    }
    throw error
  }
  const problem = checkParams(agentId, metadata, params)
  if (problem) throw inputError(problem, 'invalid-agent-parameter')
  return metadata
}

export async function listAgents(locations: Partial<AgentLocations> = {}): Promise<AgentListing[]> {
  return listIn({...defaultLocations(), ...locations})
}
