import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {inputError} from '../cli/errors.js'
import {runDirFlag} from '../cli/flags.js'
import {renderStatus, statusPart} from '../cli/render-status.js'
import {statusAndConfig} from '../cli/status-fast.js'
import type {ClusterStatus} from '../client/status.js'

export default class Status extends HactlCommand<ClusterStatus> {
  static override summary = 'Show the cluster: DC, quorum, nodes, where every resource runs, failures and leftover constraints.'
  static override description = `Like crm_mon -1. Any node answers: a node in a quorate partition shows the DC's view; a node without quorum shows what it knows itself, and says so.
Cluster-wide states are shown at the top and in the warnings: "*** Resource management is DISABLED ***" with maintenance-mode=true, "(unmanaged)" after each resource that the cluster does not manage now (maintenance-mode, is-managed=false, its node in maintenance), fencing enabled without a fence device, and fencing disabled. Fence devices are listed on their own, never as started resources.
--full adds node attributes and utilization, fail counts per node (the Migration Summary) and the inactive resources.
On a pipe, --watch writes the whole status once and then only the lines that changed, each with its time (UTC); on a terminal it redraws the screen.
--watch --json streams NDJSON for scripts until interrupted: one JSON object per line, each with "seq" (1, 2, … in the stream), "at" (ms since the epoch) and "type": first a "status" snapshot, then one event per change: node-joined, node-lost, node-left, fence, node-cleared, resource-started, resource-stopped, resource-failed, transition, transition-complete, dc, quorum, config; a last "error" line (then exit 3) if the daemon stops answering. Schema: schemas/status-watch.json; see hactl-observability(7).
Every call to the daemon gives up after 10 s (HACTL_TIMEOUT=SECONDS to change) with exit 3.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --full', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --watch']
  static override aliases = ['cluster status', 'resource status']
  static override args = {what: Args.string({name: 'resources|nodes|RESOURCE', description: 'As pcs status resources|nodes and pcs resource status R: only that part of the text.'})}
  static override flags = {
    'run-dir': runDirFlag,
    full: Flags.boolean({summary: 'Also node attributes, fail counts per node and inactive resources (crm_mon -A -f -r).'}),
    watch: Flags.boolean({summary: 'Redraw whenever the status changes (Ctrl-C to leave); plain changed lines on a pipe; with --json, NDJSON events.'}),
  }

  async run(): Promise<ClusterStatus> {
    const {args, flags} = await this.parse(Status)
    const json = this.jsonEnabled()
    if (args.what !== undefined && (json || flags.watch)) throw inputError(`${args.what}: a part of the status is for the text; --json and --watch show it all`)
    let {status, config} = await statusAndConfig(flags['run-dir'], json)
    if (status.balancers) status = await (await import('../cli/balancer-health.js')).withLocalBalancerHealth(status, flags['run-dir'])
    if (flags.watch && json) return this.streamEvents(flags['run-dir'], status)
    if (!flags.watch) {
      const text = renderStatus(status, {config, full: flags.full})
      this.say(args.what === undefined ? text : statusPart(text, args.what, status))
      return status
    }
    let shown = ''
    // On a pipe (a log, `| grep`): plain lines, the whole status once, then only the lines that change.
    const {PlainFollower, clockTime} = await import('../cli/watch-lines.js')
    const plain = process.stdout.isTTY ? undefined : new PlainFollower()
    for (;;) {
      const text = renderStatus(status, {config, full: flags.full})
      if (plain) {
        const lines = plain.next(text, clockTime(status.generatedAt))
        if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`)
      } else {
        const key = text.replace(/^\s*Last updated.*$/m, '')
        if (key !== shown) {
          process.stdout.write(`\x1b[2J\x1b[H${text}\n`)
          shown = key
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
      ;({status, config} = await statusAndConfig(flags['run-dir'], false))
    }
  }

  /** --watch --json: a status snapshot, then typed events (src/client/watch-events.ts), one JSON object per line, until interrupted. */
  private async streamEvents(runDir: string, first: ClusterStatus): Promise<never> {
    const {WatchFollower, WatchSequence} = await import('../client/watch-events.js')
    const {callDaemon} = await import('../client/client.js')
    const {normalizeError} = await import('../cli/errors.js')
    // A reader that went away (| head) ends the stream quietly.
    process.stdout.on('error', () => process.exit(0))
    const seq = new WatchSequence()
    const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)
    write(seq.stamp({type: 'status', status: first}, first.generatedAt))
    const follower = new WatchFollower(first)
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      try {
        const next = await callDaemon(runDir, 'status', {})
        const check = follower.toCheck(next)
        const fenced = new Map<string, boolean>()
        if (check.length > 0) {
          const state = await callDaemon(runDir, 'cluster.state', {}).catch(() => undefined)
          for (const node of check) if (state?.nodes[node]) fenced.set(node, state.nodes[node].fenced === true)
        }
        for (const event of follower.next(next, fenced)) write(seq.stamp(event, next.generatedAt))
      } catch (error) {
        const {code, message, exitCode} = normalizeError(error)
        write(seq.stamp({type: 'error', error: {code, message}}, Date.now()))
        process.exit(exitCode)
      }
    }
  }
}

