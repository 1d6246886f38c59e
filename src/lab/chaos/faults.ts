// The chaos campaign's faults and how a round picks one: pure, from a seeded
// random source (src/core/random.ts), so a seed replays the same sequence of fault
// types, holds and roles. Which node a role names (the VIP's holder, the DC) is
// resolved when the round runs.
import type {Random} from '../../core/random.js'

export const FAULT_TYPES = [
  'daemon-kill', // kill -9 of the daemon, host up; restarted after the hold (as systemd would)
  'power-off', // every process of the host killed, addresses flushed, port down; then it boots
  'daemon-pause', // SIGSTOP of the daemon process only, 0.2-3 s
  'host-pause', // SIGSTOP of every process of the host
  'partition', // symmetric: a minority apart from the rest
  'one-way', // packets from one node to another dropped, the reverse direction fine
  'loss', // 10-30 % random loss on every port
  'link-down', // a node's port down at the switch
  'double', // two of the above at once
  'dc-kill-write', // the DC's daemon killed while a configuration write is in flight
] as const

export type FaultType = typeof FAULT_TYPES[number]
/** Who a fault hits: the VIP's holder, the DC, or any node. */
export type Role = 'holder' | 'dc' | 'any'

export type Fault =
  | {type: 'daemon-kill' | 'power-off' | 'daemon-pause' | 'host-pause' | 'link-down', target: Role}
  | {type: 'partition', target: Role, minority: number}
  | {type: 'one-way', from: Role, to: Role}
  | {type: 'loss', percent: number}

export interface RoundPlan {
  type: FaultType
  faults: Fault[]
  holdMs: number
  /** dc-kill-write: how long after the write is sent the DC is killed. */
  killAfterMs?: number
}

export function isFaultType(name: string): name is FaultType {
  return (FAULT_TYPES as readonly string[]).includes(name)
}

function role(random: Random): Role {
  return random.pick(['holder', 'holder', 'dc', 'any'] as const)
}

function single(type: Exclude<FaultType, 'double' | 'dc-kill-write'>, nodes: number, random: Random): Fault {
  switch (type) {
    case 'partition': return {type, target: role(random), minority: random.int(1, Math.max(1, Math.floor((nodes - 1) / 2)))}
    case 'one-way': return {type, from: role(random), to: random.pick(['holder', 'dc', 'any'] as const)}
    case 'loss': return {type, percent: random.int(10, 30)}
    default: return {type, target: role(random)}
  }
}

const SINGLE = FAULT_TYPES.filter((t) => t !== 'double' && t !== 'dc-kill-write') as Array<Exclude<FaultType, 'double' | 'dc-kill-write'>>

/**
 * The plan of one round: a fault type from `allowed` (at random, or the next one
 * in order with `cycle`), held 1-8 s (a daemon pause 0.2-3 s), capped at maxHoldMs.
 */
export function planRound(random: Random, options: {nodes: number, allowed: readonly FaultType[], round: number, cycle: boolean, maxHoldMs: number}): RoundPlan {
  const type = options.cycle ? options.allowed[(options.round - 1) % options.allowed.length] : random.pick(options.allowed)
  const faults: Fault[] = []
  if (type === 'double') {
    const first = random.pick(SINGLE)
    const second = random.pick(SINGLE.filter((t) => t !== first))
    faults.push(single(first, options.nodes, random), single(second, options.nodes, random))
  } else if (type === 'dc-kill-write') {
    faults.push({type: 'daemon-kill', target: 'dc'})
  } else {
    faults.push(single(type, options.nodes, random))
  }
  const pauseOnly = faults.every((f) => f.type === 'daemon-pause')
  const holdMs = Math.min(options.maxHoldMs, pauseOnly ? random.int(200, 3000) : random.int(1000, 8000))
  return {type, faults, holdMs, killAfterMs: type === 'dc-kill-write' ? random.int(0, 50) : undefined}
}
