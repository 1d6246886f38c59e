import {HactlError} from './errors.js'

/**
 * `config import FILE` of a configuration older than the target's: the pcs habit
 * of `cluster cib` / edit / `cib-push` would silently drop every change made in
 * between. Refused (exit 1, nothing changed) naming both epochs, unless --force.
 */
export function checkImportEpoch(source: string, imported: number, current: number, target: string): void {
  if (imported >= current) return
  throw new HactlError('stale-epoch', `${source} is at epoch ${imported}, older than ${target} at epoch ${current}: it would undo the ${current - imported} change${current - imported === 1 ? '' : 's'} made since; export again and redo your edits, or use --force to import it anyway (nothing was changed)`)
}
