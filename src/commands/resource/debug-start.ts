import {DebugAgentCommand, debugArgs, debugFlags} from '../../cli/debug-agent.js'

export default class ResourceDebugStart extends DebugAgentCommand {
  static override summary = 'Run the agent\'s start once on this node with the configured parameters; show its output and result.'
  static override description = 'As pcs resource debug-start: the agent runs here, now, through the same executor as the daemon\'s (OCF_RESKEY_* parameters, HA_RSCTMP under the run directory); the cluster is not asked and sees the outcome at the next monitor. Exit 0 when the agent returned ok (0), 1 otherwise.'
  static override examples = ['<%= config.bin %> <%= command.id %> web']
  static override args = debugArgs
  static override flags = debugFlags
  protected readonly action = 'start' as const
}
