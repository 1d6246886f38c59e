import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../../cli/edit-command.js'
import {inputError} from '../../../cli/errors.js'
import {parseScoreArg} from '../../../cli/parse.js'
import {normalRole} from '../../../core/config/roles.js'
import type {ConstraintRole} from '../../../core/config/types.js'

const ROLE_HELP = 'Promoted, Unpromoted or Started (Master and Slave are accepted)'

function roleFlag(text: string | undefined, flag: string): ConstraintRole | undefined {
  if (text === undefined) return undefined
  const role = normalRole(text)
  if (role === undefined) throw inputError(`${flag} ${JSON.stringify(text)} is not ${ROLE_HELP}`)
  return role
}

export default class ConstraintColocationAdd extends EditCommand {
  static override summary = 'Place a resource relative to another: with a positive score together, with a negative score apart.'
  static override description = `RESOURCE is placed where WITH runs (WITH is placed first). Without a score: INFINITY, RESOURCE only runs where WITH runs.
A role before either id (pcs' syntax), or --rsc-role / --role, limits the colocation to the instances of a promotable clone in that role: "vip with Promoted db-clone" puts vip where db-clone's Promoted instance runs; "Promoted db-clone with X" acts on which instance is promoted.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-server with web-ip',
    '<%= config.bin %> <%= command.id %> db-replica with db -INFINITY',
    '<%= config.bin %> <%= command.id %> vip with Promoted db-clone INFINITY',
    '<%= config.bin %> <%= command.id %> vip with db-clone INFINITY --role Promoted',
  ]

  // Not strict, so that a negative score such as -INFINITY is read as the SCORE argument, not as a flag.
  static override strict = false
  static override args = {
    resource: Args.string({name: '[ROLE] RESOURCE', required: true, description: 'The dependent resource, optionally after its role.'}),
    with: Args.string({name: 'with', description: 'The word "with".'}),
    withResource: Args.string({name: '[ROLE] WITH', description: 'The resource it follows, optionally after its role.'}),
    score: Args.string({name: 'SCORE', description: 'Integer, INFINITY or -INFINITY (default INFINITY).'}),
  }

  static override flags = {
    role: Flags.string({summary: `Role of WITH's instances to follow: ${ROLE_HELP} (Pacemaker's with-rsc-role).`, aliases: ['with-rsc-role']}),
    'rsc-role': Flags.string({summary: `Role of RESOURCE's instances this applies to: ${ROLE_HELP} (Pacemaker's rsc-role).`}),
  }

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(ConstraintColocationAdd)
    const words = [...(argv as string[])]
    // [ROLE] RESOURCE with [ROLE] WITH [SCORE]
    const take = (): [ConstraintRole | undefined, string | undefined] => {
      const role = words.length > 1 && words[1] !== 'with' ? normalRole(words[0]) : undefined
      if (role !== undefined) words.shift()
      return [role, words.shift()]
    }
    const [rscWord, resource] = take()
    if (words.shift() !== 'with') throw inputError('a colocation is: [ROLE] RESOURCE with [ROLE] WITH [SCORE]')
    const [withWord, withResource] = take()
    if (resource === undefined || withResource === undefined) throw inputError('a colocation is: [ROLE] RESOURCE with [ROLE] WITH [SCORE]')
    // pcs writes the score bare or, since 0.11, as score=SCORE.
    const scoreWord = words.shift()
    const scoreText = scoreWord?.startsWith('score=') ? scoreWord.slice('score='.length) : scoreWord
    if (words.length > 0) throw inputError(`unexpected arguments after the score: ${words.join(' ')}`)
    const score = scoreText === undefined ? 'INFINITY' : parseScoreArg(scoreText, 'score')
    const rscRole = roleFlag(flags['rsc-role'], '--rsc-role') ?? rscWord
    const withRole = roleFlag(flags.role, '--role') ?? withWord
    if ((flags['rsc-role'] !== undefined && rscWord !== undefined) || (flags.role !== undefined && withWord !== undefined)) throw inputError('give a role either before the id or as a flag, not both')
    const roles = {...(rscRole === undefined ? {} : {rscRole}), ...(withRole === undefined ? {} : {withRole})}
    const label = (role: ConstraintRole | undefined, id: string) => (role === undefined || role === 'Started' ? id : `${role} ${id}`)
    return this.applyChange(flags, {op: 'constraint.colocation', resource, withResource, score, ...roles},
      `${label(rscRole, resource)} with ${label(withRole, withResource)} (score ${score})`)
  }
}
