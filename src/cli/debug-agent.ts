import {Args} from '@oclif/core'
import {join} from 'node:path'
import {HactlCommand} from './base-command.js'
import {readTarget} from './config-target.js'
import {inputError} from './errors.js'
import {configFlags} from './flags.js'
import {isFenceAgent} from './fence-devices.js'

export interface DebugResult {
  resource: string
  agent: string
  action: string
  status: string
  ocfCode: number | null
  ocfResult: string
  exitCode: number | null
  reason: string | null
  stdout: string
  stderr: string
  durationMs: number
}

/**
 * `resource debug-start|debug-stop|debug-monitor R`: runs the agent's action once
 * on this node with the configured parameters, through src/agents' executor,
 * as the daemon would (HA_RSCTMP under the run directory), and shows what the
 * agent printed and returned (pcs resource debug-*, crm_resource --force-*).
 * The cluster is not told: it sees the result at its next monitor.
 */
export const debugArgs = {name: Args.string({name: 'NAME', required: true, description: 'Primitive resource id.'})}
export const debugFlags = {...configFlags}

export abstract class DebugAgentCommand extends HactlCommand<DebugResult> {

  protected abstract readonly action: 'start' | 'stop' | 'monitor'

  async run(): Promise<DebugResult> {
    const {args, flags} = await this.parse() as unknown as {args: {name: string}, flags: {file?: string, 'run-dir': string}}
    const config = await readTarget(flags)
    const resource = config.resources.find((r) => r.id === args.name)
    if (!resource) {
      const kind = config.groups.some((g) => g.id === args.name) ? 'a group' : config.clones.some((c) => c.id === args.name) ? 'a clone' : undefined
      throw inputError(kind ? `${args.name} is ${kind}: debug-${this.action} runs one primitive's agent; name a member` : `resource ${JSON.stringify(args.name)} does not exist`, 'not-found')
    }
    if (isFenceAgent(resource.agent)) throw inputError(`${args.name} is a fence device: its agent is run by the fencer, not as a resource ('hactl stonith show ${args.name}')`)
    const op = resource.operations.find((o) => o.name === this.action)
    const {parseDurationMs} = await import('../core/config/durations.js')
    const timeoutMs = (op?.timeout ? parseDurationMs(op.timeout) : undefined) ?? 20_000
    const {Executor} = await import('../agents/executor.js')
    const executor = new Executor({env: {HA_RSCTMP: join(flags['run-dir'], 'rsctmp')}})
    const result = await executor.run({resource: resource.id, agent: resource.agent, action: this.action, params: resource.params, meta: resource.meta, timeoutMs})
    const out: DebugResult = {
      resource: resource.id, agent: resource.agent, action: this.action, status: result.status, ocfCode: result.ocfCode, ocfResult: result.ocfResult,
      exitCode: result.exitCode, reason: result.reason, stdout: result.stdout, stderr: result.stderr, durationMs: result.durationMs,
    }
    const code = result.ocfCode === null ? result.status : `'${result.ocfResult}' (${result.ocfCode})`
    this.say(`Operation ${this.action} for ${resource.id} (${resource.agent}) returned: ${code}${result.reason ? `: ${result.reason}` : ''}`)
    for (const [name, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
      for (const line of text.split('\n').filter((l) => l !== '')) this.say(` >  ${name}: ${line}`)
    }
    if (!this.jsonEnabled() && flags.file === undefined) process.stderr.write(`note: the cluster was not asked; it sees the result at ${resource.id}'s next monitor ('hactl resource cleanup ${resource.id}' to re-probe now)\n`)
    if (result.ocfCode !== 0) {
      if (!this.jsonEnabled()) process.stderr.write(`hactl: ${this.action} of ${resource.id} returned ${code}\n`)
      process.exitCode = 1
    }
    return out
  }
}
