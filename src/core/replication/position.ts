// Orderings and vote arithmetic shared by the DC and the members.
import type {Position, StoredRecord, Version, View} from './types.js'

export function positionOf(record: StoredRecord): Position {
  return {term: record.term, epoch: record.config.epoch, born: record.born}
}

export function versionOf(record: StoredRecord): Version {
  return {epoch: record.config.epoch, born: record.born}
}

export function sameVersion(a: Version | undefined, b: Version | undefined): boolean {
  return a !== undefined && b !== undefined && a.epoch === b.epoch && a.born === b.born
}

/** Raft's "at least as up to date": term first, then epoch. */
export function comparePositions(a: Position, b: Position): number {
  return a.term !== b.term ? a.term - b.term : a.epoch - b.epoch
}

function votesOf(view: View, node: number): number {
  return view.votes[node] ?? 1
}

/** Expected votes as votequorum counts them: never less than the votes actually present. */
export function expectedVotes(view: View): number {
  const present = Object.values(view.votes).reduce((sum, v) => sum + v, 0)
  return Math.max(view.expectedVotes, present)
}

export function sumVotes(view: View, nodes: Iterable<number>): number {
  let sum = 0
  for (const node of new Set(nodes)) if (view.members.includes(node)) sum += votesOf(view, node)
  return sum
}

/** Enough votes to acknowledge a write: more than half of expected votes. */
export function isWriteQuorum(view: View, votes: number): boolean {
  return votes * 2 > expectedVotes(view)
}

/**
 * Enough votes for a new DC's sync: more than half of expected votes, like a write.
 * Any set that acknowledged a write holds more than half, so the two sets share a node,
 * also across a live node add: a write acknowledged by more than half of 3 votes (2)
 * and a sync of more than half of 4 (3) share a node, where "at least half of 4" (2)
 * need not (raft's single-server change). Exactly half is enough only when the view
 * itself holds exactly half (a two_node survivor, a tie broken by auto_tie_breaker):
 * there is nobody else to ask, and such a DC may plan but never acknowledge a write.
 */
export function isSyncQuorum(view: View, votes: number): boolean {
  const expected = expectedVotes(view)
  if (votes * 2 > expected) return true
  return votes * 2 === expected && sumVotes(view, view.members) * 2 === expected
}

/** Node ids are 1..65535 (cluster.json), so a term names its DC: round * 65536 + node id. */
const TERM_NODE_SPAN = 65_536

/** The first term of `node` above `above`: unique to that node, so two DCs never share a term. */
export function nextTerm(above: number, node: number): number {
  return (Math.floor(above / TERM_NODE_SPAN) + 1) * TERM_NODE_SPAN + node
}
