import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {parseNodeScore, parseScoreArg} from '../../cli/parse.js'
import type {ConfigEdit} from '../../core/config/edits.js'
import {normalRole} from '../../core/config/roles.js'
import type {ConstraintRole, LocationRuleOperation, ScoreText} from '../../core/config/types.js'

const RULE_OPERATIONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'defined', 'not_defined'] as const

function negate(score: ScoreText): ScoreText {
  if (score === 'INFINITY' || score === '+INFINITY') return '-INFINITY'
  if (score === '-INFINITY') return 'INFINITY'
  return -score
}

export default class ConstraintLocation extends EditCommand {
  static override summary = 'Say where a resource prefers or avoids to run: by node, or by a rule on node attributes.'
  static override description = 'A node without a score means INFINITY. `avoids n1=50` is a score of -50. A rule places by node attribute: `rule [score=S] ATTRIBUTE OP [VALUE]` with OP one of eq, ne, lt, lte, gt, gte, defined, not_defined.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip prefers n1=100 n2=50',
    '<%= config.bin %> <%= command.id %> web-ip avoids n3',
    '<%= config.bin %> <%= command.id %> db rule score=500 ssd eq yes',
    '<%= config.bin %> <%= command.id %> db-clone prefers n1=100 --role Promoted',
  ]

  static override flags = {
    role: Flags.string({summary: 'Only for the instances of a promotable clone in this role: Promoted (where it is promoted), Unpromoted or Started.'}),
  }

  static override strict = false
  static override args = {
    resource: Args.string({name: 'RESOURCE', required: true, description: 'Resource, group or clone.'}),
    verb: Args.string({name: 'prefers|avoids|rule', required: true, options: ['prefers', 'avoids', 'rule'], description: 'prefers NODE[=SCORE]…, avoids NODE[=SCORE]…, or rule [score=S] ATTR OP [VALUE].'}),
  }

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(ConstraintLocation)
    const rest = (argv as string[]).slice(2)
    let role: ConstraintRole | undefined
    if (flags.role !== undefined) {
      role = normalRole(flags.role)
      if (role === undefined) throw inputError(`--role ${JSON.stringify(flags.role)} is not Promoted, Unpromoted or Started (Master and Slave are accepted)`)
    }
    const withRole = (e: ConfigEdit): ConfigEdit => (role === undefined || e.op !== 'constraint.location' ? e : {...e, role})
    if (args.verb === 'rule') return this.applyChange(flags, withRole(this.ruleEdit(args.resource, rest)), `${args.resource}: added location rule`)
    if (rest.length === 0) throw inputError(`${args.verb} needs at least one NODE[=SCORE]`)
    const targets = rest.map(parseNodeScore)
    const edits: ConfigEdit[] = targets.map(({node, score}) => withRole({
      op: 'constraint.location', resource: args.resource, node, score: args.verb === 'avoids' ? negate(score) : score,
    }))
    const nodes = targets.map((t) => t.node).join(', ')
    return this.applyChange(flags, edits.length === 1 ? edits[0] : {op: 'batch', edits}, `${args.resource} ${args.verb} ${nodes}`)
  }

  private ruleEdit(resource: string, words: string[]): ConfigEdit {
    let score: ScoreText = 'INFINITY'
    if (words[0]?.startsWith('score=')) score = parseScoreArg(words.shift()!.slice(6), 'rule score')
    const [attribute, operation, value, ...extra] = words
    if (!attribute || !operation) throw inputError('a rule is: rule [score=S] ATTRIBUTE OP [VALUE]')
    if (!(RULE_OPERATIONS as readonly string[]).includes(operation)) throw inputError(`rule operation ${JSON.stringify(operation)} is not one of ${RULE_OPERATIONS.join(', ')}`)
    const unary = operation === 'defined' || operation === 'not_defined'
    if (unary ? value !== undefined : value === undefined || extra.length > 0) throw inputError(`rule operation ${operation} takes ${unary ? 'no value' : 'exactly one value'}`)
    return {op: 'constraint.location', resource, score, rule: {attribute, operation: operation as LocationRuleOperation, value}}
  }
}
