import {DefaultsCommand, type DefaultsResult} from '../../../cli/defaults-command.js'

export default class ResourceOpDefaults extends DefaultsCommand {
  static override summary = 'List or set operation defaults (Pacemaker\'s op_defaults): timeout and on-fail of operations that set none (KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> timeout=240s', '<%= config.bin %> <%= command.id %> on-fail=']

  static override strict = false

  async run(): Promise<DefaultsResult> {
    const {argv, flags} = await this.parse(ResourceOpDefaults)
    return this.defaults('operation', argv as string[], flags)
  }
}
