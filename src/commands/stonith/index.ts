import StonithList from './list.js'

/** `hactl stonith` alone lists the fence devices, as `pcs stonith` does. */
export default class Stonith extends StonithList {
  static override summary = 'List fence devices (as pcs stonith; the same as hactl stonith list). Subcommands: create, update, remove, show, history, list.'
  static override aliases = []
  static override flags = StonithList.flags
  static override examples = ['<%= config.bin %> <%= command.id %>']
}
