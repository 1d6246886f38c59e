import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {inputError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import {formatScore} from '../../core/config/scores.js'
import {explain, stateOf, type Explanation} from '../../core/policy/index.js'

export default class ResourceWhy extends HactlCommand<Explanation> {
  static override summary = 'Explain where a resource runs: per node, its score and the terms that make it up.'
  static override examples = ['<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip']
  static override args = {resource: Args.string({required: true, description: 'Resource, group, clone or clone instance id.'})}
  static override flags = {...configFlags}

  async run(): Promise<Explanation> {
    const {args, flags} = await this.parse(ResourceWhy)
    const config = await readTarget(flags)
    const explanation = explain(config, stateOf(config), args.resource)
    if (!explanation) throw inputError(`unknown resource ${JSON.stringify(args.resource)}`)
    for (const unit of explanation.units) {
      const where = unit.node === null ? 'does not run' : `runs on ${unit.node}`
      this.say(`${unit.unit} ${where}${unit.reason === '' ? '' : ` (${unit.reason})`}`)
      for (const n of unit.nodes) {
        this.say(`  ${n.node}: ${formatScore(n.score)}`)
        for (const t of n.terms) this.say(`    ${String(formatScore(t.score)).padStart(9)}  ${t.source}`)
      }
    }
    const roles = explanation.roles
    if (roles) {
      this.say(`Roles of ${roles.clone} (promoted-max ${roles.promotedMax}, promoted-node-max ${roles.promotedNodeMax}):`)
      for (const r of roles.instances) {
        const score = r.score === null ? 'cannot be promoted' : `promotion score ${formatScore(r.score)}`
        this.say(`  ${r.instance} ${r.role}${r.node === null ? '' : ` on ${r.node}`}: ${score}${r.reason === '' ? '' : ` (${r.reason})`}`)
        for (const t of r.terms) this.say(`    ${String(formatScore(t.score)).padStart(9)}  ${t.source}`)
      }
    }
    return explanation
  }
}
