// Pacemaker-style Transition Summary lines: "* Move web-ip ( n1 -> n2 ) due to node standby".
import type {Change} from './actions.js'
import type {ScheduleResult} from './schedule.js'

function line(c: Change): string {
  const due = c.reason === '' ? '' : ` due to ${c.reason}`
  switch (c.kind) {
    case 'Fence': return `* Fence ${c.resource}${due}`
    case 'Start': return `* Start ${c.resource} ( ${c.to} )${due}`
    case 'Stop': return `* Stop ${c.resource} ( ${c.from} )${due}`
    case 'Restart': return `* Restart ${c.resource} ( ${c.from} )${due}`
    case 'Reload': return `* Reload ${c.resource} ( ${c.from} )${due}`
    case 'Hold': return `* Hold ${c.resource} ( ${c.from} )${c.untilMs !== undefined && c.untilMs < Number.MAX_SAFE_INTEGER ? ` until ${c.untilMs}ms` : ''}${due}`
    case 'Recover': return c.to === undefined ? `* Recover ${c.resource} ( ${c.from} )${due}` : `* Recover ${c.resource} ( ${c.from} -> ${c.to} )${due}`
    default: return `* ${c.kind} ${c.resource} ( ${c.from} -> ${c.to} )${due}`
  }
}

export function summarize(result: ScheduleResult): string[] {
  return result.changes.map(line)
}
