// Pacemaker-style Transition Summary lines: "* Move web-ip ( n1 -> n2 ) due to node standby".
import type {Change} from './actions.js'
import type {ScheduleResult} from './schedule.js'

/** A node with the role in front, as crm_simulate prints a promotable clone's instance: "Promoted n1". */
function at(role: string | undefined, node: string | undefined): string {
  return role === undefined || role === 'Stopped' ? `${node}` : `${role} ${node}`
}

/** Lines of promotable clones' instances (crm_simulate's): "Promote db:0 ( Unpromoted -> Promoted n1 )". */
function roleLine(c: Change, due: string): string | undefined {
  switch (c.kind) {
    case 'Promote':
      if (c.fromRole === 'Promoted') return `* Re-promote ${c.resource} ( Promoted ${c.to} )${due}`
      return `* Promote ${c.resource} ( ${c.fromRole ?? 'Unpromoted'} -> Promoted ${c.to} )${due}`
    case 'Demote': return `* Demote ${c.resource} ( Promoted -> ${c.toRole ?? 'Unpromoted'} ${c.from} )${due}`
    case 'Stop': return `* Stop ${c.resource} ( ${at(c.fromRole, c.from)} )${due}`
    case 'Restart':
    case 'Recover':
      if (c.to === undefined || c.to === c.from) {
        return c.toRole === undefined || c.toRole === c.fromRole ? `* ${c.kind} ${c.resource} ( ${at(c.fromRole, c.from)} )${due}` : `* ${c.kind} ${c.resource} ( ${c.fromRole} -> ${c.toRole} ${c.from} )${due}`
      }
      return `* ${c.kind} ${c.resource} ( ${at(c.fromRole, c.from)} -> ${at(c.toRole, c.to)} )${due}`
    case 'Move': return `* Move ${c.resource} ( ${at(c.fromRole, c.from)} -> ${at(c.toRole, c.to)} )${due}`
    default: return undefined
  }
}

function line(c: Change): string {
  const due = c.reason === '' ? '' : ` due to ${c.reason}`
  if (c.fromRole !== undefined || c.toRole !== undefined) {
    const text = roleLine(c, due)
    if (text !== undefined) return text
  }
  switch (c.kind) {
    case 'Fence': return `* Fence ${c.resource}${due}`
    case 'Start': return `* Start ${c.resource} ( ${c.to} )${due}`
    case 'Stop': return `* Stop ${c.resource} ( ${c.from} )${due}`
    case 'Restart': return `* Restart ${c.resource} ( ${c.from} )${due}`
    case 'Hold': return `* Hold ${c.resource} ( ${c.from} )${c.untilMs !== undefined && c.untilMs < Number.MAX_SAFE_INTEGER ? ` until ${c.untilMs}ms` : ''}${due}`
    case 'Recover': return c.to === undefined ? `* Recover ${c.resource} ( ${c.from} )${due}` : `* Recover ${c.resource} ( ${c.from} -> ${c.to} )${due}`
    default: return `* ${c.kind} ${c.resource} ( ${c.from} -> ${c.to} )${due}`
  }
}

export function summarize(result: ScheduleResult): string[] {
  return result.changes.map(line)
}
