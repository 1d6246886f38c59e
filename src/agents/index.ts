/**
 * src/agents — runs resource agents for one node, as Pacemaker's executor does.
 *
 * API for the daemon (all paths are overridable, so tests and several nodes share a machine):
 *
 *   const executor = new Executor({maxConcurrent?, killGraceMs?, outputLimitBytes?, locations?, wrapper?, env?, clock?, random?, jitterFraction?})
 *   executor.run(request: ActionRequest, signal?: AbortSignal): Promise<ActionResult>   // never rejects
 *       request = {resource, agent: 'ocf:hactl:vip' | 'ocf:heartbeat:IPaddr2' | 'lsb:NAME' | 'systemd:UNIT',
 *                  action, params?, meta?, timeoutMs, intervalMs?, checkLevel?}
 *       result  = {status: 'done'|'timeout'|'cancelled'|'error'|'not-installed',   // how the execution went
 *                  ocfCode: 0..9|190|191|null, ocfResult: 'ok'|'not-running'|…,   // what the agent answered
 *                  exitCode, signal, reason, stdout, stderr, *Truncated, startedAtMs, durationMs, queuedMs, …}
 *       Actions of one resource run one at a time in arrival order; at most maxConcurrent run on the node.
 *       Aborting the signal drops a queued action or kills a running one (status 'cancelled').
 *       A timeout sends SIGTERM to the agent's process group, SIGKILL after killGraceMs.
 *   executor.startRecurring(request with intervalMs > 0, onResult, {delayMs?}): key      // key = RESOURCE_ACTION_INTERVAL
 *   executor.stopRecurring(key): Promise<boolean>    executor.stopRecurringFor(resource): Promise<string[]>
 *   executor.close(): Promise<void>                   executor.load(): {running, waiting}
 *
 *   describeAgent(agentId, {locations?, executor?}): Promise<AgentMetadata>     // parsed OCF meta-data
 *   validateAgentParams(agentId, params, opts?): Promise<AgentMetadata>        // throws HactlError (exit 2), one line
 *   listAgents(locations?): Promise<AgentListing[]>                            // ocf:hactl:*, ocf:*:* under OCF_ROOT, lsb:*
 *   checkParams(agentId, metadata, params): string | null                       // the pure check behind validateAgentParams
 *
 * Agents get parameters only as OCF_RESKEY_<name> environment variables and run
 * through execa with an argv (never a shell), so no parameter value can become a command.
 */

export {Executor, exitReason, operationKey, type ActionRequest, type ActionResult, type ExecutorOptions} from './executor.js'
export {OCF, isOcfCode, ocfFromExit, ocfFromLsbExit, ocfName, type ExecStatus, type OcfCode} from './ocf-codes.js'
export {AgentNotFoundError, describeAgent, listAgents, MetadataError, validateAgentParams, type DescribeOptions} from './describe.js'
export {checkParams, parseMetadata, type AgentAction, type AgentMetadata, type AgentParameter} from './metadata.js'
export {AgentNameError, defaultLocations, formatAgentId, PACKAGE_ROOT, parseAgentId, resolveAgent, type AgentClass, type AgentListing, type AgentLocations, type AgentSpec} from './lookup.js'
export {systemClock, type Clock, type RandomSource} from './clock.js'
export {parseXml, XmlError, type XmlElement} from './xml.js'
