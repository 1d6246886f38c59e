import {DefaultsCommand, type DefaultsResult} from '../../cli/defaults-command.js'

export default class ResourceDefaults extends DefaultsCommand {
  static override summary = 'List or set resource defaults (Pacemaker\'s rsc_defaults): meta attributes every resource has unless it sets its own (KEY= removes).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> resource-stickiness=100 migration-threshold=3', '<%= config.bin %> <%= command.id %> migration-threshold=']

  static override strict = false

  async run(): Promise<DefaultsResult> {
    const {argv, flags} = await this.parse(ResourceDefaults)
    return this.defaults('resource', argv as string[], flags)
  }
}
