// Types of the membership state machine: its messages, events and outputs.
// Only protocol facts live here; encoding is src/core/wire's business.

/** A node instance: a restarted node has a new incarnation and is a new member. */
export interface Member {
  id: number
  inc: number
}

/** A view is named by its id and the node that coordinated its agreement. */
export interface ViewKey {
  id: number
  coord: number
}

export interface View extends ViewKey {
  /** Sorted by id. */
  members: Member[]
}

/**
 * gathering: in no agreed view (startup, a member lost, a pause);
 * accepted: promised to join a proposed view, waiting until every node that may
 *   still use an older view with us has provably stopped;
 * acked: ready, waiting for the coordinator's commit;
 * usable: in an agreed view (quorum may then allow acting).
 */
export type Phase = 'gathering' | 'accepted' | 'acked' | 'usable'
export const PHASES: readonly Phase[] = ['gathering', 'accepted', 'acked', 'usable']

/** One peer the sender heard from within the token timeout. */
export interface HeardPeer {
  id: number
  inc: number
  /**
   * Sequence number (31 bits) of the last heartbeat the sender received from it.
   * The peer looks up when it sent that packet, on its own clock: so it knows
   * the last instant a round trip worked, without synchronized clocks and
   * whatever the network delay.
   */
  seq: number
  /** The sender considers the link usable: mutual, and the peer is not suspected (see machine.ts). */
  fresh: boolean
  /**
   * How long before sending this heartbeat the sender received packet `seq`, ms
   * (capped at AGE_MS_MAX). The peer subtracts it from the echo's delay to measure
   * the link's round-trip time; everyone else reads it as a vouch that the peer was
   * heard that recently, so one lossy link does not make a live node suspected.
   */
  heldMs: number
}

/** Ages and hold times travel as 16-bit milliseconds; longer means "long ago". */
export const AGE_MS_MAX = 0xffff

export interface Heartbeat {
  type: 'heartbeat'
  /** The latest view the sender accepted or installed. */
  view: ViewKey
  phase: Phase
  /** wait_for_all satisfied at the sender. */
  seenAll: boolean
  /** `view` is only the sender's promise not to accept lower ids (it is gathering). */
  promised: boolean
  peers: HeardPeer[]
}

export interface Proposal {
  type: 'propose'
  view: View
}

export type Message = Heartbeat | Proposal

/** A packet as the transport hands it over after authentication. */
export interface Incoming {
  from: number
  inc: number
  seq: number
  msg: Message
}

export type Event = {type: 'tick'} | {type: 'receive', packet: Incoming}

export interface Outgoing {
  to: number | 'all'
  msg: Message
  /** The sequence number the datagram must carry (the machine remembers when it sent it). */
  seq: number
}

/** What the machine tells its owner when its view or quorum changes. */
export interface ViewStatus {
  /** Id of the last installed view (0 before the first). */
  viewId: number
  phase: Phase
  members: Member[]
  quorate: boolean
  /** Lowest node id of a quorate view; null otherwise. */
  dc: number | null
  expectedVotes: number
  totalVotes: number
  quorum: number
  /** Why the node last left an agreed view: startup, member-lost, member-left, paused, new-round. */
  reason: string
}

export interface Ready {
  outbox: Outgoing[]
  notifications: ViewStatus[]
}
