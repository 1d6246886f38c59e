import {Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {describeConstraint, table} from '../../cli/describe-config.js'
import {configFlags} from '../../cli/flags.js'
import type {Constraint} from '../../core/config/types.js'

export default class ConstraintList extends HactlCommand<Constraint[]> {
  static override summary = 'List constraints (cli-prefer/cli-ban ones come from resource move/ban).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> -f cluster-config.json <%= command.id %> --json']
  static override aliases = ['constraint config', 'constraint show']
  static override flags = {...configFlags, full: Flags.boolean({summary: 'pcs\'s --full: ids are always shown.', hidden: true})}

  async run(): Promise<Constraint[]> {
    const {flags} = await this.parse(this.ctor as typeof ConstraintList)
    const {constraints} = await readTarget(flags)
    if (constraints.length === 0) this.say('no constraints')
    else this.say(table(['ID', 'TYPE', 'CONSTRAINT'], constraints.map((c) => [c.id, c.type, describeConstraint(c)])))
    return constraints
  }
}
