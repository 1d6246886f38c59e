import {HactlCommand} from '../../cli/base-command.js'
import {readTarget} from '../../cli/config-target.js'
import {describeConstraint, describePrimitive, findResource, type ResourceView} from '../../cli/describe-config.js'
import {HactlError} from '../../cli/errors.js'
import {configFlags} from '../../cli/flags.js'
import {Args} from '@oclif/core'

export default class ResourceShow extends HactlCommand<ResourceView | ResourceView[]> {
  static override summary = 'Show a resource, group or clone with its parameters, meta attributes, operations and constraints.'
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip --json']
  static override description = 'Without NAME, every resource, group and clone in turn (pcs resource config).'
  static override aliases = ['resource config']
  static override args = {name: Args.string({name: 'NAME', description: 'Resource, group or clone id (default: all).'})}
  static override flags = {...configFlags}

  async run(): Promise<ResourceView | ResourceView[]> {
    const {args, flags} = await this.parse(ResourceShow)
    const config = await readTarget(flags)
    if (args.name === undefined) {
      // Top-level units only: a group's or clone's members are shown with it.
      const inside = new Set([...config.groups.flatMap((g) => g.members), ...config.clones.map((c) => c.child)])
      const ids = [...config.resources.map((r) => r.id), ...config.groups.map((g) => g.id)].filter((id) => !inside.has(id))
      const tops = [...ids, ...config.clones.map((c) => c.id)]
      const views: ResourceView[] = []
      const blocks: string[] = []
      for (const id of tops) {
        const view = findResource(config, id)
        if (!view) continue
        views.push(view)
        blocks.push(this.render(view))
        // Members of a group or a clone's child follow their parent.
        const members = view.kind === 'group' ? view.group.members : view.kind === 'clone' ? [view.clone.child] : []
        for (const member of members) {
          const inner = findResource(config, member)
          if (inner) blocks.push(this.render(inner).split('\n').map((l) => `  ${l}`).join('\n'))
        }
      }
      this.say(blocks.length === 0 ? 'no resources' : blocks.join('\n'))
      return views
    }
    const view = findResource(config, args.name)
    if (!view) throw new HactlError('not-found', `resource ${JSON.stringify(args.name)} does not exist`, 2)
    this.say(this.render(view))
    return view
  }

  private render(view: ResourceView): string {
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
    return lines.join('\n')
  }
}
