import {EditCommand, type EditResult} from '../../cli/edit-command.js'
import {inputError} from '../../cli/errors.js'
import {parseDurationMs} from '../../core/config/durations.js'
import type {ResourceConfig} from '../../core/config/types.js'
import {readTarget} from '../../cli/config-target.js'

/** pcs's words: NAME=VALUE before any section, then `options NAME=VALUE...` and `meta NAME=VALUE...`. */
function sections(words: readonly string[]): {top: Record<string, string>, options: Record<string, string>, meta: Record<string, string>} {
  const out = {top: {} as Record<string, string>, options: {} as Record<string, string>, meta: {} as Record<string, string>}
  let into = out.top
  for (const word of words) {
    if (word === 'options' || word === 'meta') {
      into = out[word]
      continue
    }
    const at = word.indexOf('=')
    if (at <= 0) throw inputError(`${JSON.stringify(word)} is not NAME=VALUE (usage: alert create path=PATH [id=ID] [options NAME=VALUE...] [meta timeout=T])`)
    into[word.slice(0, at)] = word.slice(at + 1)
  }
  return out
}

export default class AlertCreate extends EditCommand {
  static override summary = 'Add an alert in pcs\'s words: alert create path=PATH [id=ID] [options NAME=VALUE...] [meta timeout=T].'
  static override description = 'The same as hactl alert add ID --path PATH: the agent runs on the DC with Pacemaker\'s CRM_alert_* environment for every node, fencing, resource and attribute event. Without id= the id is "alert" (then alert-1, …), as pcs does. Options are passed to the agent as environment variables; of the meta attributes, timeout is kept (timestamp-format is refused: hactl passes CRM_alert_timestamp in its own format). Add recipients with hactl alert recipient add.'
  static override examples = ['<%= config.bin %> <%= command.id %> path=/usr/share/pacemaker/alerts/alert_file.sh.sample id=log_alert', '<%= config.bin %> <%= command.id %> path=/usr/local/bin/page id=pager meta timeout=10s']
  static override strict = false

  async run(): Promise<EditResult> {
    const {argv, flags} = await this.parse(AlertCreate)
    const {top, options, meta} = sections(argv as string[])
    if ('description' in top) throw inputError('alert create: description= is not kept by hactl (its configuration has no description field); leave it out')
    for (const key of Object.keys(top)) if (!['path', 'id'].includes(key)) throw inputError(`alert create: ${JSON.stringify(key)} is not path or id`)
    for (const key of Object.keys(meta)) if (key !== 'timeout') throw inputError(`alert create: meta ${JSON.stringify(key)} is not supported (only timeout)`)
    if (top.path === undefined) throw inputError('alert create needs path=PATH (the alert agent)')
    if (!top.path.startsWith('/')) throw inputError(`path ${JSON.stringify(top.path)}: expected an absolute path`)
    if (meta.timeout !== undefined) {
      const ms = parseDurationMs(meta.timeout)
      if (ms === undefined || ms <= 0 || ms > 3_600_000) throw inputError(`meta timeout ${JSON.stringify(meta.timeout)}: expected a duration between 1ms and 1h, such as 30s`)
    }
    for (const key of Object.keys(options)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) || /^(CRM_alert_|PATH$|LD_)/.test(key)) throw inputError(`option ${JSON.stringify(key)}: expected an environment variable name, not PATH, LD_* or CRM_alert_*`)
    }
    const id = top.id ?? freeId(await readTarget(flags))
    const alert = {id, path: top.path, recipients: [], ...(meta.timeout ? {timeout: meta.timeout} : {}), ...(Object.keys(options).length > 0 ? {options} : {})}
    return this.applyChange(flags, {op: 'alert.add', alert}, `added alert ${id}`)
  }
}

/** pcs's default alert id: alert, then alert-1, alert-2, … */
function freeId(config: ResourceConfig): string {
  const taken = new Set((config.alerts ?? []).map((a) => a.id))
  if (!taken.has('alert')) return 'alert'
  for (let n = 1; ; n++) if (!taken.has(`alert-${n}`)) return `alert-${n}`
}
