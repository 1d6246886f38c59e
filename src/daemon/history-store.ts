// The DC's transition history on disk (issue 13): stateDir/history.json, the last
// DEFAULT_HISTORY_LIMIT transitions this node planned as DC, written atomically
// after each change (coalesced). Fed by a Logger tap: 'transition' (with the
// orchestrator's input and actions from the daemon), 'action-result',
// 'transition-complete'; 'view' and failures seen in between become the trigger.
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {actionFailed, emptyHistory, recordTransition, transitionDone, type History, type PlanInput} from '../core/history/index.js'
import type {Action} from '../core/policy/actions.js'
import {writeFileAtomic} from '../store/atomic-file.js'
import type {Fields, Level, Logger} from './logger.js'

export const HISTORY_FILE = 'history.json'

export interface HistorySource {
  readonly nodeName: string
  readonly stateDir: string
  /** On the active DC: the orchestrator's input, and the transition it runs. */
  planInput(): (PlanInput & {transition?: {id: number, actions: Action[]}}) | undefined
  now(): number
}

export async function readHistory(stateDir: string): Promise<History> {
  try {
    const saved = JSON.parse(await readFile(join(stateDir, HISTORY_FILE), 'utf8')) as History
    return Array.isArray(saved.records) && Number.isInteger(saved.next) ? saved : emptyHistory()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyHistory()
    throw error
  }
}

function names(v: Fields[string]): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',') : []
}

export class HistoryStore {
  private history: History = emptyHistory()
  private seen: string[] = []
  private saving: Promise<void> | undefined
  private saveAgain = false

  constructor(private readonly source: HistorySource, private readonly logger: Logger) {}

  async load(): Promise<void> {
    this.history = await readHistory(this.source.stateDir).catch(() => emptyHistory())
  }

  readonly tap = (_level: Level, event: string, fields: Fields): void => {
    switch (event) {
      case 'view': {
        const left = names(fields.left)
        const joined = names(fields.joined)
        if (left.length > 0) this.note(`view ${fields.view}: ${left.join(', ')} left`)
        if (joined.length > 0) this.note(`view ${fields.view}: ${joined.join(', ')} joined`)
        break
      }
      case 'action-result':
        if (fields.ok === false) {
          this.note(`${fields.action} failed on ${fields.node}`)
          this.update(actionFailed(this.history, this.source.nodeName, Number(fields.transition), String(fields.action)))
        }
        break
      case 'transition': {
        const input = this.source.planInput()
        if (!input?.transition || input.transition.id !== Number(fields.id)) return
        const {transition, ...plan} = input
        this.update(recordTransition(this.history, {
          transitionId: transition.id, dc: this.source.nodeName, atMs: this.source.now(), epoch: plan.config.epoch,
          summary: typeof fields.summary === 'string' && fields.summary !== '' ? fields.summary.split('; ') : [],
          actions: transition.actions, input: structuredClone(plan),
        }, this.seen))
        this.seen = []
        break
      }
      case 'transition-complete':
        this.update(transitionDone(this.history, this.source.nodeName, Number(fields.id), this.source.now()))
        break
    }
  }

  private note(text: string): void {
    this.seen.push(text)
    if (this.seen.length > 20) this.seen.shift()
  }

  private update(next: History): void {
    if (next === this.history) return
    this.history = next
    void this.save()
  }

  private async save(): Promise<void> {
    if (this.saving) {
      this.saveAgain = true
      return this.saving
    }
    this.saving = (async () => {
      do {
        this.saveAgain = false
        await writeFileAtomic(join(this.source.stateDir, HISTORY_FILE), JSON.stringify(this.history), 0o600).catch((error) => {
          this.logger.log('warning', 'history-not-saved', {error: String((error as Error).message)})
        })
      } while (this.saveAgain)
    })().finally(() => {
      this.saving = undefined
    })
    return this.saving
  }

  async stop(): Promise<void> {
    await this.saving
  }
}
