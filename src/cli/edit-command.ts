import type {ConfigEdit} from '../core/config/edits.js'
import {HactlCommand} from './base-command.js'
import {editTarget, readForSimulation, type TargetFlags} from './config-target.js'
import {inputError} from './errors.js'
import {editFlags} from './flags.js'

export interface EditResult {
  epoch: number
  change: string
  /** Only with --wait: the cluster carried the change out. */
  settled?: boolean
  /** Set when something worth knowing happened, e.g. a move constraint kept. */
  note?: string
  /** Only with --simulate: the transition the change would cause; nothing was changed. */
  simulation?: string
}

/**
 * Base of the configuration commands: build a ConfigEdit from the arguments,
 * then apply it to the -f file or the live cluster (or only simulate it).
 */
export abstract class EditCommand extends HactlCommand<EditResult> {
  static override baseFlags = {...HactlCommand.baseFlags, ...editFlags}

  protected async applyChange(flags: TargetFlags & {simulate?: boolean}, edit: ConfigEdit, change: string): Promise<EditResult> {
    if (flags.simulate) {
      const before = await readForSimulation(flags)
      const {applyEdit} = await import('../core/config/edits.js')
      const after = applyEdit(before, edit)
      const {renderSimulation} = await import('./simulate-render.js')
      const simulation = renderSimulation(before, after)
      this.say(`${change} (simulated; nothing was changed)\n${simulation}`)
      return {epoch: before.epoch, change, simulation}
    }
    const config = await editTarget(flags, edit)
    this.say(`${change} (epoch ${config.epoch})`)
    return {epoch: config.epoch, change}
  }

  /** --wait on the live cluster: until the change is carried out (or --timeout). */
  protected async settle(flags: TargetFlags & {timeout?: number}, result: EditResult): Promise<EditResult> {
    if (flags.file !== undefined) throw inputError('--wait needs the live cluster: with -f there is nothing to wait for')
    const {waitSettled} = await import('./wait-settled.js')
    await waitSettled(flags['run-dir'], result.epoch, (flags.timeout ?? 60) * 1000, this.jsonEnabled())
    return {...result, settled: true}
  }
}
