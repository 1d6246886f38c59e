import {Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {table} from '../../cli/describe-config.js'
import {configFlags} from '../../cli/flags.js'
import {PROPERTIES} from '../../core/config/defaults.js'

export interface PropertyEntry {name: string, value: string, default: string, set: boolean}

export default class PropertyList extends HactlCommand<PropertyEntry[]> {
  static override summary = 'List the cluster properties that are set, or all with --all.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all --json']
  static override aliases = ['property config', 'property show']
  static override flags = {...configFlags, all: Flags.boolean({summary: 'Also list properties at their default.'})}

  async run(): Promise<PropertyEntry[]> {
    const {flags} = await this.parse(this.ctor as typeof PropertyList)
    const {properties} = await readTarget(flags)
    const entries = Object.entries(PROPERTIES)
      .map(([name, spec]) => ({name, value: properties[name] ?? spec.default, default: spec.default, set: name in properties}))
      .filter((e) => flags.all || e.set)
    if (entries.length === 0) this.say('no properties set (all at their defaults; see --all)')
    else this.say(table(['NAME', 'VALUE', 'DEFAULT'], entries.map((e) => [e.name, e.value, e.default])))
    return entries
  }
}
