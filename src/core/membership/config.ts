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
  /**
   * A single link (one pair of nodes) is lost when no round trip succeeded on it
   * for this long, while both ends still reach others (a partial or one-way cut).
   */
  linkLossMs: number
  /** A coordinator abandons an unfinished agreement round after consensus + token. */
  consensusMs: number
  /**
   * Margin after a peer's token toward us has surely expired before we use a
   * view without it: covers timer granularity between its steps (a node's state
   * is only observable when it steps) and clock-rate differences.
   */
  settleMs: number
  /** A gap between two steps longer than this means we were paused (SIGSTOP, GC). */
  pauseMs: number
  quorum: QuorumConfig
}

export interface Totemish {heartbeat: number, token: number, consensus: number}

/** One-way delay of a LAN packet including both event loops, for timing estimates only (safety does not depend on it). */
export function delayMaxFor(heartbeatMs: number): number {
  return Math.max(1, Math.ceil(heartbeatMs / 10))
}

/**
 * Pause detection: a gap of more than two heartbeats between two steps means we
 * were stopped (SIGSTOP, a long GC, a starved event loop) and our view may be
 * stale. Shorter gaps are scheduling jitter; a busy machine easily stalls a
 * Node event loop for 50 ms, and every false pause costs a re-agreement.
 */
export function pauseFor(heartbeatMs: number): number {
  return 2 * heartbeatMs
}

/**
 * How long after token we wait before using a view without a peer. Its token
 * toward us counts from the send time of a packet we received (so before we
 * received it), whatever the network delay; one heartbeat covers its timer
 * granularity (it steps every few ms, or it detects a pause) and clock rates.
 */
export function settleAfterToken(heartbeatMs: number): number {
  return heartbeatMs
}

/**
 * A lossy link between two nodes that both still reach the others is only cut
 * from the view after this long: 2 tokens. A crash or an isolated node is
 * detected on the token (every node that could vouch for it has lost it too);
 * a link that is merely lossy must not evict either end.
 */
export function linkLossFor(tokenMs: number): number {
  return 2 * tokenMs
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
    linkLossMs: linkLossFor(totem.token),
    consensusMs: totem.consensus,
    settleMs: settleAfterToken(totem.heartbeat),
    pauseMs: pauseFor(totem.heartbeat),
    quorum: quorumConfigOf(config),
  }
}

/** Worst-case figures, in ms, without packet loss; `hactl cluster timing` prints them with their formulas. */
export interface TimingFigures {
  /** Crash to every survivor dropping its view. */
  detectMs: number
  /** Crash to the survivors' agreed view without the node. */
  agreeMs: number
  /** Crash to quorum again (when the survivors hold a majority). */
  quorumMs: number
  /** A (re)started node: first heartbeat to an agreed quorate view with it. */
  joinMs: number
  settleMs: number
  tickMs: number
  delayMs: number
  pauseMs: number
  /** A lossy link between two nodes that still reach the others is cut after this long. */
  linkLossMs: number
  /** Heartbeats in a row that may be lost on one link (both ends still reach others) before it is cut. */
  lossesTolerated: number
  /** Heartbeats in a row that may be lost on ALL of a node's links before it leaves its view (and is suspected). */
  lossesToleratedEverywhere: number
}

/** The tick of the daemon's timer: a fifth of a heartbeat, at most 10 ms. */
export function tickFor(heartbeatMs: number): number {
  return Math.max(1, Math.min(10, Math.floor(heartbeatMs / 5)))
}

export function timingOf(totem: Totemish): TimingFigures {
  const delayMs = delayMaxFor(totem.heartbeat)
  const tickMs = tickFor(totem.heartbeat)
  // A node is suspected when nobody heard it for a token: at most one token after
  // its last packet arrived (sent at the crash, one delay later), noticed at the next tick.
  const detectMs = totem.token + delayMs + tickMs
  // Survivors then wait until the lost node must itself have noticed (settle),
  // and run one propose / acknowledge / commit exchange (three one-way delays).
  const settleMs = settleAfterToken(totem.heartbeat)
  const agreeMs = detectMs + settleMs + 3 * delayMs + tickMs
  // A joiner needs a heartbeat each way to become fresh, then one exchange.
  const joinMs = 2 * totem.heartbeat + 3 * delayMs + 2 * tickMs
  // A round trip is at most two heartbeats old without loss (the echo waits for
  // the peer's next heartbeat): the rest of the window is the margin.
  const linkLossMs = linkLossFor(totem.token)
  const lossesTolerated = Math.max(0, Math.floor(linkLossMs / totem.heartbeat) - 2)
  const lossesToleratedEverywhere = Math.max(0, Math.floor(totem.token / totem.heartbeat) - 2)
  return {detectMs, agreeMs, quorumMs: agreeMs, joinMs, settleMs, tickMs, delayMs, pauseMs: pauseFor(totem.heartbeat), linkLossMs, lossesTolerated, lossesToleratedEverywhere}
}
