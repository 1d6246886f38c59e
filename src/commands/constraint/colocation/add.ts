import {Args} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {parseScoreArg} from '../../../cli/parse.js'

export default class ConstraintColocationAdd extends EditCommand {
  static override summary = 'Place a resource relative to another: with a positive score together, with a negative score apart.'
  static override description = 'RESOURCE is placed where WITH runs (WITH is placed first). Without a score: INFINITY, RESOURCE only runs where WITH runs.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-server with web-ip',
    '<%= config.bin %> <%= command.id %> db-replica with db -INFINITY',
  ]

  // Not strict, so that a negative score such as -INFINITY is read as the SCORE argument, not as a flag.
  static override strict = false
  static override args = {
    resource: Args.string({name: 'RESOURCE', required: true, description: 'The dependent resource.'}),
    with: Args.string({name: 'with', required: true, options: ['with'], description: 'The word "with".'}),
    withResource: Args.string({name: 'WITH', required: true, description: 'The resource it follows.'}),
    score: Args.string({name: 'SCORE', description: 'Integer, INFINITY or -INFINITY (default INFINITY).'}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ConstraintColocationAdd)
    if (argv.length > 4) throw inputError(`unexpected arguments after the score: ${(argv as string[]).slice(4).join(' ')}`)
    const score = args.score === undefined ? 'INFINITY' : parseScoreArg(args.score, 'score')
    return this.applyChange(flags, {op: 'constraint.colocation', resource: args.resource, withResource: args.withResource, score},
      `${args.resource} with ${args.withResource} (score ${score})`)
  }
}
