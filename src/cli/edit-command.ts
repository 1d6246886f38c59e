import type {ConfigEdit} from '../core/config/edits.js'
import {HactlCommand} from './base-command.js'
import {editTarget, readTarget, type TargetFlags} from './config-target.js'
import {editFlags} from './flags.js'

export interface EditResult {
  epoch: number
  change: string
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
      const before = await readTarget(flags)
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
}
