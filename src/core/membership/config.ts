// Membership timing, derived from cluster.json's totem section. Every derived
// figure says why it has its value; `hactl cluster timing` prints the same.
import type {BootstrapConfig} from '../config/bootstrap-types.js'
import type {QuorumConfig} from '../quorum/votequorum.js'

export interface MembershipConfig {
  selfId: number
  nodes: ReadonlyArray<{id: number, votes: number}>
  heartbeatMs: number
  /** A link is lost when no round trip succeeded for this long (corosync's token). */
  tokenMs: number
  /** A coordinator abandons an unfinished agreement round after consensus + token. */
  consensusMs: number
  /** Largest one-way delay (send to processing) the safety argument assumes. */
  delayMaxMs: number
  /** A gap between two steps longer than this means we were paused (SIGSTOP, GC). */
  pauseMs: number
  quorum: QuorumConfig
}

export interface Totemish {heartbeat: number, token: number, consensus: number}

/** One-way wire delay allowance: a tenth of a heartbeat is generous on a LAN. */
export function delayMaxFor(heartbeatMs: number): number {
  return Math.max(1, Math.ceil(heartbeatMs / 10))
}

/**
 * Pause detection: a gap of more than one heartbeat between two steps means we
 * were stopped (SIGSTOP, a long GC, a stalled event loop). Packets that waited
 * in the socket during a shorter gap look up to this much younger than they are.
 */
export function pauseFor(heartbeatMs: number): number {
  return heartbeatMs
}

/**
 * How long after our last packet from a peer that peer's own token toward us has
 * surely expired and been noticed: its estimate of our last packet from it is at
 * most one wire delay plus one unnoticed gap too young, and it checks at least
 * once per gap.
 */
export function settleAfterToken(heartbeatMs: number): number {
  return delayMaxFor(heartbeatMs) + 2 * pauseFor(heartbeatMs)
}

export function quorumConfigOf(config: BootstrapConfig): QuorumConfig {
  const q = config.quorum
  return {
    nodes: config.nodes.map((n) => ({id: n.id, votes: n.votes})),
    ...(q.expected_votes === undefined ? {} : {expectedVotes: q.expected_votes}),
    twoNode: q.two_node,
    waitForAll: q.wait_for_all || q.two_node,
    lastManStanding: q.last_man_standing,
    lastManStandingWindowMs: q.last_man_standing_window,
    autoTieBreaker: q.auto_tie_breaker,
  }
}

export function membershipConfigOf(config: BootstrapConfig, selfId: number, totem: Totemish = config.totem): MembershipConfig {
  return {
    selfId,
    nodes: config.nodes.map((n) => ({id: n.id, votes: n.votes})),
    heartbeatMs: totem.heartbeat,
    tokenMs: totem.token,
    consensusMs: totem.consensus,
    delayMaxMs: delayMaxFor(totem.heartbeat),
    pauseMs: pauseFor(totem.heartbeat),
    quorum: quorumConfigOf(config),
  }
}

/** Worst-case figures, in ms, without packet loss; see timing.ts for the prose. */
export interface TimingFigures {
  detectMs: number
  agreeMs: number
  quorumMs: number
  settleMs: number
}

export function timingOf(totem: Totemish): TimingFigures {
  const delay = delayMaxFor(totem.heartbeat)
  // A crash is noticed at most one token after the last packet we got from it.
  const detectMs = totem.token
  // Survivors then wait until the lost node must itself have noticed (settle),
  // and run one propose/ack/commit exchange (three one-way delays).
  const settleMs = settleAfterToken(totem.heartbeat)
  const agreeMs = detectMs + settleMs + 3 * delay
  return {detectMs, agreeMs, quorumMs: agreeMs, settleMs}
}
