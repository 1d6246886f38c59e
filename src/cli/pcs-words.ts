// pcs's positional grammar after a resource's agent (pcs resource create / update):
//   [KEY=VALUE...] [op ACTION [KEY=VALUE...] [ACTION [KEY=VALUE...]]...] [meta KEY=VALUE...]
//   [clone [CLONE_ID] [[meta] KEY=VALUE...] | promotable [CLONE_ID] [[meta] KEY=VALUE...]]
// A bare word (no '=') is a keyword; `op=…` is an ordinary parameter named op. The
// result feeds the same code as the --op and --meta flags, so both spellings mean
// the same and are checked the same way.
import type {ConfigEdit} from '../core/config/edits.js'
import {inputError} from './errors.js'
import {parsePairs} from './parse.js'

export interface PcsWords {
  /** Instance attributes, KEY=VALUE as given. */
  params: string[]
  /** Operations in --op's text form: "monitor interval=10s timeout=20s". */
  ops: string[]
  /** Meta attributes, KEY=VALUE as given. */
  meta: string[]
  clone?: {promotable: boolean, id?: string, meta: string[]}
}

type Section = 'params' | 'op' | 'meta' | 'clone'

const KEYWORDS = new Set(['op', 'meta', 'clone', 'promotable'])

/**
 * `allowClone` is false where pcs has no clone section (resource update). `usage` ends
 * every error so the one line says what was expected.
 */
export function parsePcsWords(words: readonly string[], usage: string, allowClone = true): PcsWords {
  const out: PcsWords = {params: [], ops: [], meta: []}
  let section: Section = 'params'
  let op: string[] | undefined
  const closeOp = () => {
    if (op !== undefined) out.ops.push(op.join(' '))
    op = undefined
  }
  for (const word of words) {
    const pair = word.includes('=')
    if (!pair && KEYWORDS.has(word)) {
      closeOp()
      if (word === 'clone' || word === 'promotable') {
        if (!allowClone) throw inputError(`"${word}" is not allowed here (${usage})`)
        if (out.clone !== undefined) throw inputError(`"${word}" given after "${out.clone.promotable ? 'promotable' : 'clone'}": a resource is cloned once (${usage})`)
        out.clone = {promotable: word === 'promotable', meta: []}
        section = 'clone'
      } else if (section === 'clone') {
        // pcs 0.11.5+: clone [CLONE_ID] [meta KEY=VALUE...]: the clone's own meta attributes.
        if (word !== 'meta' || out.clone!.meta.length > 0) throw inputError(`"${word}" after the clone section: put op and meta of the resource before clone/promotable (${usage})`)
      } else section = word as Section
      continue
    }
    switch (section) {
      case 'params':
        if (!pair) throw inputError(`parameter ${JSON.stringify(word)} is not KEY=VALUE (${usage})`)
        out.params.push(word)
        break
      case 'op':
        if (!pair) {
          closeOp()
          op = [word]
        } else if (op === undefined) {
          throw inputError(`operation attribute ${JSON.stringify(word)} comes before an action name: write op monitor ${word} (${usage})`)
        } else op.push(word)
        break
      case 'meta':
        if (!pair) throw inputError(`meta attribute ${JSON.stringify(word)} is not KEY=VALUE (${usage})`)
        out.meta.push(word)
        break
      case 'clone': {
        const clone = out.clone!
        if (pair) clone.meta.push(word)
        else if (clone.id === undefined && clone.meta.length === 0) clone.id = word
        else throw inputError(`clone meta attribute ${JSON.stringify(word)} is not KEY=VALUE (${usage})`)
        break
      }
    }
  }
  closeOp()
  return out
}

/**
 * The clone.add edit of a clone section (resource create … clone|promotable, resource
 * promotable, resource clone): the clone is CHILD-clone unless `id` names it; a
 * promotable clone's meta says promotable=true (another value is refused). `extra`
 * (the commands' flags) comes after the section's own meta attributes.
 */
export function cloneAddEdit(child: string, clone: {promotable: boolean, id?: string, meta: string[]}, extra: Record<string, string> = {}): {id: string, edit: ConfigEdit} {
  const meta = {...parsePairs(clone.meta, 'meta attribute'), ...extra}
  if (clone.promotable) {
    if (meta.promotable !== undefined && meta.promotable !== 'true') throw inputError(`promotable=${JSON.stringify(meta.promotable)}: a promotable clone has promotable=true`)
    meta.promotable = 'true'
  }
  const id = clone.id ?? `${child}-clone`
  return {id, edit: {op: 'clone.add', id, child, meta}}
}
