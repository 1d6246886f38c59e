// The DC's transition history on disk (issue 13), in the state directory:
// history.json, the last DEFAULT_HISTORY_LIMIT transitions this node planned as DC
// (small: triggers, summaries, actions, outcomes), rewritten atomically after each
// change (coalesced); and history-inputs/N.json, the policy engine's input of
// record N, written once (it is large on a big cluster; serialized at once, so it is
// the input as it was). Fed by a Logger tap: 'transition' (the daemon gives the
// orchestrator's input and actions), 'action-result', 'transition-complete'; 'view'
// and failed actions seen in between become the trigger.
import {Coalesced} from './coalesced.js'
import {mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {actionFailed, emptyHistory, recordTransition, transitionDone, type History, type PlanInput} from '../core/history/index.js'
import type {Action} from '../core/policy/actions.js'
import {writeFileAtomic} from '../store/atomic-file.js'
import type {Fields, Level, Logger} from './logger.js'

export const HISTORY_FILE = 'history.json'
export const INPUTS_DIR = 'history-inputs'

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

/** The saved input of record n; undefined when it is gone (pruned, or never written). */
export async function readInput(stateDir: string, n: number): Promise<PlanInput | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, INPUTS_DIR, `${n}.json`), 'utf8')) as PlanInput
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function names(v: Fields[string]): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',') : []
}

export class HistoryStore {
  private history: History = emptyHistory()
  private lastInput: PlanInput | undefined
  private seen: string[] = []
  private readonly inputs: Array<{n: number, text: string}> = []
  private readonly saver = new Coalesced(() => this.writeAll())

  constructor(private readonly source: HistorySource, private readonly logger: Logger) {}

  async load(): Promise<void> {
    this.history = await readHistory(this.source.stateDir).catch(() => emptyHistory())
    const last = this.history.records[this.history.records.length - 1]
    if (last) this.lastInput = await readInput(this.source.stateDir, last.n).catch(() => undefined)
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
        const planned = this.source.planInput()
        if (!planned?.transition || planned.transition.id !== Number(fields.id)) return
        const {transition, ...input} = planned
        const next = recordTransition(this.history, {
          transitionId: transition.id, dc: this.source.nodeName, atMs: this.source.now(), epoch: input.config.epoch,
          summary: typeof fields.summary === 'string' && fields.summary !== '' ? fields.summary.split('; ') : [],
          actions: transition.actions,
        }, input, this.lastInput, this.seen)
        this.seen = []
        // Serialized now: the input as the engine saw it, whatever changes next.
        const text = JSON.stringify(input)
        this.lastInput = input
        this.inputs.push({n: next.next - 1, text})
        this.update(next)
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
    this.history = next
    void this.save()
  }

  private save(): Promise<void> {
    return this.saver.run()
  }

  private async writeAll(): Promise<void> {
    try {
      const dir = join(this.source.stateDir, INPUTS_DIR)
      for (let input = this.inputs.shift(); input; input = this.inputs.shift()) {
        await mkdir(dir, {recursive: true, mode: 0o700})
        await writeFileAtomic(join(dir, `${input.n}.json`), input.text, 0o600)
      }
      await writeFileAtomic(join(this.source.stateDir, HISTORY_FILE), JSON.stringify(this.history), 0o600)
      // Inputs of records no longer kept.
      const kept = new Set(this.history.records.map((r) => `${r.n}.json`))
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        if (/^\d+\.json$/.test(file) && !kept.has(file)) await rm(join(dir, file), {force: true})
      }
    } catch (error) {
      this.logger.log('warning', 'history-not-saved', {error: String((error as Error).message)})
    }
  }

  async stop(): Promise<void> {
    await this.saver.idle()
  }
}
