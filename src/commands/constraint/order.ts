import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {oneChange} from '../../cli/edit-targets.js'
import {readTarget} from '../../cli/config-target.js'
import {HactlError, inputError} from '../../cli/errors.js'
import type {OrderAction} from '../../core/config/types.js'

const ACTIONS = ['start', 'stop', 'promote', 'demote'] as const

export default class ConstraintOrder extends EditCommand {
  static override summary = 'Order actions of two resources: [ACTION] A then [ACTION] B (default: start A then start B; stops run in reverse).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> data-fs then db',
    '<%= config.bin %> <%= command.id %> start db then start web --kind optional',
  ]

  static override description = 'pcs\'s words work too: trailing kind=Mandatory|Optional, symmetrical=true|false and id=ID, and `constraint order remove|delete R...` removes every order constraint naming one of the resources (pcs removes the resource from its order constraints; an order of two resources goes with it).'
  static override strict = false
  static override args = {words: Args.string({name: '[ACTION] A then [ACTION] B', description: 'start (default), stop, promote or demote before each resource.'})}

  static override flags = {
    kind: Flags.option({summary: 'mandatory: B waits for A, and stopping A stops B first; optional: order only when both change together.', options: ['mandatory', 'optional'] as const, default: 'mandatory'})(),
    'no-symmetrical': Flags.boolean({summary: 'Do not apply the reverse order to stops.'}),
  }

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(ConstraintOrder)
    let words = argv as string[]
    if (words[0] === 'remove' || words[0] === 'delete') return this.removeFor(flags, words.slice(1))
    // pcs's trailing options: kind=, symmetrical=, id=.
    const options: Record<string, string> = {}
    while (words.length > 0 && /^(kind|symmetrical|id)=/.test(words[words.length - 1])) {
      const word = words[words.length - 1]
      options[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1)
      words = words.slice(0, -1)
    }
    let kind: 'mandatory' | 'optional' = flags.kind
    if (options.kind !== undefined) {
      const k = options.kind.toLowerCase()
      if (k !== 'mandatory' && k !== 'optional') throw inputError(`kind=${JSON.stringify(options.kind)} is not Mandatory or Optional${k === 'serialize' ? ' (Serialize is not supported)' : ''}`)
      kind = k
    }
    let symmetrical = !flags['no-symmetrical']
    if (options.symmetrical !== undefined) {
      if (!['true', 'false'].includes(options.symmetrical)) throw inputError(`symmetrical=${JSON.stringify(options.symmetrical)} is not true or false`)
      symmetrical = options.symmetrical === 'true'
    }
    const then = words.indexOf('then')
    if (then < 0 || words.length > 5) throw inputError('an order is: [ACTION] A then [ACTION] B [kind=Mandatory|Optional] [symmetrical=true|false] [id=ID]')
    const side = (part: string[], which: string): [OrderAction, string] => {
      if (part.length === 1) return ['start', part[0]]
      if (part.length === 2 && (ACTIONS as readonly string[]).includes(part[0])) return [part[0] as OrderAction, part[1]]
      throw inputError(`${which} side ${JSON.stringify(part.join(' '))} is not [ACTION] RESOURCE with ACTION one of ${ACTIONS.join(', ')}`)
    }
    const [firstAction, first] = side(words.slice(0, then), 'first')
    const [thenAction, second] = side(words.slice(then + 1), 'then')
    return this.applyChange(flags, {
      op: 'constraint.order', first, firstAction, then: second, thenAction, kind, symmetrical, ...(options.id ? {id: options.id} : {}),
    }, `${firstAction} ${first} then ${thenAction} ${second}`)
  }

  /** pcs constraint order remove R...: every order constraint that names one of them. */
  private async removeFor(flags: Parameters<ConstraintOrder['applyChange']>[0], resources: string[]): Promise<EditResult> {
    if (resources.length === 0) throw inputError('usage: constraint order remove RESOURCE...')
    const config = await readTarget(flags)
    const ids = config.constraints.filter((c) => c.type === 'order' && (resources.includes(c.first) || resources.includes(c.then))).map((c) => c.id)
    if (ids.length === 0) throw new HactlError('not-found', `no order constraint names ${resources.join(', ')}; nothing was changed`, 1)
    return this.applyChange(flags, oneChange(ids.map((id) => ({op: 'constraint.remove', id}))), `removed order constraints ${ids.join(', ')}`)
  }
}
