import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {describeConstraint, describePrimitive, findResource, type ResourceView} from '../../cli/describe-config.js'
import {HactlError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import {resourceNameArg} from '../../cli/resource-add.js'

export default class ResourceShow extends HactlCommand<ResourceView> {
  static override summary = 'Show a resource, group or clone with its parameters, meta attributes, operations and constraints.'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip --json']
  static override args = {name: resourceNameArg}
  static override flags = {...configFlags}

  async run(): Promise<ResourceView> {
    const {args, flags} = await this.parse(ResourceShow)
    const config = await readTarget(flags)
    const view = findResource(config, args.name)
    if (!view) throw new HactlError('not-found', `resource ${JSON.stringify(args.name)} does not exist`, 2)
    const lines: string[] = []
    if (view.kind === 'primitive') {
      const r = view.resource
      lines.push(`Resource: ${describePrimitive(r)}`)
      if (view.group) lines.push(`  Group: ${view.group}`)
      if (view.clone) lines.push(`  Clone: ${view.clone}`)
      for (const [k, v] of Object.entries(r.meta)) lines.push(`  Meta: ${k}=${v}`)
      for (const op of r.operations) lines.push(`  Operation: ${op.name} interval=${op.interval}${op.timeout ? ` timeout=${op.timeout}` : ''}${op.onFail ? ` on-fail=${op.onFail}` : ''}`)
      for (const [k, v] of Object.entries(r.utilization)) lines.push(`  Utilization: ${k}=${v}`)
    } else if (view.kind === 'group') {
      lines.push(`Group: ${view.group.id} (${view.group.members.join(', ')})`)
      for (const [k, v] of Object.entries(view.group.meta)) lines.push(`  Meta: ${k}=${v}`)
    } else {
      lines.push(`Clone: ${view.clone.id} of ${view.clone.child}`)
      for (const [k, v] of Object.entries(view.clone.meta)) lines.push(`  Meta: ${k}=${v}`)
    }
    for (const c of view.constraints) lines.push(`  Constraint ${c.id}: ${describeConstraint(c)}`)
    this.say(lines.join('\n'))
    return view
  }
}
