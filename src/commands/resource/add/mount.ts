import {Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {buildAddEdit, defaultOperations, resourceAddFlags, resourceNameArg} from '../../../cli/resource-add.js'

export default class ResourceAddMount extends EditCommand {
  static override summary = 'Add a filesystem mount (ocf:hactl:mount, Filesystem\'s parameters).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> data --device /dev/sdb1 --directory /srv/data --fstype ext4',
    '<%= config.bin %> <%= command.id %> data --device UUID=2f1c... --directory /srv/data --fstype xfs --options noatime --group db',
  ]

  static override args = {name: resourceNameArg}
  static override flags = {
    device: Flags.string({summary: 'Block device, UUID=…, LABEL=…, or a remote source.', required: true}),
    directory: Flags.string({summary: 'Mount point (absolute path).', required: true}),
    fstype: Flags.string({summary: 'Filesystem type, e.g. ext4, xfs, nfs.', required: true}),
    options: Flags.string({summary: 'Mount options, as for mount -o.'}),
    ...resourceAddFlags,
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ResourceAddMount)
    if (!flags.directory.startsWith('/') || flags.directory.includes('\n')) throw inputError(`--directory ${JSON.stringify(flags.directory)} is not an absolute path`)
    if (!/^[a-z0-9_.]{1,32}$/.test(flags.fstype)) throw inputError(`--fstype ${JSON.stringify(flags.fstype)} is not a filesystem type`)
    if (flags.device.trim() === '' || flags.device.includes('\n')) throw inputError(`--device ${JSON.stringify(flags.device)} is not a device`)
    const params: Record<string, string> = {device: flags.device, directory: flags.directory, fstype: flags.fstype}
    if (flags.options !== undefined) params.options = flags.options
    // Filesystem's advised timeouts: 60 s for start and stop (fsck, busy unmounts).
    const edit = buildAddEdit(args.name, 'ocf:hactl:mount', params, flags, defaultOperations('20s', '60s'))
    return this.applyChange(flags, edit, `added mount ${args.name} (${flags.device} on ${flags.directory})`)
  }
}
