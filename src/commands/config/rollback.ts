import {Args, Flags} from '@oclif/core'
import {readTarget} from '../../cli/config-target.js'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {HactlError, inputError} from '../../cli/errors.js'
import {stateDirFlag} from '../../cli/flags.js'
import type {ResourceConfig} from '../../core/config/types.js'

export default class ConfigRollback extends EditCommand {
  static override summary = 'Make a kept configuration (hactl config history) the configuration again, as a new epoch.'
  static override description = `Reads STATE_DIR/history/cib-EPOCH.json and replaces the configuration with it: on the live cluster through the daemon (replicated like any change; refused if the configuration changes meanwhile), or in the -f FILE offline. The result has a new, higher epoch, so no node mistakes it for an old one.
--restore, with this node's daemon stopped, puts the kept record back as the node's stored configuration as it was (the current cib.json is kept beside it as cib.json.bad-TIME): the way back from a corrupt cib.json. When the node joins, it takes the cluster's newer configuration if there is one.`
  static override examples = ['<%= config.bin %> <%= command.id %> 41', '<%= config.bin %> -f cluster-config.json <%= command.id %> 41', '<%= config.bin %> <%= command.id %> 41 --restore --state-dir /var/lib/hactl']
  static override args = {epoch: Args.integer({name: 'EPOCH', required: true, min: 0, description: 'Epoch of a kept configuration (hactl config history).'})}
  static override flags = {
    'state-dir': stateDirFlag,
    restore: Flags.boolean({summary: 'With the daemon stopped: put the kept record back as this node\'s stored configuration (recovery from a corrupt cib.json).'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConfigRollback)
    const {historyPath, listHistory, checkRecord} = await import('../../daemon/state-store.js')
    const {readFile} = await import('node:fs/promises')
    const dir = flags['state-dir']
    const path = historyPath(dir, args.epoch)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES') throw new HactlError('permission', `permission denied on ${path}: run as root`, 1)
      const kept = (await listHistory(dir).catch(() => [])).map((e) => e.epoch)
      throw inputError(`no configuration of epoch ${args.epoch} is kept in ${dir}/history (kept: ${kept.join(', ') || 'none'})`, 'not-found')
    }
    let record: {config: ResourceConfig}
    try {
      record = JSON.parse(text)
    } catch {
      throw inputError(`${path} is not valid JSON`, 'invalid-json')
    }
    const why = checkRecord(record)
    if (why) throw inputError(`${path} cannot be used: ${why}`)
    const {validateResourceConfig} = await import('../../core/config/validate.js')
    const config = validateResourceConfig(record.config)
    if (flags.restore) return this.restore(dir, path, text, args.epoch, flags)
    if (flags.simulate) return this.applyChange(flags, {op: 'config.replace', config}, `rolled back to epoch ${args.epoch}`)
    const current = await readTarget(flags)
    return this.applyChange({...flags, 'if-epoch': flags['if-epoch'] ?? current.epoch}, {op: 'config.replace', config}, `rolled back to the configuration of epoch ${args.epoch}`)
  }

  private async restore(dir: string, source: string, text: string, epoch: number, flags: {file?: string, 'run-dir': string}): Promise<EditResult> {
    if (flags.file !== undefined) throw inputError('--restore writes the state directory\'s record; it does not go with -f')
    const {DaemonClient} = await import('../../client/client.js')
    const running = await DaemonClient.connect(flags['run-dir']).then((c) => {
      c.close()
      return true
    }, () => false)
    if (running) throw new HactlError('daemon-running', `a daemon is running on ${flags['run-dir']}: stop it first ('hactl cluster stop'), or roll back through it without --restore`, 1)
    const {join} = await import('node:path')
    const {rename} = await import('node:fs/promises')
    const {writeFileAtomic} = await import('../../store/atomic-file.js')
    const current = join(dir, 'cib.json')
    const aside = `${current}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`
    const moved = await rename(current, aside).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false
      throw error
    })
    await writeFileAtomic(current, text, 0o600)
    this.say(`restored ${source} as ${current}${moved ? ` (the previous one is ${aside})` : ''}; start the daemon`)
    return {epoch, change: `restored the record of epoch ${epoch}`}
  }
}
