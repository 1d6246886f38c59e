import {Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configDirFlag} from '../../cli/flags.js'
import {DEFAULT_TOTEM} from '../../core/config/bootstrap.js'
import type {Totem} from '../../core/config/bootstrap-types.js'
import {timingOf, type TimingFigures} from '../../core/membership/config.js'
import {NO_QUORUM_STOP_BUDGET_MS} from '../../core/policy/nodes.js'
import {ADDRESS_AGENTS, ADDRESS_DROP_BUDGET_MS, guardLeaseMs} from '../../core/guard/index.js'
import {readBootstrap} from '../../store/cluster-files.js'

export interface TimingResult {
  totem: Totem
  whatIf: boolean
  figures: TimingFigures
  /** The resource guard: drops this node's resources when the daemon is gone or silent this long. */
  guard: {leaseMs: number, feedEveryMs: number}
  /** Without fencing: from when a lost node was last heard until its resources may start elsewhere, per kind of resource. */
  safetyDelays: Array<{resources: string, agents: string[], ms: number, formula: string}>
  formulas: Record<string, string>
  notes: string[]
}

export default class ClusterTiming extends HactlCommand<TimingResult> {
  static override summary = 'Print the worst-case failure detection, agreement and quorum times of the membership settings.'
  static override description = 'Reads totem settings from cluster.json; --token/--heartbeat/--consensus show what a change would do before you make it. Figures assume no packet loss. A crashed or cut-off node is suspected when nobody heard it for a token; a node behind one lossy link is vouched for by the others and its link is only cut after two tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --token 400', '<%= config.bin %> <%= command.id %> --heartbeat 30 --token 200 --json']
  static override flags = {
    'config-dir': configDirFlag,
    token: Flags.integer({summary: 'What-if: token timeout, ms.', min: 20, max: 600_000}),
    heartbeat: Flags.integer({summary: 'What-if: heartbeat interval, ms.', min: 5, max: 60_000}),
    consensus: Flags.integer({summary: 'What-if: consensus timeout, ms.', min: 0, max: 600_000}),
  }

  async run(): Promise<TimingResult> {
    const {flags} = await this.parse(ClusterTiming)
    const whatIf = flags.token !== undefined || flags.heartbeat !== undefined || flags.consensus !== undefined
    const base = await this.baseTotem(flags['config-dir'], whatIf)
    const totem: Totem = {heartbeat: flags.heartbeat ?? base.heartbeat, token: flags.token ?? base.token, consensus: flags.consensus ?? base.consensus}
    if (totem.token < 2 * totem.heartbeat) throw inputError(`token ${totem.token} ms must be at least twice the heartbeat ${totem.heartbeat} ms`)
    const f = timingOf(totem)
    const formulas = {
      detect: `token + one-way delay + tick = ${totem.token} + ${f.delayMs} + ${f.tickMs} (nobody heard the node for a token)`,
      agree: `detect + settle (one heartbeat) + 3 one-way delays + tick = ${f.detectMs} + ${f.settleMs} + 3 × ${f.delayMs} + ${f.tickMs}`,
      quorum: 'agree (quorum is evaluated on the agreed view)',
      join: `2 heartbeats + 3 one-way delays + 2 ticks = 2 × ${totem.heartbeat} + 3 × ${f.delayMs} + 2 × ${f.tickMs}`,
      linkLoss: `2 × token = 2 × ${totem.token} (a link between two nodes that both still reach the others)`,
      lossesTolerated: `floor(2 × token / heartbeat) - 2 = floor(${f.linkLossMs} / ${totem.heartbeat}) - 2 (an echo is up to 2 heartbeats old)`,
      lossesToleratedEverywhere: `floor(token / heartbeat) - 2 = floor(${totem.token} / ${totem.heartbeat}) - 2`,
      guardLease: `token - 2 × heartbeat = ${totem.token} - 2 × ${totem.heartbeat} (at least 2 heartbeats)`,
    }
    const guard = {leaseMs: guardLeaseMs(totem.token, totem.heartbeat), feedEveryMs: totem.heartbeat}
    const safetyDelays = [
      {resources: 'VIPs (and groups of VIPs only)', agents: [...ADDRESS_AGENTS], ms: totem.token + ADDRESS_DROP_BUDGET_MS, formula: `token + guard's address budget = ${totem.token} + ${ADDRESS_DROP_BUDGET_MS}`},
      {resources: 'any other resource', agents: [], ms: totem.token + NO_QUORUM_STOP_BUDGET_MS, formula: `token + agents' stop budget = ${totem.token} + ${NO_QUORUM_STOP_BUDGET_MS}`},
    ]
    const notes = [
      `without fencing, a lost node's resources start elsewhere a safety delay after it was last heard (see above; a safety-delay property replaces it), plus the start itself; with fencing, once the fence agent reports success`,
      `the resource guard removes this node's VIPs at once when its daemon dies, and ${guard.leaseMs} ms after the daemon's last feed when it is paused or stalled: ${totem.token + ADDRESS_DROP_BUDGET_MS - totem.heartbeat - guard.leaseMs} ms before a survivor may start them (VIP safety delay - heartbeat - lease); other resources are stopped through their agents after that`,
      'a whole host that freezes (guard included) is only safe with fencing (stonith-enabled=true and a fence device)',
      `a node whose event loop stalls more than ${f.pauseMs} ms (2 heartbeats) drops to gathering and re-agrees; one that stalls longer than the token is suspected and evicted`,
      `a node that lost its round trips with a quorum of its view for a token leaves it on its own; the others agree without it only after settle (one heartbeat) more, so it stopped first`,
      `an unfinished agreement round is restarted after consensus + token = ${totem.consensus + totem.token} ms`,
      ...(f.lossesToleratedEverywhere < 2 ? [`the token is under 4 heartbeats: a round trip is up to 2 heartbeats old without loss, so two lost heartbeats in a row make a node leave its view; use a token of at least ${Math.ceil(4.5 * totem.heartbeat)} ms`] : []),
      'corosync defaults for comparison: token 1000 ms (3000 ms from pcs), consensus 1.2 × token; keepalived: advert_int 1 s, 3 adverts',
    ]
    this.say([
      `membership timing (heartbeat ${totem.heartbeat} ms, token ${totem.token} ms, consensus ${totem.consensus} ms${whatIf ? ', what-if' : ''}), worst case without loss:`,
      `  detect a crash        ${pad(f.detectMs)}  ${formulas.detect}`,
      `  agree on a new view   ${pad(f.agreeMs)}  ${formulas.agree}`,
      `  regain quorum         ${pad(f.quorumMs)}  ${formulas.quorum}`,
      `  (re)join a node       ${pad(f.joinMs)}  ${formulas.join}`,
      `  cut one lossy link    ${pad(f.linkLossMs)}  ${formulas.linkLoss}`,
      `  heartbeats lost in a row on one link before it is cut: ${f.lossesTolerated}  (${formulas.lossesTolerated})`,
      `  heartbeats lost in a row on all of a node's links before it leaves its view: ${f.lossesToleratedEverywhere}  (${formulas.lossesToleratedEverywhere})`,
      `  resource guard lease  ${pad(guard.leaseMs)}  ${formulas.guardLease}`,
      '  safety delay without fencing (last heard -> may start elsewhere):',
      ...safetyDelays.map((d) => `    ${d.resources.padEnd(31)}${pad(d.ms)}  ${d.formula}`),
      ...notes.map((n) => `  note: ${n}`),
    ].join('\n'))
    return {totem, whatIf, figures: f, guard, safetyDelays, formulas, notes}
  }

  private async baseTotem(configDir: string, whatIf: boolean): Promise<Totem> {
    try {
      return (await readBootstrap(configDir)).totem
    } catch (error) {
      // What-ifs work without a cluster: they start from the defaults.
      if (whatIf && (error as {code?: string}).code === 'not-configured') return DEFAULT_TOTEM
      throw error
    }
  }
}

function pad(ms: number): string {
  return `${ms} ms`.padStart(7)
}
