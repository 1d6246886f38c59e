import {BootCommand} from '../../cli/boot-command.js'

export default class ClusterEnable extends BootCommand {
  static override summary = 'Start the cluster daemon at boot on this node (pcs cluster enable): systemctl enable hactl.service.'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override strict = false
  protected readonly enable = true
}
