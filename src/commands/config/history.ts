import {HactlCommand} from '../../cli/base-command.js'
import {HactlError} from '../../cli/errors.js'
import {runDirFlag, stateDirFlag} from '../../cli/flags.js'
import {humanSize, relativeTime} from '../../cli/human-time.js'

export interface HistoryResult {
  stateDir: string
  /** Epoch of the current record (cib.json); null when missing or corrupt. */
  current: number | null
  /** Why the current record cannot be used, or null. */
  currentProblem: string | null
  entries: Array<{epoch: number, storedAt: string, size: number, path: string}>
}

export default class ConfigHistory extends HactlCommand<HistoryResult> {
  static override summary = 'List the configurations this node kept: epoch, when stored, size (like Pacemaker\'s cib-N.raw).'
  static override description = `The daemon keeps the last 20 committed configurations in STATE_DIR/history/cib-EPOCH.json. 'hactl config rollback EPOCH' makes one of them the configuration again, as a new epoch; with the daemon stopped, --restore puts one back as this node's stored record (the way back from a corrupt cib.json).`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --state-dir /var/lib/hactl --json']
  static override flags = {'state-dir': stateDirFlag, 'run-dir': runDirFlag}

  async run(): Promise<HistoryResult> {
    const {flags} = await this.parse(ConfigHistory)
    const {listHistory, StateStore, CorruptStateError, recordEpoch} = await import('../../daemon/state-store.js')
    const dir = flags['state-dir']
    let entries
    try {
      entries = await listHistory(dir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES') throw new HactlError('permission', `permission denied on ${dir}: run as root`, 1)
      throw error
    }
    let current: number | null = null
    let problem: string | null = null
    try {
      const record = await new StateStore(dir).load()
      current = record === undefined ? null : recordEpoch(record) ?? null
      if (record === undefined) problem = 'missing'
    } catch (error) {
      problem = error instanceof CorruptStateError ? error.message : (error as Error).message
    }
    const now = Date.now()
    const result: HistoryResult = {
      stateDir: dir, current, currentProblem: problem,
      entries: entries.map((e) => ({epoch: e.epoch, storedAt: new Date(e.mtimeMs).toISOString(), size: e.size, path: e.path})),
    }
    if (entries.length === 0) this.say(`no configurations kept in ${dir}/history`)
    else {
      this.say('EPOCH  STORED                    AGE               SIZE')
      for (const e of entries) {
        this.say(`${String(e.epoch).padStart(5)}  ${new Date(e.mtimeMs).toISOString().slice(0, 19)}Z  ${relativeTime(e.mtimeMs, now).padEnd(16)}  ${humanSize(e.size).padStart(8)}${e.epoch === current ? '  (current)' : ''}`)
      }
    }
    if (problem !== null && problem !== 'missing') this.say(`current: ${problem}`)
    return result
  }
}
