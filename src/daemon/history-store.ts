// The DC's transition history on disk (issue 13), in the state directory:
// history.json, the last DEFAULT_HISTORY_LIMIT transitions this node planned as DC
// (small: triggers, summaries, actions, outcomes), rewritten atomically after each
// change (coalesced); and history-inputs/N.json, the policy engine's input of
// record N, written once (it is large on a big cluster; serialized at once, so it is
// the input as it was). Fed by a Logger tap: 'transition' (the daemon gives the
// orchestrator's input and actions), 'action-result', 'transition-complete'; 'view'
// and failed actions seen in between become the trigger.
//
// Replicated: the DC sends each record it adds or changes (with its input the first
// time) to every member of its view, and its whole history to a node that joins; a
// member keeps them under its own numbers, bounded alike (mergeRecord). So after the
// DC dies, the new DC — any node — still lists and replays the transitions before.
import {Coalesced} from './coalesced.js'
import {mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {actionFailed, emptyHistory, mergeRecord, parseHistoryMessage, recordTransition, toWire, transitionDone, type History, type HistoryMessage, type PlanInput, type TransitionRecord} from '../core/history/index.js'
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
  /** Sends a history message to the named nodes, or to every other member of this node's view (undefined). */
  send?(to: string[] | undefined, message: HistoryMessage): void
}

/** Records per sync message: a joiner gets the history in a few frames, not one large one. */
const SYNC_BATCH = 10

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
  /** This daemon's run, in the keys of the records it plans (transition ids restart with the daemon). */
  private readonly run: number
  private readonly syncs = new Set<Promise<void>>()

  constructor(private readonly source: HistorySource, private readonly logger: Logger) {
    this.run = source.now()
  }

  async load(): Promise<void> {
    this.history = await readHistory(this.source.stateDir).catch(() => emptyHistory())
    // Files from before replication: a key of their own, so a DC's copy never matches them.
    this.history = {...this.history, records: this.history.records.map((r) => r.key ? r : {...r, key: `${r.dc}:local${r.n}:${r.transitionId}`})}
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
        // The DC of the new view brings a node that joins up to date.
        const others = joined.filter((n) => n !== this.source.nodeName)
        if (fields.dc === this.source.nodeName && fields.quorate === true && others.length > 0) {
          const sync = this.syncTo(others).finally(() => this.syncs.delete(sync))
          this.syncs.add(sync)
        }
        break
      }
      case 'action-result':
        if (fields.ok === false) {
          this.note(`${fields.action} failed on ${fields.node}`)
          this.update(actionFailed(this.history, this.source.nodeName, Number(fields.transition), String(fields.action)))
          this.publish(Number(fields.transition))
        }
        break
      case 'transition': {
        const planned = this.source.planInput()
        if (!planned?.transition || planned.transition.id !== Number(fields.id)) return
        const {transition, ...input} = planned
        const next = recordTransition(this.history, {
          key: `${this.source.nodeName}:${this.run}:${transition.id}`,
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
        this.publish(transition.id, input)
        break
      }
      case 'transition-complete':
        this.update(transitionDone(this.history, this.source.nodeName, Number(fields.id), this.source.now()))
        this.publish(Number(fields.id))
        break
    }
  }

  /** The record of this DC's transition `id`, to every member (with its input when new). */
  private publish(id: number, input?: PlanInput): void {
    if (!this.source.send) return
    const record = this.ownRecord(id)
    const wire = record && toWire(record)
    if (!wire) return
    try {
      this.source.send(undefined, {t: 'history', records: [wire], inputs: input ? {[wire.key]: input} : {}})
    } catch (error) {
      this.logger.log('warning', 'history-not-sent', {error: String((error as Error).message)})
    }
  }

  private ownRecord(id: number): TransitionRecord | undefined {
    for (let i = this.history.records.length - 1; i >= 0; i--) {
      const r = this.history.records[i]
      if (r.dc === this.source.nodeName && r.transitionId === id && r.key?.startsWith(`${this.source.nodeName}:${this.run}:`)) return r
    }
    return undefined
  }

  /** The whole history, with the inputs, to nodes that joined. */
  private async syncTo(nodes: string[]): Promise<void> {
    const send = this.source.send
    if (!send) return
    try {
      await this.saver.idle()
      const records = this.history.records.slice()
      for (let i = 0; i < records.length; i += SYNC_BATCH) {
        const message: HistoryMessage = {t: 'history', records: [], inputs: {}}
        for (const record of records.slice(i, i + SYNC_BATCH)) {
          const wire = toWire(record)
          if (!wire) continue
          message.records.push(wire)
          const input = await readInput(this.source.stateDir, record.n).catch(() => undefined)
          if (input) message.inputs[wire.key] = input
        }
        if (message.records.length > 0) send(nodes, message)
      }
    } catch (error) {
      this.logger.log('warning', 'history-not-sent', {error: String((error as Error).message), to: nodes.join(',')})
    }
  }

  /** A history message from a peer (the DC): its records merged into this node's history. */
  receive(from: string, raw: unknown): void {
    const message = parseHistoryMessage(raw)
    if (!message) {
      this.logger.log('warning', 'history-message-dropped', {from, reason: 'malformed'})
      return
    }
    let history = this.history
    for (const record of message.records) {
      const merged = mergeRecord(history, record)
      history = merged.history
      const input = message.inputs[record.key]
      if (merged.added && merged.n !== undefined && input) {
        this.inputs.push({n: merged.n, text: JSON.stringify(input)})
        // The input a new DC's first trigger is worked out against.
        this.lastInput = input
      }
    }
    if (history !== this.history) this.update(history)
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
    await Promise.all([...this.syncs])
    await this.saver.idle()
  }
}
