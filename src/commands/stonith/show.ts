import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {deviceView, requireDevice, type DeviceView} from '../../cli/fence-devices.js'
import {configFlags} from '../../cli/flags.js'

export default class StonithShow extends HactlCommand<DeviceView> {
  static override summary = 'Show a fence device: agent, nodes it fences, parameters (secrets shown as ***).'
  static override examples = ['<%= config.bin %> <%= command.id %> ipmi-n1']
  static override args = {name: Args.string({name: 'NAME', required: true, description: 'Fence device id.'})}
  static override flags = {...configFlags}

  async run(): Promise<DeviceView> {
    const {args, flags} = await this.parse(StonithShow)
    const device = deviceView(requireDevice(await readTarget(flags), args.name))
    this.say(`Fence device: ${device.id} (${device.agent})${device.disabled ? ' (disabled)' : ''}`)
    this.say(`  Fences: ${device.hosts?.join(' ') ?? 'any node'}`)
    this.say(`  Parameters: ${Object.entries(device.params).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`)
    return device
  }
}
