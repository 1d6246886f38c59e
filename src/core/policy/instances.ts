// Phase 4: where each instance is active now, what is failed, held, unmanaged or
// must stay stopped; and from that, each unit's current node and pins.
import {booleanProperty} from '../config/booleans.js'
import {propertyValue} from '../config/defaults.js'
import {failedPromoted, type Failure} from './failures.js'
import {isTrue, type Instance, type Model, type Unit} from './model.js'

function locate(model: Model, inst: Instance): Instance {
  const entry = model.state.resources[inst.id]
  // Most instances have no state: they keep unpack's shared empty lists, which only instances with state replace.
  if (!entry) return {...inst}
  const out: Instance = {...inst, active: [], failed: [], fencedOn: [], expiredOn: [], failCounts: new Map()}
  out.migratable = entry.migratable !== false
  for (const nodeName in entry.nodes) {
    const record = entry.nodes[nodeName]
    if (record.role !== 'started' && record.role !== 'promoted' && record.role !== 'failed') continue
    const n = model.nodeIndex.get(nodeName)
    if (n === undefined) {
      model.warnings.push(`${inst.id} is active on ${nodeName}, which is not a configured node; ignored`)
      continue
    }
    const node = model.nodes[n]
    const s = model.state.nodes[nodeName] ?? {online: true}
    if (node.fenceWhy !== '') out.fencedOn.push(n)
    else if (node.holdUntilMs >= 0) out.heldOn = n
    else if (s.online) out.active.push(n)
    else out.expiredOn.push(n) // Stopped by the node going down, a past fence, or the safety delay.
    // Running or failed in the Promoted role (a failed promote or demote leaves it Promoted, as in Pacemaker).
    if ((record.role === 'promoted' || (record.role === 'failed' && failedPromoted(record))) && (s.online || node.holdUntilMs >= 0) && node.fenceWhy === '') out.promotedOn = n
  }
  // Node order, so that every later loop is deterministic.
  out.active.sort((a, b) => a - b)
  out.fencedOn.sort((a, b) => a - b)
  out.expiredOn.sort((a, b) => a - b)
  return out
}

function applyFailure(model: Model, inst: Instance, f: Failure): void {
  if (f.count > 0 && f.onFail !== 'ignore') inst.failCounts.set(f.node, f.count)
  const failedHere = f.record.role === 'failed' && inst.active.includes(f.node)
  // A failed promote is recovered Unpromoted; another instance may be promoted meanwhile (Pacemaker).
  if (failedHere && f.op === 'promote') inst.noPromoteWhy = `promote failed on ${model.nodes[f.node].name}`
  switch (f.onFail) {
    case 'ignore': return
    case 'demote':
      // A Promoted failure with on-fail=demote: demoted where it runs, no restart; it may be promoted again
      // at once if it is still the best (Pacemaker's Re-promote).
      if (failedHere) inst.demoteWhy = `${f.op} failed in the Promoted role on ${model.nodes[f.node].name} (on-fail=demote)`
      return
    case 'stop':
      inst.stopWhy = `${f.op} failed on ${model.nodes[f.node].name} (on-fail=stop)`
      if (failedHere) inst.failed.push(f.node)
      return
    case 'block':
      if (failedHere) {
        inst.managed = false
        inst.unmanagedWhy = `blocked: ${f.op} failed on ${model.nodes[f.node].name} (on-fail=block)`
      }
      return
    case 'fence':
      if (failedHere) { // Fencing is not allowed (disabled or no quorum): Pacemaker blocks.
        inst.managed = false
        inst.unmanagedWhy = `blocked: ${f.op} failed on ${model.nodes[f.node].name} and fencing is not possible`
      }
      return
    default:
      if (failedHere) inst.failed.push(f.node)
  }
}

function manage(model: Model, inst: Instance, maintenanceMode: boolean): void {
  if (maintenanceMode) {
    inst.managed = false
    inst.unmanagedWhy = 'maintenance-mode'
  } else if (!isTrue(inst.meta('is-managed'), true)) {
    inst.managed = false
    inst.unmanagedWhy = 'is-managed=false'
  } else if (inst.active.some((n) => model.nodes[n].maintenance)) {
    inst.managed = false
    inst.unmanagedWhy = `node ${model.nodes[inst.active.find((n) => model.nodes[n].maintenance)!].name} is in maintenance`
  } else if (inst.active.length > 1 && inst.meta('multiple-active') === 'block') {
    inst.managed = false
    inst.unmanagedWhy = `active on ${inst.active.length} nodes (multiple-active=block)`
  }
  // An unmanaged instance that runs nowhere is never started, so it is placed nowhere: otherwise it would
  // hold a phantom node that its colocations act on (Pacemaker assigns unmanaged resources to their current node, if any).
  if (!inst.managed && inst.active.length === 0 && inst.heldOn < 0) inst.stopWhy = inst.unmanagedWhy
  if (inst.stopWhy === '' && inst.meta('target-role') === 'Stopped') inst.stopWhy = 'target-role=Stopped'
  if (inst.stopWhy === '' && inst.active.length > 1 && inst.meta('multiple-active') === 'stop_only') {
    inst.stopWhy = `active on ${inst.active.length} nodes (multiple-active=stop_only)`
    inst.stopKind = 'multiple-active'
  }
}

/**
 * An anonymous clone's instances are interchangeable, so their failures count per node, not per
 * instance (Pacemaker keeps one fail count per primitive and node): a node where one instance
 * reached migration-threshold is banned for every instance.
 */
function shareCloneFailCounts(model: Model, instances: Instance[]): void {
  for (const clone of model.config.clones) {
    if (isTrue(clone.meta['globally-unique'])) continue
    const byPrimitive = new Map<string, Instance[]>()
    for (const u of model.clones.find((c) => c.id === clone.id)?.units ?? []) {
      for (const i of model.units[u].instances) {
        const list = byPrimitive.get(instances[i].primitive.id)
        if (list) list.push(instances[i])
        else byPrimitive.set(instances[i].primitive.id, [instances[i]])
      }
    }
    for (const list of byPrimitive.values()) {
      if (list.every((inst) => inst.failCounts.size === 0)) continue
      const merged = new Map<number, number>()
      for (const inst of list) for (const [n, count] of inst.failCounts) merged.set(n, Math.max(merged.get(n) ?? 0, count))
      for (const inst of list) inst.failCounts = merged
    }
  }
}

interface Flags {
  stopAll: boolean
  freeze: boolean
}

function unitStatus(model: Model, unit: Unit, instances: Instance[], flags: Flags): Unit {
  const out: Unit = {...unit, pinnedTo: -1, pinned: '', pinnedWhy: '', stopWhy: '', current: -1}
  const members = unit.instances.map((i) => instances[i])
  out.current = members.find((m) => m.active.length > 0)?.active[0] ?? -1
  const held = members.find((m) => m.heldOn >= 0)
  const unmanaged = members.find((m) => !m.managed && m.active.length > 0)
  if (held) {
    out.pinnedTo = held.heldOn
    out.pinned = 'held'
    const node = model.nodes[held.heldOn]
    out.pinnedWhy = node.holdUntilMs === Number.MAX_SAFE_INTEGER
      ? `node ${node.name} lost uncleanly and fencing needs quorum`
      : `node ${node.name} lost uncleanly, waiting for the safety delay`
  } else if (unmanaged) {
    out.pinnedTo = unmanaged.active[0]
    out.pinned = 'unmanaged'
    out.pinnedWhy = `unmanaged: ${unmanaged.unmanagedWhy}`
  } else if (!model.canStart && out.current >= 0 && flags.freeze) {
    out.pinnedTo = out.current
    out.pinned = 'frozen'
    out.pinnedWhy = 'frozen: no quorum (no-quorum-policy=freeze)'
  }
  if (flags.stopAll) out.stopWhy = 'stop-all-resources'
  else if (!model.canStart) out.stopWhy = 'no quorum'
  else if (members[0].stopWhy !== '') out.stopWhy = members[0].stopWhy
  return out
}

export function instanceStatus(model: Model, failures: Failure[]): {instances: Instance[], units: Model['units']} {
  const instances = model.instances.map((inst) => locate(model, inst))
  for (const f of failures) applyFailure(model, instances[f.instance], f)
  shareCloneFailCounts(model, instances)
  const maintenanceMode = booleanProperty(model.config, 'maintenance-mode')
  for (const inst of instances) manage(model, inst, maintenanceMode)
  const flags = {stopAll: booleanProperty(model.config, 'stop-all-resources'), freeze: propertyValue(model.config, 'no-quorum-policy') === 'freeze'}
  const units = model.units.map((u) => unitStatus(model, u, instances, flags))
  return {instances, units}
}
