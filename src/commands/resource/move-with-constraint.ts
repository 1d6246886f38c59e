import ResourceMove from './move.js'

/** pcs 0.11's name for a move that leaves its cli-prefer constraint in place (hactl resource move --keep-constraint). */
export default class ResourceMoveWithConstraint extends ResourceMove {
  static override summary = 'Move a resource to a node and keep the cli-prefer constraint (pcs resource move-with-constraint; resource move --keep-constraint).'
  static override description = 'The resource stays pinned to NODE until \'hactl resource clear NAME\', or until its lifetime=DURATION (ISO 8601, e.g. PT1H) passes.'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip n2']
  static override args = ResourceMove.args
  static override flags = ResourceMove.flags
  // Statics are read as own properties (oclif spreads the class): repeat what the move takes.
  static override strict = ResourceMove.strict
  protected override alwaysKeepConstraint = true
}
