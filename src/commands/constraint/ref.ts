import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {inputError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import type {Constraint} from '../../core/config/types.js'

export interface ConstraintRefResult {resource: string, constraints: string[]}

function mentions(c: Constraint, id: string): boolean {
  if (c.type === 'location') return c.resource === id
  if (c.type === 'colocation') return c.resource === id || c.withResource === id
  return c.first === id || c.then === id
}

export default class ConstraintRef extends HactlCommand<ConstraintRefResult> {
  static override summary = 'List the constraints that refer to a resource (pcs constraint ref).'
  static override examples = ['<%= config.bin %> <%= command.id %> web']
  static override args = {resource: Args.string({name: 'RESOURCE', required: true, description: 'Resource, group or clone.'})}
  static override flags = {...configFlags}

  async run(): Promise<ConstraintRefResult> {
    const {args, flags} = await this.parse(ConstraintRef)
    const config = await readTarget(flags)
    const known = config.resources.some((r) => r.id === args.resource) || config.groups.some((g) => g.id === args.resource) || config.clones.some((c) => c.id === args.resource)
    if (!known) throw inputError(`resource ${JSON.stringify(args.resource)} does not exist`, 'not-found')
    const constraints = config.constraints.filter((c) => mentions(c, args.resource)).map((c) => c.id)
    this.say(`Resource: ${args.resource}`)
    this.say(constraints.length === 0 ? '  No Matches' : constraints.map((id) => `  ${id}`).join('\n'))
    return {resource: args.resource, constraints}
  }
}
