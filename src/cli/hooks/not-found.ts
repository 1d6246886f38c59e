import type {Hook} from '@oclif/core'
import {HactlError} from '../errors.js'
import {suggestCommand} from '../suggest.js'

/** oclif's command_not_found: one line in hactl's error style, with the closest command, exit 2. */
const hook: Hook<'command_not_found'> = async function (options) {
  const visible = options.config.commands.filter((c) => !c.hidden)
  const ids = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)]
  const typed = options.id.replaceAll(':', ' ')
  const suggestion = suggestCommand(options.id, ids)
  const topic = options.config.findTopic(options.id.split(':')[0]) ? ` ${options.id.split(':')[0]}` : ''
  throw new HactlError('unknown-command', `'${typed}' is not a hactl command${suggestion ? `; did you mean '${suggestion.replaceAll(':', ' ')}'?` : ''} (see 'hactl help${topic}')`, 2)
}

export default hook
