import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {oneChange} from '../../cli/edit-targets.js'
import {inputError} from '../../cli/errors.js'
import {parseNodeScore, parseScoreArg} from '../../cli/parse.js'
import type {ConfigEdit} from '../../core/config/edits.js'
import {normalRole} from '../../core/config/roles.js'
import type {ConstraintRole, ScoreText} from '../../core/config/types.js'
import {parseRuleWords} from '../../cli/rule-words.js'

function negate(score: ScoreText): ScoreText {
  if (score === 'INFINITY' || score === '+INFINITY') return '-INFINITY'
  if (score === '-INFINITY') return 'INFINITY'
  return -score
}

export default class ConstraintLocation extends EditCommand {
  static override summary = 'Say where a resource prefers or avoids to run: by node, or by a rule on node attributes.'
  static override description = 'A node without a score means INFINITY. `avoids n1=50` is a score of -50. A rule places by node attribute or date, in pcs\'s words: `rule [id=ID] [role=ROLE] [score=S] EXPRESSION`, an expression being `defined|not_defined ATTR`, `ATTR eq|ne|lt|lte|gt|gte [string|integer|number|version] VALUE`, `date gt|lt DATE`, `date in_range DATE to DATE` or `date-spec hours=9-16 weekdays=1-5 …`, joined with and/or (and binds tighter) and grouped with ( ).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> web-ip prefers n1=100 n2=50',
    '<%= config.bin %> <%= command.id %> web-ip avoids n3',
    '<%= config.bin %> <%= command.id %> db rule score=500 ssd eq yes',
    '<%= config.bin %> <%= command.id %> web-ip rule score=-INFINITY pingd lt 1 or not_defined pingd',
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
    if (args.verb === 'rule') return this.applyChange(flags, this.ruleEdit(args.resource, rest, role), `${args.resource}: added location rule`)
    if (rest.length === 0) throw inputError(`${args.verb} needs at least one NODE[=SCORE]`)
    const targets = rest.map(parseNodeScore)
    // pcs's avoids takes the score to subtract: a negative one would turn into a preference.
    const negative = args.verb === 'avoids' ? targets.find((t) => t.score === '-INFINITY' || (typeof t.score === 'number' && t.score < 0)) : undefined
    if (negative) throw inputError(`avoids ${negative.node}=${negative.score}: give the score as a positive number (avoids ${negative.node}=${String(negative.score).replace(/^-/, '')} is a score of ${negative.score})`)
    const edits: ConfigEdit[] = targets.map(({node, score}) => withRole({
      op: 'constraint.location', resource: args.resource, node, score: args.verb === 'avoids' ? negate(score) : score,
    }))
    const nodes = targets.map((t) => t.node).join(', ')
    return this.applyChange(flags, oneChange(edits), `${args.resource} ${args.verb} ${nodes}`)
  }

  private ruleEdit(resource: string, words: string[], role: ConstraintRole | undefined): ConfigEdit {
    const rule = parseRuleWords(words)
    const score: ScoreText = rule.score === undefined ? 'INFINITY' : parseScoreArg(rule.score, 'rule score')
    let ruleRole = role
    if (rule.role !== undefined) {
      ruleRole = normalRole(rule.role)
      if (ruleRole === undefined) throw inputError(`rule role=${JSON.stringify(rule.role)} is not Promoted, Unpromoted or Started (Master and Slave are accepted)`)
      if (role !== undefined && role !== ruleRole) throw inputError(`--role ${role} and role=${rule.role} disagree`)
    }
    return {op: 'constraint.location', resource, score, rule: rule.expression, ...(rule.id === undefined ? {} : {id: rule.id}), ...(ruleRole === undefined || ruleRole === 'Started' ? {} : {role: ruleRole})}
  }
}
