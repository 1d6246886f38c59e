import {Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {requireIp} from '../../../cli/parse.js'
import {buildAddEdit, resourceAddFlags, resourceNameArg} from '../../../cli/resource-add.js'

export default class ResourceAddVip extends EditCommand {
  static override summary = 'Add a virtual IP address (ocf:hactl:vip, IPaddr2\'s parameters).'
  static override description = 'The address is added to one node\'s interface at a time and announced with gratuitous ARP when it moves.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip --ip 192.0.2.10 --cidr 24',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> db-ip --ip 10.0.0.50 --cidr 24 --nic eth0 --group db',
  ]

  static override args = {name: resourceNameArg}
  static override flags = {
    ip: Flags.string({summary: 'The virtual IPv4 or IPv6 address.', required: true}),
    cidr: Flags.integer({summary: 'Prefix length (cidr_netmask); found from the interface\'s subnet when omitted.', min: 0, max: 128}),
    nic: Flags.string({summary: 'Interface to add the address to; found from the subnet when omitted.'}),
    ...resourceAddFlags,
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceAddVip)
    requireIp(flags.ip, '--ip')
    if (flags.cidr !== undefined && !flags.ip.includes(':') && flags.cidr > 32) throw inputError(`--cidr ${flags.cidr} is too long for the IPv4 address ${flags.ip}`)
    if (flags.nic !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(flags.nic)) throw inputError(`--nic ${JSON.stringify(flags.nic)} is not an interface name`)
    const params: Record<string, string> = {ip: flags.ip}
    if (flags.cidr !== undefined) params.cidr_netmask = String(flags.cidr)
    if (flags.nic !== undefined) params.nic = flags.nic
    return this.applyChange(flags, buildAddEdit(args.name, 'ocf:hactl:vip', params, flags), `added vip ${args.name} (${flags.ip})`)
  }
}
