// Restarts that follow from others: a group member that restarts (or moves)
// restarts the members after it, and a mandatory "A then B" restarts B when A
// starts (per node for interleaved clones), as Pacemaker does. Repeated until nothing changes.
import {interleaved, unitInstances, type InstancePlan, type Planner} from './actions.js'
import {isFrozen, type Instance, type Model} from './model.js'

/** Is this instance being taken down somewhere (stop or migration) in this transition? */
export function disrupted(plan: InstancePlan): boolean {
  return plan.stops.length > 0
}

/** Running where it stays, with no action yet: a candidate for a cascaded restart. */
function steady(model: Model, inst: Instance, plan: InstancePlan): boolean {
  return inst.managed && !isFrozen(model, inst) && plan.stops.length === 0 && plan.startEntry === undefined && plan.target >= 0 && inst.active.includes(plan.target)
}

export function cascadeRestarts(model: Model, planner: Planner, plans: InstancePlan[]): void {
  const orders = model.config.constraints.flatMap((c) => (c.type === 'order' && c.kind === 'mandatory' && c.firstAction === 'start' && c.thenAction === 'start'
    ? [{c, first: model.instancesByPrimitive.get(c.first) ?? unitInstances(model, c.first), then: model.instancesByPrimitive.get(c.then) ?? unitInstances(model, c.then)}] : []))
    .map((o) => ({...o, interleave: interleaved(model, o.first, o.then)}))
  for (let round = 0; round <= model.instances.length; round++) {
    let changed = false
    for (const unit of model.units) {
      if (unit.instances.length < 2) continue
      let cause = ''
      for (const i of unit.instances) {
        const inst = model.instances[i]
        if (cause !== '' && steady(model, inst, plans[i])) {
          planner.restart(inst, plans[i], `required ${cause} start`)
          changed = true
        }
        if (cause === '' && (disrupted(plans[i]) || plans[i].restart || plans[i].startEntry !== undefined)) cause = inst.id
      }
    }
    for (const {first, then, interleave} of orders) {
      // Any start of the first, not only a move: Pacemaker makes the dependent's start required, so it
      // restarts. A clone first seen from a dependent that is not a clone counts only its instances on the
      // dependent's node (Pacemaker asks the clone for its flags on that node).
      const isClone = first.length > 0 && model.units[model.instances[first[0]].unit].clone >= 0
      const thenClone = then.length > 0 && model.units[model.instances[then[0]].unit].clone >= 0
      const moving = first.filter((i) => plans[i].startEntry !== undefined)
      if (moving.length === 0) continue
      for (const t of then) {
        if (!steady(model, model.instances[t], plans[t])) continue
        // Interleaved clones: only the instance on the same node depends on the one that restarts.
        const onNode = interleave || (isClone && !thenClone)
        const cause = onNode ? moving.find((i) => plans[i].target === plans[t].target || (interleave && plans[i].stops.some((s) => s.node === model.nodes[plans[t].target].name))) : moving[0]
        if (cause === undefined) continue
        planner.restart(model.instances[t], plans[t], `required ${model.instances[cause].id} start`)
        changed = true
      }
    }
    if (!changed) break
  }
}

