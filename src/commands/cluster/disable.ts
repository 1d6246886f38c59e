import {BootCommand} from '../../cli/boot-command.js'

export default class ClusterDisable extends BootCommand {
  static override summary = 'Do not start the cluster daemon at boot on this node (pcs cluster disable): systemctl disable hactl.service.'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override strict = false
  protected readonly enable = false
}
