import {Flags} from '@oclif/core'
import {balancerEdit} from '../../../cli/balancer-add.js'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {resourceNameArg} from '../../../cli/resource-add.js'

export default class ResourceAddBalancer extends EditCommand {
  static override summary = 'Add a load balancer on a new VIP in front of a clone (ocf:hactl:vip + ocf:hactl:balancer, nftables).'
  static override description = `Creates, in one change, the group NAME-group of a VIP (NAME-vip) and the balancer NAME: VIP:PORT is forwarded to TARGET-PORT of every node where an instance of CLONE runs and is not failed. The DC keeps the balancer's backend set up to date (a reload with the new set when an instance starts, stops, fails or its node leaves). --check adds health checks run on the balancer's node: a backend that fails FALL checks in a row is taken out, and put back after RISE successes. See man hactl-agents.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> web --vip 10.0.0.100/24 --port 80 --to web-clone --target-port 8080',
    '<%= config.bin %> <%= command.id %> api --vip 10.0.0.101 --port 443 --to api-clone --method source-hash --check tcp',
    '<%= config.bin %> <%= command.id %> app --vip 10.0.0.102 --port 80 --to app-clone --weight n1=3 --weight n2=1 --check http:/health=200 --check-interval 500 --rise 2 --fall 2',
  ]

  static override args = {name: resourceNameArg}
  static override flags = {
    vip: Flags.string({summary: 'The virtual IPv4 address, ADDR[/PREFIX].', required: true}),
    port: Flags.string({summary: 'The balanced TCP port on the VIP (1..65535).', required: true}),
    to: Flags.string({summary: 'The clone whose instances are the backends.', required: true}),
    'target-port': Flags.string({summary: 'The backends\' port (default: --port).'}),
    method: Flags.string({summary: 'rr (default), weighted, source-hash or random.'}),
    weight: Flags.string({summary: 'NODE=WEIGHT (1..100) for --method weighted (repeatable; others weigh 1).', multiple: true}),
    check: Flags.string({summary: 'Health check: tcp, or http:PATH[=CODE] (default code 200).'}),
    'check-interval': Flags.string({summary: 'Milliseconds between checks of a backend (default 1000).'}),
    'check-timeout': Flags.string({summary: 'Milliseconds a check may take (default 500).'}),
    rise: Flags.string({summary: 'Successful checks in a row that put a backend back (default 2).'}),
    fall: Flags.string({summary: 'Failed checks in a row that take a backend out (default 2).'}),
    nic: Flags.string({summary: 'Interface of the VIP; found from the subnet when omitted.'}),
    meta: Flags.string({summary: 'Meta attribute KEY=VALUE of the balancer (repeatable).', multiple: true}),
    op: Flags.string({summary: 'Operation of the balancer, e.g. "monitor interval=5s timeout=20s" (repeatable).', multiple: true}),
    disabled: Flags.boolean({summary: 'Add both stopped (target-role=Stopped).'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceAddBalancer)
    const {edit, vipId, groupId} = balancerEdit(args.name, flags)
    return this.applyChange(flags, edit, `added balancer ${args.name} (${flags.vip}:${flags.port} -> ${flags.to}) with vip ${vipId} in group ${groupId}`)
  }
}
