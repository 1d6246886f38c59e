// Pacemaker's commands for resource agents: crm_attribute, crm_master and
// crm_node, answered by the local hactl daemon over its control socket. Agents
// from ClusterLabs call them by ${HA_SBIN_DIR}/NAME or through PATH; the executor
// points both at resource-agents/sbin, whose small sh wrappers run this file.
// Only what agents use is supported (man hactl-agents): the options are parsed
// as Pacemaker 2.1 parses them, the output and exit codes are Pacemaker's.
import {callDaemon} from '../client/client.js'
import {HactlError, UnreachableError} from '../cli/errors.js'

/** Pacemaker's exit codes (crm_exit_t). */
export const CRM_EX = {OK: 0, ERROR: 1, USAGE: 64, DATAERR: 65, UNAVAILABLE: 69, NOSUCH: 105} as const

export class UsageError extends Error {}

interface Option {
  long: string
  short?: string
  /** 'none': a switch; 'required': takes a value; 'optional': only as --long=VALUE or -xVALUE (glib's optional argument). */
  arg: 'none' | 'required' | 'optional'
}

/** Parses argv as glib/getopt do: --long, --long=value, --long value, -x, -xVALUE, -x VALUE, bundled -qG. */
export function parseOptions(argv: string[], options: Option[]): Map<string, string | true> {
  const found = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    if (word === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}'`)
      break
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      const name = word.slice(2, eq < 0 ? undefined : eq)
      const option = options.find((o) => o.long === name)
      if (!option) throw new UsageError(`unknown option '--${name}'`)
      if (option.arg === 'none') {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`)
        found.set(option.long, true)
      } else if (eq >= 0) found.set(option.long, word.slice(eq + 1))
      else if (option.arg === 'optional') found.set(option.long, true)
      else {
        if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' needs a value`)
        found.set(option.long, argv[++i]!)
      }
      continue
    }
    if (!word.startsWith('-') || word === '-') throw new UsageError(`unexpected argument '${word}'`)
    for (let j = 1; j < word.length; j++) {
      const option = options.find((o) => o.short === word[j])
      if (!option) throw new UsageError(`unknown option '-${word[j]}'`)
      if (option.arg === 'none') {
        found.set(option.long, true)
        continue
      }
      const rest = word.slice(j + 1)
      if (rest !== '') found.set(option.long, rest)
      else if (option.arg === 'optional') found.set(option.long, true)
      else {
        if (i + 1 >= argv.length) throw new UsageError(`option '-${word[j]}' needs a value`)
        found.set(option.long, argv[++i]!)
      }
      break
    }
  }
  return found
}

const ATTRIBUTE_OPTIONS: Option[] = [
  {long: 'node', short: 'N', arg: 'required'}, {long: 'uname', short: 'U', arg: 'required'},
  {long: 'name', short: 'n', arg: 'required'}, {long: 'update', short: 'v', arg: 'required'}, {long: 'attr-value', arg: 'required'},
  {long: 'query', short: 'G', arg: 'none'}, {long: 'get-value', arg: 'none'},
  {long: 'delete', short: 'D', arg: 'none'}, {long: 'delete-attr', arg: 'none'},
  {long: 'lifetime', short: 'l', arg: 'required'}, {long: 'type', short: 't', arg: 'required'},
  {long: 'promotion', short: 'p', arg: 'optional'}, {long: 'quiet', short: 'q', arg: 'none'}, {long: 'quiet-q', short: 'Q', arg: 'none'},
  {long: 'default', short: 'd', arg: 'required'}, {long: 'verbose', short: 'V', arg: 'none'},
  {long: 'id', short: 'i', arg: 'required'}, {long: 'set-name', short: 's', arg: 'required'},
]

/** One request crm_attribute makes of the daemon. */
export interface AttributeCommand {
  command: 'update' | 'query' | 'delete'
  node?: string
  name: string
  value?: string
  lifetime: 'reboot' | 'forever'
  quiet: boolean
  defaultValue?: string
}

/** `db:2` -> `db`: the promotion score belongs to the clone's primitive, not one instance. */
export function stripCloneSuffix(instance: string): string {
  return instance.replace(/:[0-9]+$/, '')
}

/** crm_attribute's argv -> what to ask (throws UsageError as Pacemaker refuses). */
export function attributeCommand(argv: string[], env: NodeJS.ProcessEnv): AttributeCommand {
  const o = parseOptions(argv, ATTRIBUTE_OPTIONS)
  const text = (key: string) => {
    const v = o.get(key)
    return typeof v === 'string' ? v : undefined
  }
  const value = text('update') ?? text('attr-value')
  const query = o.has('query') || o.has('get-value')
  const remove = o.has('delete') || o.has('delete-attr')
  const commands = [value !== undefined, query, remove].filter(Boolean).length
  if (commands > 1) throw new UsageError('only one of -v/--update, -G/--query, -D/--delete may be given')
  const node = text('node') ?? text('uname')
  let name = text('name')
  let lifetime: 'reboot' | 'forever' | undefined
  const lifetimeText = text('lifetime')
  if (lifetimeText !== undefined) {
    if (lifetimeText === 'reboot') lifetime = 'reboot'
    else if (lifetimeText === 'forever') lifetime = 'forever'
    else throw new UsageError(`invalid lifetime '${lifetimeText}': expected reboot or forever`)
  }
  const type = text('type')
  if (type !== undefined) {
    // -t status is the transient section, -t nodes the configuration's node attributes.
    if (type === 'status') lifetime ??= 'reboot'
    else if (type === 'nodes') lifetime ??= 'forever'
    else throw new UsageError(`--type ${type} is not supported by hactl's crm_attribute (only nodes and status: node attributes); use 'hactl property' for cluster options`)
  }
  if (o.has('promotion')) {
    const promotion = o.get('promotion')
    const resource = typeof promotion === 'string' ? promotion : env.OCF_RESOURCE_INSTANCE
    if (!resource) throw new UsageError('-p/--promotion needs a resource (none given and OCF_RESOURCE_INSTANCE is not set)')
    name = `master-${stripCloneSuffix(resource)}`
    lifetime ??= 'reboot'
  }
  if (name === undefined) throw new UsageError('no attribute name: give -n/--name NAME (or -p/--promotion)')
  if (node === undefined && lifetime === undefined) {
    throw new UsageError('cluster options are not supported by hactl\'s crm_attribute (give -N/--node or -l/--lifetime for a node attribute); use \'hactl property\'')
  }
  return {
    command: value !== undefined ? 'update' : remove ? 'delete' : 'query',
    ...(node !== undefined ? {node} : {}), name, ...(value !== undefined ? {value} : {}),
    lifetime: lifetime ?? 'forever', quiet: o.has('quiet') || o.has('quiet-q'),
    ...(text('default') !== undefined ? {defaultValue: text('default')} : {}),
  }
}

const MASTER_OPTIONS: Option[] = [
  {long: 'quiet', short: 'q', arg: 'none'}, {long: 'query', short: 'G', arg: 'none'}, {long: 'get-value', arg: 'none'},
  {long: 'update', short: 'v', arg: 'required'}, {long: 'attr-value', arg: 'required'},
  {long: 'delete', short: 'D', arg: 'none'}, {long: 'delete-attr', arg: 'none'}, {long: 'node', short: 'N', arg: 'required'},
  {long: 'uname', short: 'U', arg: 'required'}, {long: 'lifetime', short: 'l', arg: 'required'}, {long: 'id', short: 'i', arg: 'required'},
  {long: 'resource', short: 'r', arg: 'required'}, {long: 'verbose', short: 'V', arg: 'none'}, {long: 'quiet-q', short: 'Q', arg: 'none'},
]

/** crm_master's argv -> the crm_attribute argv it stands for (lifetime forever unless -l, as Pacemaker's script). */
export function masterToAttribute(argv: string[], env: NodeJS.ProcessEnv): string[] {
  const o = parseOptions(argv, MASTER_OPTIONS)
  const resource = (o.get('resource') as string | undefined) ?? env.OCF_RESOURCE_INSTANCE
  if (!resource) throw new UsageError('No resource specified')
  const out = ['--promotion=' + resource, '--lifetime', (o.get('lifetime') as string | undefined) ?? 'forever']
  for (const [key, value] of o) {
    if (key === 'resource' || key === 'lifetime' || key === 'id' || key === 'verbose') continue
    out.push(`--${key}`)
    if (value !== true) out.push(value)
  }
  return out
}

interface Io {
  out(line: string): void
  err(line: string): void
}

function runDir(env: NodeJS.ProcessEnv): string {
  return env.HACTL_RUN_DIR || '/run/hactl'
}

async function crmAttribute(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const c = attributeCommand(argv, env)
  const params = {...(c.node !== undefined ? {node: c.node} : {}), name: c.name, lifetime: c.lifetime}
  const scope = c.lifetime === 'reboot' ? 'status' : 'nodes'
  if (c.command === 'update') {
    await callDaemon(runDir(env), 'attribute.update', {...params, value: c.value!})
    return CRM_EX.OK
  }
  if (c.command === 'delete') {
    await callDaemon(runDir(env), 'attribute.delete', params)
    return CRM_EX.OK
  }
  const result = await callDaemon(runDir(env), 'attribute.query', params)
  const value = result.value ?? c.defaultValue
  if (value === undefined) {
    io.err('Error performing operation: No such device or address')
    return CRM_EX.NOSUCH
  }
  io.out(c.quiet ? value : `scope=${scope}  name=${c.name} value=${value}`)
  return CRM_EX.OK
}

const NODE_OPTIONS: Option[] = [
  {long: 'name', short: 'n', arg: 'none'}, {long: 'name-for-id', short: 'N', arg: 'required'}, {long: 'cluster-id', short: 'i', arg: 'none'},
  {long: 'list', short: 'l', arg: 'none'}, {long: 'partition', short: 'p', arg: 'none'}, {long: 'quorum', short: 'q', arg: 'none'},
  {long: 'verbose', short: 'V', arg: 'none'},
]

async function crmNode(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const o = parseOptions(argv, NODE_OPTIONS)
  const commands = ['name', 'name-for-id', 'cluster-id', 'list', 'partition', 'quorum'].filter((k) => o.has(k))
  if (commands.length !== 1) throw new UsageError('give exactly one of -n, -N ID, -i, -l, -p, -q')
  const info = await callDaemon(runDir(env), 'node.info', {})
  switch (commands[0]) {
  case 'name': io.out(info.name); break
  case 'cluster-id': io.out(String(info.id)); break
  case 'name-for-id': {
    const node = info.nodes.find((n) => String(n.id) === o.get('name-for-id'))
    if (!node) {
      io.err(`crm_node: no node with id ${String(o.get('name-for-id'))}`)
      return CRM_EX.NOSUCH
    }
    io.out(node.name)
    break
  }
  case 'list': for (const n of info.nodes) io.out(`${n.id} ${n.name} ${n.member ? 'member' : 'lost'}`); break
  case 'partition': io.out(info.nodes.filter((n) => n.member).map((n) => n.name).join(' ')); break
  case 'quorum': io.out(info.quorate ? '1' : '0'); break
  }
  return CRM_EX.OK
}

const ATTRD_OPTIONS: Option[] = [
  {long: 'name', short: 'n', arg: 'required'}, {long: 'node', short: 'N', arg: 'required'}, {long: 'update', short: 'U', arg: 'required'},
  {long: 'query', short: 'Q', arg: 'none'}, {long: 'all', short: 'A', arg: 'none'}, {long: 'delete', short: 'D', arg: 'none'},
  {long: 'lifetime', short: 'l', arg: 'required'}, {long: 'private', short: 'p', arg: 'none'}, {long: 'quiet', short: 'q', arg: 'none'},
  {long: 'verbose', short: 'V', arg: 'none'}, {long: 'delay', short: 'd', arg: 'required'},
]

/** attrd_updater: -n NAME with -U VALUE / -D (this node), -Q [-A | -N NODE]; prints name="…" host="…" value="…" as Pacemaker 2.1. */
async function attrdUpdater(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const o = parseOptions(argv, ATTRD_OPTIONS)
  const name = o.get('name')
  if (typeof name !== 'string') throw new UsageError('-n/--name NAME is required')
  const node = o.get('node') as string | undefined
  if (typeof o.get('update') === 'string') {
    await callDaemon(runDir(env), 'attribute.update', {...(node ? {node} : {}), name, value: o.get('update') as string, lifetime: 'reboot'})
    return CRM_EX.OK
  }
  if (o.has('delete')) {
    await callDaemon(runDir(env), 'attribute.delete', {...(node ? {node} : {}), name, lifetime: 'reboot'})
    return CRM_EX.OK
  }
  if (!o.has('query')) throw new UsageError('give one of -U VALUE, -D, -Q')
  const {values} = await callDaemon(runDir(env), 'attribute.list', {name})
  const nodes = o.has('all') ? Object.keys(values).sort() : [node ?? (await callDaemon(runDir(env), 'node.info', {})).name]
  let found = 0
  for (const host of nodes) {
    if (values[host] === undefined) continue
    found++
    io.out(`name="${name}" host="${host}" value="${values[host]}"`)
  }
  if (found === 0 && !o.has('all')) {
    io.err(`attrd_updater: could not query value of ${name}: attribute does not exist`)
    return CRM_EX.NOSUCH
  }
  return CRM_EX.OK
}

/** Runs one command; returns its exit code. Never throws. */
export async function main(command: string, argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  try {
    switch (command) {
    case 'crm_attribute': return await crmAttribute(argv, env, io)
    case 'crm_master': return await crmAttribute(masterToAttribute(argv, env), env, io)
    case 'crm_node': return await crmNode(argv, env, io)
    case 'attrd_updater': return await attrdUpdater(argv, env, io)
    default:
      io.err(`hactl: ${command} is not one of the Pacemaker commands hactl provides (crm_attribute, crm_master, crm_node, attrd_updater)`)
      return CRM_EX.USAGE
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${command}: ${error.message}`)
      return CRM_EX.USAGE
    }
    if (error instanceof UnreachableError) {
      io.err(`${command}: ${error.message}`)
      return CRM_EX.UNAVAILABLE
    }
    if (error instanceof HactlError) {
      io.err(`${command}: ${error.message}`)
      return error.exitCode === 2 ? CRM_EX.DATAERR : CRM_EX.ERROR
    }
    io.err(`${command}: ${String((error as Error)?.message ?? error)}`)
    return CRM_EX.ERROR
  }
}

const invokedAs = process.argv[2]
if (invokedAs !== undefined && process.argv[1]?.endsWith('pacemaker.js')) {
  const code = await main(invokedAs, process.argv.slice(3), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  })
  process.exitCode = code
}
