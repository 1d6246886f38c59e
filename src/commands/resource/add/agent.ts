import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {parsePairs} from '../../../cli/parse.js'
import {cloneAddEdit, parsePcsWords} from '../../../cli/pcs-words.js'
import {buildAddEdit, resourceAddFlags, resourceNameArg} from '../../../cli/resource-add.js'
import type {ConfigEdit} from '../../../core/config/edits.js'

const AGENT = /^(ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+|lsb:[A-Za-z0-9_.@-]+|systemd:[A-Za-z0-9_.@:\\-]+|fence:[A-Za-z0-9_.-]+)$/

export default class ResourceAddAgent extends EditCommand {
  static override summary = 'Add a resource run by any agent: ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT; or a fence device, fence:AGENT.'
  static override description = `The agent must be installed on this node, and parameters and operations are checked against its meta-data (as pcs does); --force accepts them unchecked, e.g. for an agent installed on the cluster's nodes only.
pcs's positional form works too (hactl resource create is the same command): after the parameters, "op ACTION KEY=VALUE... [ACTION KEY=VALUE...]" adds operations as --op does, "meta KEY=VALUE..." meta attributes as --meta does, and a final "clone [CLONE_ID] [KEY=VALUE...]" or "promotable [CLONE_ID] [KEY=VALUE...]" clones the new resource in the same change (not with --group, as pcs).
A fence device (fence:fence_ipmilan, fence:fence_virsh, …) is not placed on a node: the DC runs its agent, with Pacemaker's stdin protocol, to fence a node that left uncleanly when stonith-enabled=true. pcmk_host_list=NODE,... limits the nodes it fences; the agent is looked up in HACTL_FENCE_PATH, /usr/sbin and /usr/local/sbin.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip ocf:heartbeat:IPaddr2 ip=192.0.2.10 cidr_netmask=24',
    '<%= config.bin %> <%= command.id %> cron systemd:cron',
    '<%= config.bin %> <%= command.id %> ipmi-n1 fence:fence_ipmilan ip=10.0.9.1 username=admin password=secret pcmk_host_list=n1',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> d1 ocf:hactl:dummy --op "monitor interval=5s"',
    '<%= config.bin %> resource create web-ip ocf:heartbeat:IPaddr2 ip=192.0.2.10 cidr_netmask=24 op monitor interval=5s timeout=20s meta resource-stickiness=100',
    '<%= config.bin %> resource create ping ocf:pacemaker:ping host_list=192.0.2.1 clone',
  ]

  static override aliases = ['resource create']

  static override strict = false
  static override args = {
    name: resourceNameArg,
    agent: Args.string({name: 'AGENT', required: true, description: 'ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT.'}),
  }

  static override flags = {...resourceAddFlags}

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ResourceAddAgent)
    if (!AGENT.test(args.agent)) throw inputError(`agent ${JSON.stringify(args.agent)} is not ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT or fence:AGENT`)
    const words = parsePcsWords((argv as string[]).slice(2), 'usage: resource create NAME AGENT [KEY=VALUE...] [op ACTION KEY=VALUE...] [meta KEY=VALUE...] [clone|promotable [CLONE_ID] [meta KEY=VALUE...]]')
    const params = parsePairs(words.params, 'parameter')
    flags.op = [...flags.op ?? [], ...words.ops]
    flags.meta = [...flags.meta ?? [], ...words.meta]
    if (words.clone !== undefined) {
      const kind = words.clone.promotable ? 'promotable' : 'clone'
      if (flags.group !== undefined) throw inputError(`${kind} and --group ${flags.group} together: a resource is either cloned or in a group (clone the group instead: hactl resource clone ${flags.group})`)
      if (args.agent.startsWith('fence:')) throw inputError(`${kind}: a fence device is not cloned (the DC runs it)`)
    }
    if (!args.agent.startsWith('fence:')) {
      const {checkAgentParams} = await import('../../../cli/agent-params.js')
      const {parseOperation} = await import('../../../cli/parse.js')
      await checkAgentParams(args.agent, params, {force: flags.force, operations: (flags.op ?? []).map(parseOperation)})
    }
    // A fence device is not monitored on a node: no default operations.
    if (args.agent.startsWith('fence:')) return this.applyChange(flags, buildAddEdit(args.name, args.agent, params, flags, []), `added fence device ${args.name}`)
    const add = buildAddEdit(args.name, args.agent, params, flags)
    if (words.clone === undefined) return this.applyChange(flags, add, `added ${args.agent} resource ${args.name}`)
    const {id, edit: clone} = cloneAddEdit(args.name, words.clone)
    const edit: ConfigEdit = {op: 'batch', edits: [add, clone]}
    return this.applyChange(flags, edit, `added ${args.agent} resource ${args.name} and ${words.clone.promotable ? 'made it promotable' : 'cloned it'} as ${id}`)
  }
}
