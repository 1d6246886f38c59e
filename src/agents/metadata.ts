// OCF meta-data: what an agent says about itself, and checks of a resource's
// parameters against it (pure functions; the executor supplies the XML).

import {allText, childElements, firstChild, parseXml, type XmlElement} from './xml.js'

export type ParameterType = 'string' | 'integer' | 'boolean' | 'time' | 'select' | string

export interface AgentParameter {
  name: string
  required: boolean
  unique: boolean
  type: ParameterType
  /** The default as the agent states it; undefined when none. */
  default?: string
  shortdesc: string
  longdesc: string
  deprecated: boolean
  /** Allowed values of a `select` parameter (OCF 1.1). */
  values?: string[]
  /** reloadable="1": a change is applied by reload-agent, without a restart (OCF 1.1). */
  reloadable?: boolean
}

export interface AgentAction {
  name: string
  timeout?: string
  interval?: string
  depth?: string
  role?: string
  startDelay?: string
}

export interface AgentMetadata {
  name: string
  /** The agent's own version attribute, and the OCF version it implements. */
  version?: string
  ocfVersion?: string
  shortdesc: string
  longdesc: string
  parameters: AgentParameter[]
  actions: AgentAction[]
}

/** Parses an agent's `meta-data` output. Throws (XmlError or Error) when it is not OCF meta-data. */
export function parseMetadata(xml: string): AgentMetadata {
  const root = parseXml(xml)
  if (root.name !== 'resource-agent') throw new Error(`meta-data root is <${root.name}>, expected <resource-agent>`)
  const parameters = firstChild(root, 'parameters')
  const actions = firstChild(root, 'actions')
  return {
    name: root.attributes.name ?? '',
    version: root.attributes.version,
    ocfVersion: textOf(firstChild(root, 'version')),
    shortdesc: description(root, 'shortdesc'),
    longdesc: description(root, 'longdesc'),
    parameters: parameters ? childElements(parameters, 'parameter').map(parameterOf) : [],
    actions: actions ? childElements(actions, 'action').map(actionOf) : [],
  }
}

function parameterOf(node: XmlElement): AgentParameter {
  const content = firstChild(node, 'content')
  const values = content ? childElements(content, 'option').map((o) => o.attributes.value ?? '') : []
  return {
    name: node.attributes.name ?? '',
    required: node.attributes.required === '1',
    unique: node.attributes.unique === '1' || node.attributes['unique-group'] !== undefined,
    type: content?.attributes.type ?? 'string',
    ...(content?.attributes.default === undefined ? {} : {default: content.attributes.default}),
    shortdesc: description(node, 'shortdesc'),
    longdesc: description(node, 'longdesc'),
    deprecated: node.attributes.deprecated === '1' || firstChild(node, 'deprecated') !== undefined,
    ...(values.length > 0 ? {values} : {}),
    ...(node.attributes.reloadable === '1' ? {reloadable: true} : {}),
  }
}

/** The parameters reload-agent applies without a restart; undefined when the agent has no reload-agent action. */
export function reloadableParams(metadata: AgentMetadata): string[] | undefined {
  if (!metadata.actions.some((a) => a.name === 'reload-agent')) return undefined
  return metadata.parameters.filter((p) => p.reloadable).map((p) => p.name)
}

function actionOf(node: XmlElement): AgentAction {
  const a = node.attributes
  const action: AgentAction = {name: a.name ?? ''}
  if (a.timeout !== undefined) action.timeout = a.timeout
  if (a.interval !== undefined) action.interval = a.interval
  if (a.depth !== undefined) action.depth = a.depth
  if (a.role !== undefined) action.role = a.role
  if (a['start-delay'] !== undefined) action.startDelay = a['start-delay']
  return action
}

/** The English description (or the first one), whitespace collapsed. */
function description(node: XmlElement, name: string): string {
  const all = childElements(node, name)
  const chosen = all.find((d) => (d.attributes.lang ?? 'en') === 'en') ?? all[0]
  return chosen ? collapse(allText(chosen)) : ''
}

function textOf(node: XmlElement | undefined): string | undefined {
  return node ? collapse(allText(node)) : undefined
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * Checks parameters against meta-data: every name must be declared and every
 * required one present. Returns a one-line error listing the valid names, or null.
 */
export function checkParams(agent: string, metadata: AgentMetadata, params: Record<string, string>): string | null {
  const declared = new Map(metadata.parameters.map((p) => [p.name, p]))
  const valid = metadata.parameters.map((p) => (p.required ? `${p.name} (required)` : p.name)).join(', ') || 'none'
  const unknown = Object.keys(params).filter((k) => !declared.has(k))
  if (unknown.length > 0) {
    const list = unknown.map((k) => `'${k}'`).join(', ')
    return `${agent} has no parameter ${list}; valid parameters: ${valid}`
  }
  const missing = metadata.parameters.filter((p) => p.required && (params[p.name] ?? '') === '').map((p) => p.name)
  if (missing.length > 0) return `${agent} requires parameter ${missing.join(', ')}; valid parameters: ${valid}`
  const badValue = metadata.parameters.find((p) => params[p.name] !== undefined && p.values !== undefined && !p.values.includes(params[p.name]!))
  if (badValue) return `${agent} parameter ${badValue.name}='${params[badValue.name]}' is not one of ${badValue.values!.join(', ')}`
  for (const p of metadata.parameters) {
    const value = params[p.name]
    if (value === undefined || value === '') continue
    if (p.type === 'integer' && !/^[-+]?\d+$/.test(value)) return `${agent} parameter ${p.name}='${value}' is not an integer`
    if (p.type === 'boolean' && !BOOLEAN.test(value)) return `${agent} parameter ${p.name}='${value}' is not a boolean (true/false, yes/no, 1/0, on/off)`
  }
  return null
}

const BOOLEAN = /^(true|false|yes|no|y|n|1|0|on|off)$/i
