import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import type {OrderAction} from '../../core/config/types.js'

const ACTIONS = ['start', 'stop', 'promote', 'demote'] as const

export default class ConstraintOrder extends EditCommand {
  static override summary = 'Order actions of two resources: [ACTION] A then [ACTION] B (default: start A then start B; stops run in reverse).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> data-fs then db',
    '<%= config.bin %> <%= command.id %> start db then start web --kind optional',
  ]

  // Five optional positionals rather than a free argv: oclif reorders a free argv by
  // first occurrence, which scrambles `start A then start B` (the word start repeats).
  static override args = {
    w1: Args.string({name: '[ACTION]', description: 'start (default), stop, promote or demote.'}),
    w2: Args.string({name: 'A', description: 'The first resource.'}),
    w3: Args.string({name: 'then', description: 'The word "then".'}),
    w4: Args.string({name: '[ACTION]', description: 'Action of B (default start).'}),
    w5: Args.string({name: 'B', description: 'The second resource.'}),
  }

  static override flags = {
    kind: Flags.option({summary: 'mandatory: B waits for A, and stopping A stops B first; optional: order only when both change together.', options: ['mandatory', 'optional'] as const, default: 'mandatory'})(),
    'no-symmetrical': Flags.boolean({summary: 'Do not apply the reverse order to stops.'}),
  }

  async run(): Promise<EditResult> {
    const {args, flags} = await this.parse(ConstraintOrder)
    const words = [args.w1, args.w2, args.w3, args.w4, args.w5].filter((w): w is string => w !== undefined)
    const then = words.indexOf('then')
    if (then < 0) throw inputError('an order is: [ACTION] A then [ACTION] B')
    const side = (part: string[], which: string): [OrderAction, string] => {
      if (part.length === 1) return ['start', part[0]]
      if (part.length === 2 && (ACTIONS as readonly string[]).includes(part[0])) return [part[0] as OrderAction, part[1]]
      throw inputError(`${which} side ${JSON.stringify(part.join(' '))} is not [ACTION] RESOURCE with ACTION one of ${ACTIONS.join(', ')}`)
    }
    const [firstAction, first] = side(words.slice(0, then), 'first')
    const [thenAction, second] = side(words.slice(then + 1), 'then')
    return this.applyChange(flags, {
      op: 'constraint.order', first, firstAction, then: second, thenAction, kind: flags.kind, symmetrical: !flags['no-symmetrical'],
    }, `${firstAction} ${first} then ${thenAction} ${second}`)
  }
}
