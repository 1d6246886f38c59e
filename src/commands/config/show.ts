import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {configFlags} from '../../cli/flags.js'
import type {ResourceConfig} from '../../core/config/types.js'

export default class ConfigShow extends HactlCommand<ResourceConfig> {
  static override summary = 'Show the resource configuration.'
  static override examples = ['<%= config.bin %> <%= command.id %> -f cluster-config.json', '<%= config.bin %> <%= command.id %> --json']
  static override flags = {...configFlags}

  async run(): Promise<ResourceConfig> {
    const {flags} = await this.parse(ConfigShow)
    const config = await readTarget(flags)
    this.say(JSON.stringify(config, null, 2))
    return config
  }
}
