import {Flags, HactlCommand} from '../cli/base-command.js'
import {readForSimulation} from '../cli/config-target.js'
import {inputError} from '../cli/errors.js'
import {configFlags, stateDirFlag} from '../cli/flags.js'
import {replayTransition, type ReplayResult} from '../cli/replay.js'
import {parseDurationMs} from '../core/config/durations.js'
import {ConfigError} from '../core/config/errors.js'
import {
  applyWhatIfs, renderDot, renderResult, schedule, stateOf, WhatIfError, type ScheduleResult, type WhatIf,
} from '../core/policy/index.js'
import {writeFileAtomic} from '../store/atomic-file.js'
import {serializeConfig} from '../store/config-file.js'

const many = {multiple: true as const, default: [] as string[]}

function at(text: string, flag: string): {resource: string, node: string, operation?: string} {
  const match = /^([^@]+)@([^:@]+)(?::([a-z_-]+))?$/.exec(text)
  if (!match) throw inputError(`--${flag} ${JSON.stringify(text)}: expected RESOURCE@NODE${flag === 'fail' ? '[:OP]' : ''}`)
  if (flag !== 'fail' && match[3] !== undefined) throw inputError(`--${flag} ${JSON.stringify(text)}: expected RESOURCE@NODE`)
  return {resource: match[1], node: match[2], operation: match[3]}
}

function attributeWhatIf(text: string): WhatIf {
  const match = /^([^:=]+):([A-Za-z0-9_#][A-Za-z0-9_.:#-]{0,127})=(.{0,4096})$/.exec(text)
  if (!match) throw inputError(`--attribute ${JSON.stringify(text)}: expected NODE:NAME=VALUE (e.g. n2:master-db=10)`)
  return {op: 'attribute', node: match[1], name: match[2], value: match[3]}
}

function advanceMs(text: string): number {
  const ms = parseDurationMs(text)
  if (ms === undefined) throw inputError(`--advance ${JSON.stringify(text)}: expected a duration such as 10s, 500ms or 2min`)
  return ms
}

export default class Simulate extends HactlCommand<ScheduleResult | ReplayResult> {
  static override summary = 'Show what the policy engine would do: placement, Transition Summary and ordered actions (like crm_simulate).'
  static override description = 'With -f the state is the one saved in the file (status); with none, every declared node is online and quorate and nothing runs. On the live cluster it is the DC\'s view of the cluster. What-if flags change that state before the engine runs; nothing in the cluster changes.'
  static override examples = [
    '<%= config.bin %> -f cluster-config.json <%= command.id %>',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> --running web-ip@n1 --node-down n1',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> --fail db@n2:monitor --json',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> --standby n1 --save-state next.json',
    '<%= config.bin %> -f next.json <%= command.id %> --node-fail n2 --advance 5s',
    '<%= config.bin %> -f cluster-config.json <%= command.id %> --promoted db-clone@n1 --running db-clone@n2 --attribute n2:master-db=10 --node-down n1',
  ]

  static override flags = {
    ...configFlags,
    'node-down': Flags.string({summary: 'Take a node offline cleanly (its resources are stopped).', ...many}),
    'node-fail': Flags.string({summary: 'A node leaves the membership uncleanly (fenced, or held until the safety delay).', ...many}),
    'node-up': Flags.string({summary: 'Bring a node online.', ...many}),
    standby: Flags.string({summary: 'Put a node in standby.', ...many}),
    running: Flags.string({summary: 'Say RESOURCE runs on NODE (RESOURCE@NODE).', ...many}),
    promoted: Flags.string({summary: 'Say a promotable clone (or its instance) runs Promoted on NODE (RESOURCE@NODE).', ...many}),
    attribute: Flags.string({summary: 'Set a transient node attribute NODE:NAME=VALUE, e.g. a promotion score n2:master-db=10 (empty VALUE removes it).', ...many}),
    fail: Flags.string({summary: 'Make an operation of RESOURCE fail on NODE (RESOURCE@NODE[:OP], OP defaults to monitor).', ...many}),
    'no-quorum': Flags.boolean({summary: 'The partition has no quorum.'}),
    advance: Flags.string({summary: 'Move the clock forward by DURATION (10s, 2min) after the other what-ifs: failure-timeout and the safety delay run out.'}),
    dot: Flags.boolean({summary: 'Print the action graph in Graphviz dot format.', exclusive: ['json']}),
    'save-state': Flags.string({summary: 'Write the configuration with the state after this transition to FILE.'}),
    replay: Flags.integer({summary: 'Plan transition N of this node\'s history (hactl history) again from its saved input and show it is identical (exit 1 when not).', min: 1, exclusive: ['file', 'node-down', 'node-fail', 'node-up', 'standby', 'running', 'promoted', 'attribute', 'fail', 'no-quorum', 'advance', 'save-state', 'dot']}),
    'state-dir': stateDirFlag,
  }

  async run(): Promise<ScheduleResult | ReplayResult> {
    const {flags} = await this.parse(Simulate)
    if (flags.replay !== undefined) {
      const {result, text} = await replayTransition(flags['state-dir'], flags.replay)
      this.say(text)
      if (!result.identical) process.exitCode = 1
      return result
    }
    const config = await readForSimulation(flags)
    const whatIfs: WhatIf[] = [
      ...flags['node-up'].map((node): WhatIf => ({op: 'node-up', node})),
      ...flags['node-down'].map((node): WhatIf => ({op: 'node-down', node})),
      ...flags['node-fail'].map((node): WhatIf => ({op: 'node-fail', node})),
      ...flags.standby.map((node): WhatIf => ({op: 'standby', node})),
      ...flags.running.map((t): WhatIf => ({op: 'running', ...at(t, 'running')})),
      ...flags.promoted.map((t): WhatIf => ({op: 'promoted', ...at(t, 'promoted')})),
      ...flags.attribute.map(attributeWhatIf),
      ...flags.fail.map((t): WhatIf => {
        const {resource, node, operation} = at(t, 'fail')
        return {op: 'fail', resource, node, operation: operation ?? 'monitor'}
      }),
      ...(flags['no-quorum'] ? [{op: 'no-quorum'} as WhatIf] : []),
      ...(flags.advance === undefined ? [] : [{op: 'advance', ms: advanceMs(flags.advance)} as WhatIf]),
    ]
    let result: ScheduleResult
    try {
      result = schedule(config, applyWhatIfs(config, stateOf(config), whatIfs))
    } catch (error) {
      if (error instanceof WhatIfError) throw inputError(error.message)
      if (error instanceof ConfigError) throw inputError(`${error.message} (in the saved status)`)
      throw error
    }
    if (flags['save-state'] !== undefined) {
      await writeFileAtomic(flags['save-state'], serializeConfig({...config, status: result.nextState as unknown as Record<string, unknown>}))
    }
    if (flags.dot) this.say(renderDot(result).trimEnd())
    else this.say(renderResult(result).trimEnd())
    return result
  }
}
