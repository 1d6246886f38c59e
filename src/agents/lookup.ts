// Agent names and where their programs live:
//   ocf:hactl:TYPE      hactl's own agents, shipped in this package's resource-agents/ocf/hactl/
//   ocf:PROVIDER:TYPE   OCF_ROOT/resource.d/PROVIDER/TYPE (ClusterLabs' agents run unchanged)
//   lsb:NAME            an init script in /etc/init.d, LSB exit codes
//   systemd:UNIT        the unit, through hactl's service agent

import {constants} from 'node:fs'
import {access, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export type AgentClass = 'ocf' | 'lsb' | 'systemd'

export interface AgentSpec {
  class: AgentClass
  /** OCF provider; undefined for lsb and systemd. */
  provider?: string
  /** OCF type, init script name or systemd unit. */
  type: string
}

export interface AgentLocations {
  /** OCF root: agents are under OCF_ROOT/resource.d, and the root is passed to them as OCF_ROOT. */
  ocfRoot: string
  /** Directory of hactl's own agents (ocf:hactl:*). */
  hactlDir: string
  /** Directory of LSB init scripts. */
  lsbDir: string
}

/** How to run an action of an agent: program, argument, and the exit-code dialect. */
export interface ResolvedAgent {
  id: string
  spec: AgentSpec
  program: string
  /** Parameters the class itself implies (systemd:UNIT → unit=UNIT). */
  impliedParams: Record<string, string>
  dialect: 'ocf' | 'lsb'
  ocfRoot: string
}

/** This package's root: the same two levels up from src/agents and dist/agents. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export function defaultLocations(env: NodeJS.ProcessEnv = process.env): AgentLocations {
  return {
    ocfRoot: env.HACTL_OCF_ROOT || '/usr/lib/ocf',
    hactlDir: path.join(PACKAGE_ROOT, 'resource-agents', 'ocf', 'hactl'),
    lsbDir: env.HACTL_LSB_DIR || '/etc/init.d',
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/
const UNIT = /^[A-Za-z0-9:_.@\\-]+$/

export class AgentNameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AgentNameError'
  }
}

/** Parses "ocf:hactl:vip", "lsb:ntp", "systemd:nginx.service"; throws AgentNameError with a one-line reason. */
export function parseAgentId(id: string): AgentSpec {
  const parts = id.split(':')
  const [klass] = parts
  if (klass === 'ocf') {
    if (parts.length !== 3 || !SEGMENT.test(parts[1]!) || !SEGMENT.test(parts[2]!)) {
      throw new AgentNameError(`agent '${id}' is not ocf:PROVIDER:TYPE`)
    }
    return {class: 'ocf', provider: parts[1], type: parts[2]!}
  }
  if (klass === 'lsb' || klass === 'systemd') {
    const name = parts.slice(1).join(':')
    const ok = klass === 'lsb' ? SEGMENT.test(name) : UNIT.test(name) && !name.startsWith('-')
    if (!ok) throw new AgentNameError(`agent '${id}' is not ${klass}:NAME`)
    return {class: klass, type: name}
  }
  throw new AgentNameError(`agent '${id}' has unknown class '${klass}' (use ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT)`)
}

export function formatAgentId(spec: AgentSpec): string {
  return spec.class === 'ocf' ? `ocf:${spec.provider}:${spec.type}` : `${spec.class}:${spec.type}`
}

/** Where the program of an agent is; does not check that it exists. */
export function resolveAgent(id: string, locations: AgentLocations): ResolvedAgent {
  const spec = parseAgentId(id)
  const base = {id: formatAgentId(spec), spec, ocfRoot: locations.ocfRoot}
  switch (spec.class) {
  case 'ocf': {
    const dir = spec.provider === 'hactl' ? locations.hactlDir : path.join(locations.ocfRoot, 'resource.d', spec.provider!)
    return {...base, program: path.join(dir, spec.type), impliedParams: {}, dialect: 'ocf'}
  }
  case 'lsb':
    return {...base, program: path.join(locations.lsbDir, spec.type), impliedParams: {}, dialect: 'lsb'}
  case 'systemd':
    return {...base, program: path.join(locations.hactlDir, 'service'), impliedParams: {unit: spec.type}, dialect: 'ocf'}
  }
}

/** The argv[1] of an action: LSB scripts know `status`, not `monitor`. */
export function actionArgument(agent: ResolvedAgent, action: string): string {
  return agent.dialect === 'lsb' && action === 'monitor' ? 'status' : action
}

export interface AgentListing {
  id: string
  class: AgentClass
  provider?: string
  type: string
  path: string
}

/** hactl's agents, every OCF agent under the OCF root, and the LSB init scripts. */
export async function listAgents(locations: AgentLocations): Promise<AgentListing[]> {
  const result: AgentListing[] = []
  for (const type of await executables(locations.hactlDir)) {
    result.push({id: `ocf:hactl:${type}`, class: 'ocf', provider: 'hactl', type, path: path.join(locations.hactlDir, type)})
  }
  const providersDir = path.join(locations.ocfRoot, 'resource.d')
  for (const provider of (await entries(providersDir)).sort()) {
    if (provider === 'hactl' || !SEGMENT.test(provider)) continue
    const dir = path.join(providersDir, provider)
    for (const type of await executables(dir)) result.push({id: `ocf:${provider}:${type}`, class: 'ocf', provider, type, path: path.join(dir, type)})
  }
  for (const type of await executables(locations.lsbDir)) {
    result.push({id: `lsb:${type}`, class: 'lsb', type, path: path.join(locations.lsbDir, type)})
  }
  return result
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch {
    return []
  }
}

async function executables(dir: string): Promise<string[]> {
  const names = (await entries(dir)).filter((n) => SEGMENT.test(n)).sort()
  const checks = await Promise.all(names.map(async (n) => isExecutableFile(path.join(dir, n))))
  return names.filter((_, i) => checks[i])
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false
    await access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
