// `hactl resource defaults` and `hactl resource op defaults` (as pcs): with no
// arguments they list the defaults, with KEY=VALUE they set them (KEY= removes).
import type {NameValues, ResourceConfig} from '../core/config/types.js'
import {table} from './describe-config.js'
import {EditCommand, type EditResult} from './edit-command.js'
import {readTarget, type TargetFlags} from './config-target.js'
import {parsePairs} from './parse.js'

export type DefaultsResult = EditResult | {defaults: NameValues}

export abstract class DefaultsCommand extends EditCommand {
  static override strict = false

  protected async defaults(kind: 'resource' | 'operation', argv: string[], flags: TargetFlags & {simulate?: boolean}): Promise<DefaultsResult> {
    const what = kind === 'resource' ? 'resource default' : 'operation default'
    // pcs 0.11 writes `pcs resource defaults update KEY=VALUE`: the word is accepted and means nothing more.
    const values = parsePairs(argv[0] === 'update' ? argv.slice(1) : argv, what)
    if (Object.keys(values).length === 0) {
      const config: ResourceConfig = await readTarget(flags)
      const defaults = (kind === 'resource' ? config.rscDefaults : config.opDefaults) ?? {}
      if (Object.keys(defaults).length === 0) this.say(`no ${what}s set`)
      else this.say(table(['NAME', 'VALUE'], Object.entries(defaults)))
      return {defaults}
    }
    return this.applyChange(flags, {op: 'defaults.set', kind, values}, `set ${what}s ${Object.keys(values).join(', ')}`)
  }
}
