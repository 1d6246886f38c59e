// Prints the hactl agents and their parameters, from the agents' own meta-data:
// Markdown for the README (default) or man(7) markup (--man). --write-man replaces
// the generated section of man/hactl-agents.7 in place.
// Run: node --import tsx scripts/agents-table.ts [--man | --write-man]
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describeAgent, listAgents, type AgentMetadata} from '../src/agents/index.js'

const writeMan = process.argv.includes('--write-man')
const man = writeMan || process.argv.includes('--man')
const out: string[] = []
const emit = (line: string): void => {
  out.push(line)
}
const agents = (await listAgents()).filter((a) => a.provider === 'hactl')
const described: Array<[string, AgentMetadata]> = []
for (const a of agents) described.push([a.id, await describeAgent(a.id)])

const shown = (value: string | undefined): string => (value === undefined || value === '' ? '' : value)

if (man) {
  // Backslashes and leading dots or quotes are special to groff.
  const esc = (text: string) => text.replaceAll('\\', '\\e').replace(/^([.'])/, '\\&$1')
  for (const [id, m] of described) {
    emit(`.SS ${id}`)
    emit(esc(m.longdesc))
    for (const p of m.parameters) {
      const dflt = shown(p.default)
      emit('.TP')
      emit(`.BR ${p.name} " (${p.type}${p.required ? ', required' : ''}${dflt ? `, default ${esc(dflt).replaceAll('"', '\\(dq')}` : ''})"`)
      emit(esc(p.longdesc))
    }
  }
} else {
  const cell = (text: string) => text.replaceAll('|', '\\|')
  for (const [id, m] of described) {
    emit(`### \`${id}\` — ${m.shortdesc}\n`)
    emit(`${m.longdesc}\n`)
    emit('| Parameter | Type | Default | Required | Description |')
    emit('|---|---|---|---|---|')
    for (const p of m.parameters) {
      const dflt = shown(p.default)
      emit(`| \`${p.name}\` | ${p.type} | ${dflt ? `\`${cell(dflt)}\`` : ''} | ${p.required ? 'yes' : ''} | ${cell(p.longdesc)} |`)
    }
    emit('')
  }
}

const BEGIN = '.\\" BEGIN GENERATED AGENTS (scripts/agents-table.ts --write-man)'
const END = '.\\" END GENERATED AGENTS'
if (writeMan) {
  const file = fileURLToPath(new URL('../man/hactl-agents.7', import.meta.url))
  const page = readFileSync(file, 'utf8')
  const from = page.indexOf(BEGIN)
  const to = page.indexOf(END)
  if (from < 0 || to < from) throw new Error(`${file} lacks the generated-section markers`)
  writeFileSync(file, `${page.slice(0, from + BEGIN.length)}\n${out.join('\n')}\n${page.slice(to)}`)
} else {
  process.stdout.write(`${out.join('\n')}\n`)
}
