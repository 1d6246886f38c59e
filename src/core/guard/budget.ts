/**
 * How long a node that lost quorum, or whose daemon died or stalled, may still
 * hold an address: what the safety delay of a VIP (src/core/policy/nodes.ts) rests
 * on instead of an agent's stop.
 *
 * An address is removed by the guard itself, not by forking the vip agent: when
 * the daemon loses quorum it asks the guard to strip its addresses first (one line
 * on a Unix socket, then `ip addr del`), and when the daemon is gone or silent the
 * guard's trip removes them first. The bounds, counted from when the survivors
 * last heard the node (lastHeard), with token T, heartbeat H and lease L = T - 2H
 * (guardLeaseMs):
 *  - daemon alive, cut off: it sees quorum lost by lastHeard + T (the membership's
 *    rule, the same one the 150 ms agent stop budget counts on) and the strip ends
 *    within ADDRESS_DROP_BUDGET_MS after that;
 *  - daemon killed: the guard's connection closes at once: the trip starts before
 *    lastHeard + H;
 *  - daemon paused or stalled: its last feed is no earlier than its last heartbeat,
 *    so the trip starts by lastHeard + H + L = lastHeard + T - H, a heartbeat before
 *    the token ends, and has H + ADDRESS_DROP_BUDGET_MS to remove the address.
 * The guard logs `guard-strip-slow` / `guard-trip-slow` (crit) when a removal took
 * longer than this budget: then this bound was not kept and the safety delay
 * (`safety-delay`) must be raised, or fencing used.
 */

/** Agents whose instance is just an address the guard can remove (IPaddr2's parameter names). */
export const ADDRESS_AGENTS: ReadonlySet<string> = new Set(['ocf:hactl:vip', 'ocf:heartbeat:IPaddr2', 'ocf:heartbeat:IPaddr'])

/**
 * An address removal by the guard (a socket line, then one `ip addr del` fork at
 * nice -10): a few milliseconds on an idle host; 50 ms leaves room for a loaded one
 * (measured on the shared test machine: see README, "Benchmarks").
 */
export const ADDRESS_DROP_BUDGET_MS = 50

/** The resource is only an address the guard removes itself (a VIP): its stop budget is the guard's. */
export function isGuardedAddress(primitive: {agent: string, params: Record<string, string>}): boolean {
  return ADDRESS_AGENTS.has(primitive.agent) && typeof primitive.params.ip === 'string' && primitive.params.ip !== ''
}
