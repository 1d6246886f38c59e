import {Args, Flags} from '@oclif/core'
import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {readForSimulation} from '../../cli/config-target.js'
import {timeoutFlag, waitFlag} from '../../cli/flags.js'
import {lifetimeEnd, lifetimeWord} from '../../cli/parse.js'
import {resourceNameArg} from '../../cli/resource-add.js'
import {movesAny} from '../../cli/resource-members.js'
import {applyEdit} from '../../core/config/edits.js'
import {schedule, stateOf} from '../../core/policy/index.js'

export default class ResourceMove extends EditCommand {
  static override summary = 'Move a resource to a node (through the location constraint cli-prefer-NAME, INFINITY).'
  static override description = `On the live cluster the command waits for the move, then removes its constraint unless --keep-constraint is given — a forgotten cli-prefer constraint pins the resource for ever, a classic Pacemaker trap. If removing it would make the resource move back (no stickiness, a preference elsewhere), the constraint stays and the command says so; 'hactl status' warns about every leftover constraint.
With -f the constraint stays in the file until 'hactl resource clear'.`
  static override examples = ['<%= config.bin %> <%= command.id %> web-ip n2', '<%= config.bin %> <%= command.id %> db-clone n1 --promoted', '<%= config.bin %> <%= command.id %> web-ip n2 --keep-constraint', '<%= config.bin %> -f cluster-config.json <%= command.id %> web-ip n2']
  static override args = {name: resourceNameArg, node: Args.string({name: 'NODE', required: true, description: 'Destination node.'})}
  static override strict = false
  static override flags = {
    lifetime: Flags.string({summary: 'How long the constraint counts, ISO 8601 (PT1H, P1D; pcs\'s lifetime=PT1H works too): it is kept and expires then.'}),
    wait: waitFlag,
    timeout: timeoutFlag,
    'keep-constraint': Flags.boolean({summary: 'Keep the cli-prefer constraint after the move (the resource stays pinned to NODE).'}),
    promoted: Flags.boolean({summary: 'A promotable clone: move its Promoted role to NODE (a switchover; the constraint has role Promoted, as pcs writes it).'}),
  }

  /** resource move-with-constraint: the constraint always stays (pcs 0.11). */
  protected alwaysKeepConstraint = false

  async run(): Promise<EditResult> {
    const {args, argv, flags} = await this.parse(this.constructor as typeof ResourceMove)
    const lifetime = lifetimeWord(argv as string[], flags.lifetime)
    const until = lifetime === undefined ? undefined : lifetimeEnd(lifetime, Date.now())
    const moved = await this.applyChange(flags, {op: 'resource.move', id: args.name, node: args.node, ...(flags.promoted ? {promoted: true} : {}), ...(until ? {until} : {})},
      `${flags.promoted ? `moving the Promoted role of ${args.name} to ${args.node}` : `moving ${args.name} to ${args.node}`}${until ? ` until ${until}` : ''}`)
    if (flags.simulate || flags.file !== undefined) return moved
    // A constraint with a lifetime is meant to stay until it expires.
    if (flags['keep-constraint'] || this.alwaysKeepConstraint || until) return flags.wait ? this.settle(flags, moved) : moved
    const settled = await this.settle(flags, moved)
    // Remove the constraint only if that changes nothing: the engine decides, on the live state.
    const current = await readForSimulation(flags)
    const clear = {op: 'resource.clear' as const, id: args.name, node: args.node}
    const after = schedule(applyEdit(current, clear), stateOf(current))
    // A group's or a clone's actions name its members and instances (web, web:1), never the group or clone itself.
    const movesBack = movesAny(current, args.name, after.transition.actions)
    if (movesBack) {
      const note = `kept constraint cli-prefer-${args.name}: without it ${args.name} would move away from ${args.node} again; remove it with 'hactl resource clear ${args.name}' when that is what you want`
      this.say(note)
      return {...settled, note}
    }
    const cleared = await this.applyChange(flags, clear, `removed constraint cli-prefer-${args.name}`)
    return {...settled, epoch: cleared.epoch}
  }
}

