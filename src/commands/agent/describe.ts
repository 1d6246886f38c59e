import {Args} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {table} from '../../cli/describe-config.js'
import {HactlError, inputError} from '../../cli/errors.js'
import type {AgentMetadata} from '../../agents/metadata.js'

export type AgentDescription = AgentMetadata & {id: string}

export default class AgentDescribe extends HactlCommand<AgentDescription> {
  static override summary = 'Show an agent\'s parameters and actions, from its meta-data.'
  static override examples = ['<%= config.bin %> <%= command.id %> ocf:hactl:vip', '<%= config.bin %> <%= command.id %> ocf:heartbeat:IPaddr2 --json', '<%= config.bin %> <%= command.id %> systemd:nginx']
  static override aliases = ['resource describe', 'stonith describe']
  static override args = {
    agent: Args.string({description: 'ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT', required: true}),
  }

  async run(): Promise<AgentDescription> {
    const {args} = await this.parse(AgentDescribe)
    const {describeAgent, AgentNotFoundError, MetadataError} = await import('../../agents/describe.js')
    const {AgentNameError, formatAgentId, parseAgentId} = await import('../../agents/lookup.js')
    let metadata: AgentMetadata
    let id: string
    try {
      id = formatAgentId(parseAgentId(args.agent))
      metadata = await describeAgent(args.agent)
    } catch (error) {
      if (error instanceof AgentNameError) throw inputError(error.message, 'invalid-agent')
      if (error instanceof AgentNotFoundError) throw inputError(error.message, 'agent-not-installed')
      if (error instanceof MetadataError) throw new HactlError('agent-metadata', error.message)
      throw error
    }
    this.say(render(id, metadata))
    return {id, ...metadata}
  }
}

function render(id: string, m: AgentMetadata): string {
  const lines = [`${id} — ${m.shortdesc}`, '', wrap(m.longdesc, 78), '']
  if (m.parameters.length === 0) lines.push('Parameters: none')
  else {
    lines.push('Parameters:')
    lines.push(table(['NAME', 'TYPE', 'DEFAULT', 'REQUIRED', 'DESCRIPTION'], m.parameters.map((p) => [
      p.name, p.type, p.default === undefined || p.default === '' ? '-' : p.default, p.required ? 'yes' : 'no', p.shortdesc,
    ])))
  }
  lines.push('', 'Actions:')
  lines.push(table(['ACTION', 'TIMEOUT', 'INTERVAL', 'DEPTH'], m.actions.map((a) => [a.name, a.timeout ?? '-', a.interval ?? '-', a.depth ?? '-'])))
  return lines.join('\n')
}

function wrap(text: string, width: number): string {
  const out: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') out.push(line)
  return out.join('\n')
}
