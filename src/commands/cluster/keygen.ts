import {Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configDirFlag} from '../../cli/flags.js'
import {defaultAuthkeyPath, exists, writeAuthkey} from '../../store/cluster-files.js'

export interface KeygenResult {authkey: string}

export default class ClusterKeygen extends HactlCommand<KeygenResult> {
  static override summary = 'Write a new random 256-bit authkey (mode 0400).'
  static override description = 'Every node needs the same key: copy it (or re-run cluster join) to every node, then restart the daemons. Like corosync-keygen.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --force']
  static override flags = {
    'config-dir': configDirFlag,
    output: Flags.string({char: 'k', summary: 'Key file (default CONFIG_DIR/authkey).'}),
    force: Flags.boolean({summary: 'Replace an existing key.'}),
  }

  async run(): Promise<KeygenResult> {
    const {flags} = await this.parse(ClusterKeygen)
    const path = flags.output ?? defaultAuthkeyPath(flags['config-dir'])
    if (!flags.force && await exists(path)) throw inputError(`${path} already exists; use --force to replace it (every node then needs the new key)`, 'exists')
    await writeAuthkey(path)
    this.say(`wrote a new authkey to ${path} (0400)`)
    return {authkey: path}
  }
}
