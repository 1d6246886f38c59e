import {Args, Flags} from '@oclif/core'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configDirFlag} from '../../cli/flags.js'
import {decodeJoinToken} from '../../cli/join-token.js'
import {clusterJsonPath, defaultAuthkeyPath, exists, writeAuthkey, writeBootstrap} from '../../store/cluster-files.js'

export interface JoinResult {clusterName: string, clusterJson: string, authkey: string}

export default class ClusterJoin extends HactlCommand<JoinResult> {
  static override summary = 'Make this host a node of the cluster whose token \'hactl cluster setup\' printed.'
  static override description = 'Writes cluster.json and the authkey (0400) from the token. The token holds the cluster\'s key: paste it from a trusted channel and do not keep it.'
  static override examples = ['<%= config.bin %> <%= command.id %> hactl1:eyJjbHVzdGVyIjp7…']
  static override args = {token: Args.string({name: 'TOKEN', required: true, description: 'The token printed by cluster setup.'})}
  static override flags = {'config-dir': configDirFlag, force: Flags.boolean({summary: 'Replace an existing cluster.json and authkey.'})}

  async run(): Promise<JoinResult> {
    const {args, flags} = await this.parse(ClusterJoin)
    const {config, key} = decodeJoinToken(args.token)
    const configDir = flags['config-dir']
    const clusterJson = clusterJsonPath(configDir)
    // The key goes where this node's config dir is, whatever path the setup node used.
    const authkey = defaultAuthkeyPath(configDir)
    if (!flags.force && (await exists(clusterJson) || await exists(authkey))) {
      throw inputError(`${clusterJson} or ${authkey} already exists; use --force to replace them`, 'exists')
    }
    await writeBootstrap(configDir, {...config, authkey_file: authkey})
    await writeAuthkey(authkey, key)
    this.say(`joined cluster ${config.cluster_name}: wrote ${clusterJson} and ${authkey}; start the node with 'hactl cluster start'`)
    return {clusterName: config.cluster_name, clusterJson, authkey}
  }
}
