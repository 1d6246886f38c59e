// Text and Graphviz renderings of a schedule result (pure: strings in, strings out).
import type {ScheduleResult} from './schedule.js'
import {summarize} from './summary.js'

function column(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? []
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd())
}

export function renderSummary(result: ScheduleResult): string {
  const lines = summarize(result)
  return ['Transition Summary:', ...(lines.length === 0 ? ['  (nothing to do)'] : lines.map((l) => `  ${l}`))].join('\n')
}

export function renderPlacement(result: ScheduleResult): string {
  const rows = result.placement.map((p) => [p.resource, p.node ?? '-', p.role === undefined ? p.status : `${p.status} ${p.role}`, p.reason ?? ''])
  return ['Placement:', ...column(rows).map((l) => `  ${l}`)].join('\n')
}

export function renderActions(result: ScheduleResult): string {
  const actions = result.transition.actions
  if (actions.length === 0) return 'Actions:\n  (none)'
  const rows = actions.map((a, i) => [`${i + 1}.`, a.id, `(${a.reason})`, a.dependsOn.length === 0 ? '' : `after ${a.dependsOn.join(', ')}`])
  return ['Actions:', ...column(rows).map((l) => `  ${l}`)].join('\n')
}

/** Summary, placement, actions, and anything to recheck or warn about. */
export function renderResult(result: ScheduleResult): string {
  const parts = [renderSummary(result), renderPlacement(result), renderActions(result)]
  if (result.recheckAtMs !== null) parts.push(`Recheck at ${result.recheckAtMs}ms (a failure expires or a safety delay ends).`)
  for (const w of result.warnings) parts.push(`Warning: ${w}`)
  return `${parts.join('\n\n')}\n`
}

export function renderDot(result: ScheduleResult): string {
  const quote = (s: string) => JSON.stringify(s)
  const lines = ['digraph transition {', '  rankdir=TB;']
  for (const a of result.transition.actions) {
    const color = a.op === 'stop' || a.op === 'demote' ? 'red' : a.op === 'fence' ? 'black' : a.op === 'monitor' || a.op === 'notify' ? 'gray' : a.op === 'promote' ? 'blue' : 'darkgreen'
    lines.push(`  ${quote(a.id)} [label=${quote(`${a.id}\\n${a.reason}`)} color=${color}];`)
  }
  for (const a of result.transition.actions) for (const d of a.dependsOn) lines.push(`  ${quote(d)} -> ${quote(a.id)};`)
  lines.push('}')
  return `${lines.join('\n')}\n`
}
