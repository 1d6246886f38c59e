// A short memory of how recent versions derive from one another, kept by every
// node, so a member a few versions behind (a rejoining node, most often) gets the
// edits instead of the whole document, whichever node is DC next.
import {applyEdit} from '../config/edits.js'
import type {ResourceConfig} from '../config/types.js'
import {sameVersion} from './position.js'
import type {Change, Step, Version} from './types.js'

/** Returns the log with `change` added, the oldest dropped beyond `limit`; a no-op change is not kept. */
export function remember(changes: Change[], change: Change, limit: number): Change[] {
  if (sameVersion(change.from, change.to)) return changes
  const kept = changes.length >= limit ? changes.slice(changes.length - limit + 1) : changes
  return [...kept, change]
}

/** The steps from `from` to `to` as far as the log knows them; undefined when it does not. */
export function chain(changes: Change[], from: Version, to: Version): Step[] | undefined {
  const steps: Step[] = []
  let at = from
  while (!sameVersion(at, to)) {
    // The newest matching change first: an older one may lead down an abandoned branch.
    const next = newest(changes, (c) => sameVersion(c.from, at) && c.to.epoch <= to.epoch)
    if (next === undefined || steps.length >= changes.length) return undefined
    steps.push({epoch: next.to.epoch, born: next.to.born, edits: next.edits})
    at = next.to
  }
  return steps
}

function newest(changes: Change[], fits: (c: Change) => boolean): Change | undefined {
  for (let i = changes.length - 1; i >= 0; i--) if (fits(changes[i])) return changes[i]
  return undefined
}

/** Applies steps to a document. Throws when an edit no longer applies (the caller then asks for the whole document). */
export function replay(config: ResourceConfig, steps: Step[]): ResourceConfig {
  let result = config
  for (const step of steps) {
    const edited = step.edits.reduce(applyEdit, result)
    if (step.edits.length > 0 && edited.epoch !== step.epoch) throw new Error(`replayed edits reach epoch ${edited.epoch}, not ${step.epoch}`)
    result = {...edited, epoch: step.epoch}
  }
  return result
}
