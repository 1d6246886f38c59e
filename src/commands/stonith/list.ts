import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {deviceView, isFenceAgent, type DeviceView} from '../../cli/fence-devices.js'
import {configFlags} from '../../cli/flags.js'

export default class StonithList extends HactlCommand<DeviceView[]> {
  static override summary = 'List the fence devices and the nodes each fences (secrets shown as ***).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override aliases = ['stonith config', 'stonith status']
  static override flags = {...configFlags}

  async run(): Promise<DeviceView[]> {
    const {flags} = await this.parse(this.ctor as typeof StonithList)
    const config = await readTarget(flags)
    const devices = config.resources.filter((r) => isFenceAgent(r.agent)).map(deviceView)
    if (devices.length === 0) this.say('NO fence devices configured')
    for (const d of devices) this.say(`  * ${d.id}\t(${d.agent}):\t fences ${d.hosts?.join(' ') ?? 'any node'}${d.disabled ? ' (disabled)' : ''}`)
    return devices
  }
}
