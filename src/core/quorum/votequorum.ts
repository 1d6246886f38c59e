// votequorum's arithmetic as pure functions: given the configured votes and
// options, the members of an agreed view and a little history (has every node
// been seen at once? since when has this view been stable?), is the partition
// quorate? Semantics follow corosync's votequorum(5):
//   quorum = floor(expected / 2) + 1, quorate when the view's votes reach it;
//   expected votes never drop below the votes actually present;
//   two_node: quorum is 1 (and wait_for_all is implied by configuration);
//   wait_for_all: not quorate until every configured node was in one view once;
//   last_man_standing: after the view has been stable for the window, expected
//   votes drop to the votes present (so the cluster can shrink one step at a time);
//   auto_tie_breaker: in an exact 50/50 split, the half holding the lowest
//   configured node id stays quorate.

export interface QuorumConfig {
  nodes: ReadonlyArray<{id: number, votes: number}>
  expectedVotes?: number
  twoNode: boolean
  waitForAll: boolean
  lastManStanding: boolean
  lastManStandingWindowMs: number
  autoTieBreaker: boolean
}

/** What a node remembers between views. */
export interface QuorumHistory {
  /** wait_for_all has been satisfied (all nodes seen in one view). */
  seenAll: boolean
  /** Expected votes as lowered by last_man_standing; undefined when not lowered. */
  lowered?: number
}

export interface QuorumResult {
  quorate: boolean
  totalVotes: number
  expectedVotes: number
  quorum: number
}

export function configuredVotes(config: QuorumConfig): number {
  return config.nodes.reduce((sum, n) => sum + n.votes, 0)
}

export function votesOf(config: QuorumConfig, members: readonly number[]): number {
  const byId = new Map(config.nodes.map((n) => [n.id, n.votes]))
  return members.reduce((sum, id) => sum + (byId.get(id) ?? 0), 0)
}

export function allNodesPresent(config: QuorumConfig, members: readonly number[]): boolean {
  const present = new Set(members)
  return config.nodes.every((n) => present.has(n.id))
}

export function expectedVotes(config: QuorumConfig, history: QuorumHistory, totalVotes: number): number {
  const base = history.lowered ?? config.expectedVotes ?? configuredVotes(config)
  return Math.max(base, totalVotes, 1)
}

export function quorumOf(config: QuorumConfig, expected: number): number {
  if (config.twoNode && expected === 2) return 1
  return Math.floor(expected / 2) + 1
}

function lowestConfiguredId(config: QuorumConfig): number {
  return Math.min(...config.nodes.map((n) => n.id))
}

export function evaluateQuorum(config: QuorumConfig, history: QuorumHistory, members: readonly number[]): QuorumResult {
  const totalVotes = votesOf(config, members)
  const expected = expectedVotes(config, history, totalVotes)
  const quorum = quorumOf(config, expected)
  let quorate = totalVotes >= quorum
  if (!quorate && config.autoTieBreaker && totalVotes * 2 === expected && members.includes(lowestConfiguredId(config))) quorate = true
  const waiting = (config.waitForAll || config.twoNode) && !history.seenAll && !allNodesPresent(config, members)
  if (waiting) quorate = false
  return {quorate, totalVotes, expectedVotes: expected, quorum}
}

/** The history after a view is installed. */
export function onViewInstalled(config: QuorumConfig, history: QuorumHistory, members: readonly number[]): QuorumHistory {
  const seenAll = history.seenAll || allNodesPresent(config, members)
  const total = votesOf(config, members)
  // A view with more votes than the lowered expectation raises it again.
  const lowered = history.lowered !== undefined && total > history.lowered ? undefined : history.lowered
  return {seenAll, lowered}
}

/** last_man_standing: called while a quorate view has been stable for `stableMs`. */
export function afterStable(config: QuorumConfig, history: QuorumHistory, members: readonly number[], stableMs: number, quorate: boolean): QuorumHistory {
  if (!config.lastManStanding || !quorate || stableMs < config.lastManStandingWindowMs) return history
  const total = votesOf(config, members)
  const current = expectedVotes(config, history, total)
  if (total >= current) return history
  return {...history, lowered: total}
}
