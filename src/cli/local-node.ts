import {hostname} from 'node:os'
import {join} from 'node:path'
import {readBootstrap} from '../store/cluster-files.js'
import {inputError} from './errors.js'

/**
 * The name of the node this command runs on: the node of cluster.json whose
 * name is the host name, as Pacemaker uses `uname -n`. Offline (-f) the node
 * must be named on the command line.
 */
export async function localNodeName(flags: {file?: string}): Promise<string> {
  if (flags.file !== undefined) throw inputError('name the node: with -f there is no "this node"')
  const configDir = process.env.HACTL_CONFIG_DIR ?? '/etc/hactl'
  const local = process.env.HACTL_NODE_NAME ?? hostname()
  const bootstrap = await readBootstrap(configDir).catch(() => undefined)
  if (bootstrap?.nodes.some((n) => n.name === local)) return local
  throw inputError(`this host (${local}) is not a node of the cluster in ${join(configDir, 'cluster.json')}; name the node`)
}
