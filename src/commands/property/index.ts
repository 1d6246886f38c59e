import PropertyList from './list.js'

/** `hactl property` alone lists the properties, as `pcs property` does. */
export default class Property extends PropertyList {
  static override summary = 'List cluster properties (as pcs property; the same as hactl property list). Subcommands: set, unset, list.'
  static override aliases = []
  static override flags = PropertyList.flags
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --all']
}
