import ConstraintList from './list.js'

/** `hactl constraint` alone lists the constraints, as `pcs constraint` does. */
export default class Constraint extends ConstraintList {
  static override summary = 'List constraints (as pcs constraint; the same as hactl constraint list). Subcommands: location, colocation add|remove, order, ref, remove, list.'
  static override aliases = []
  static override flags = ConstraintList.flags
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --full']
}
