import {HactlCommand} from '../cli/base-command.js'
import {runDirFlag} from '../cli/flags.js'
import {callDaemon} from '../client/client.js'
import type {MembershipSnapshot} from '../daemon/membership-service.js'

export default class Membership extends HactlCommand<MembershipSnapshot> {
  static override summary = 'Show the membership view, quorum, DC, links and packet counters of this node.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override aliases = ['quorum status']
  static override flags = {'run-dir': runDirFlag}

  async run(): Promise<MembershipSnapshot> {
    const {flags} = await this.parse(Membership)
    const snapshot = await callDaemon(flags['run-dir'], 'membership', {}) as MembershipSnapshot
    this.say(render(snapshot))
    return snapshot
  }
}

export function render(s: MembershipSnapshot): string {
  const v = s.view
  const dropped = Object.entries(s.counters.dropped).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none'
  return [
    `node ${s.nodeId} (incarnation ${s.incarnation}), transport ${s.transport}, crypto ${s.crypto}`,
    `view ${v.viewId} ${v.phase === 'usable' ? 'agreed' : `(${v.phase}: a change is under way)`}, ${v.quorate ? 'quorate' : 'NOT quorate'}, votes ${v.totalVotes}/${v.expectedVotes}, DC ${v.dc === null ? 'none' : v.members.find((m) => m.id === v.dc)?.name ?? v.dc}`,
    'members:',
    ...v.members.map((m) => `  ${String(m.id).padStart(3)}  ${m.name.padEnd(20)} votes ${m.votes}${m.id === v.dc ? '  DC' : ''}`),
    'links:',
    ...s.links.map((l) => `  link ${l.link} ${l.localAddr.padEnd(16)} ${l.up ? 'up  ' : 'DOWN'} peers [${l.peersUp.join(', ')}]  sent ${l.sentPackets} pkts / ${l.sentBytes} B, received ${l.receivedPackets} pkts / ${l.receivedBytes} B${l.sendErrors ? `, send errors ${l.sendErrors}` : ''}`),
    `packets: accepted ${s.counters.accepted}, dropped ${dropped}; application sent ${s.counters.appSent}, received ${s.counters.appReceived}`,
  ].join('\n')
}
