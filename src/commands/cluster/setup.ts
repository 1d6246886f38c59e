import {Args, Flags} from '@oclif/core'
import {readFile} from 'node:fs/promises'
import {HactlCommand} from '../../cli/base-command.js'
import {inputError} from '../../cli/errors.js'
import {configDirFlag} from '../../cli/flags.js'
import {encodeJoinToken} from '../../cli/join-token.js'
import {parseNodeAddress} from '../../cli/parse.js'
import {buildBootstrap} from '../../core/config/bootstrap.js'
import type {BootstrapConfig} from '../../core/config/bootstrap-types.js'
import {clusterJsonPath, defaultAuthkeyPath, exists, writeAuthkey, writeBootstrap} from '../../store/cluster-files.js'

export interface SetupResult {
  clusterJson: string
  authkey: string
  authkeyCreated: boolean
  cluster: BootstrapConfig
}

export default class ClusterSetup extends HactlCommand<SetupResult> {
  static override summary = 'Write cluster.json (and a new 256-bit authkey, 0400, when none exists) for the nodes given as NAME=ADDR.'
  static override description = `Run it on one node, then run the printed 'hactl cluster join TOKEN' on every other node. The token contains the authkey: pass it over a trusted channel (ssh), never store it in shell history or tickets; whoever holds it can join the cluster and read its traffic.
Several links per node: NAME=ADDR1,ADDR2. Two nodes get two_node and wait_for_all, as in votequorum.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> web n1=10.0.0.1 n2=10.0.0.2 n3=10.0.0.3',
    '<%= config.bin %> <%= command.id %> db n1=10.0.0.1,192.168.1.1 n2=10.0.0.2,192.168.1.2 --transport udpu --token 500',
  ]

  static override strict = false
  static override args = {
    name: Args.string({name: 'NAME', required: true, description: 'Cluster name.'}),
    node: Args.string({name: 'NODE=ADDR', required: true, description: 'Nodes, each NAME=ADDR[,ADDR2…].'}),
  }

  static override flags = {
    'config-dir': configDirFlag,
    transport: Flags.option({summary: 'udp (multicast) or udpu (unicast to every node).', options: ['udp', 'udpu'] as const, default: 'udp'})(),
    'mcast-addr': Flags.string({summary: 'Multicast group (transport udp).', default: '239.255.76.67'}),
    port: Flags.integer({summary: 'UDP port.', default: 5405, min: 1, max: 65535}),
    token: Flags.integer({summary: 'Token timeout in ms: a peer silent this long is lost.', min: 20}),
    heartbeat: Flags.integer({summary: 'Heartbeat interval in ms.', min: 5}),
    crypto: Flags.option({summary: 'aes256gcm (default), hmac (authenticate only), none (insecure).', options: ['aes256gcm', 'hmac', 'none'] as const, default: 'aes256gcm'})(),
    'two-node': Flags.boolean({summary: 'votequorum two_node (default for exactly two nodes).', allowNo: true}),
    'wait-for-all': Flags.boolean({summary: 'votequorum wait_for_all.', allowNo: true}),
    'last-man-standing': Flags.boolean({summary: 'votequorum last_man_standing.'}),
    'auto-tie-breaker': Flags.boolean({summary: 'votequorum auto_tie_breaker: the side with the lowest node id wins a 50/50 split.'}),
    force: Flags.boolean({summary: 'Overwrite an existing cluster.json.'}),
  }

  async run(): Promise<SetupResult> {
    const {args, argv, flags} = await this.parse(ClusterSetup)
    const configDir = flags['config-dir']
    const clusterJson = clusterJsonPath(configDir)
    const nodes = (argv as string[]).slice(1).map(parseNodeAddress)
    const cluster = buildBootstrap({
      name: args.name, nodes, transport: flags.transport, mcastAddr: flags['mcast-addr'], port: flags.port, crypto: flags.crypto,
      authkeyFile: defaultAuthkeyPath(configDir), token: flags.token, heartbeat: flags.heartbeat,
      twoNode: flags['two-node'], waitForAll: flags['wait-for-all'], lastManStanding: flags['last-man-standing'], autoTieBreaker: flags['auto-tie-breaker'],
    })
    if (!flags.force && await exists(clusterJson)) throw inputError(`${clusterJson} already exists; use --force to replace it`, 'exists')
    const authkeyCreated = !await exists(cluster.authkey_file)
    if (authkeyCreated) await writeAuthkey(cluster.authkey_file)
    await writeBootstrap(configDir, cluster)
    if (cluster.crypto === 'none') process.stderr.write('hactl: WARNING: crypto none: cluster traffic is neither authenticated nor encrypted\n')
    const token = encodeJoinToken(cluster, await readFile(cluster.authkey_file))
    this.say(`wrote ${clusterJson}${authkeyCreated ? ` and a new authkey ${cluster.authkey_file} (0400)` : ` (kept the existing authkey ${cluster.authkey_file})`}`)
    this.say(`On every other node run (the token holds the authkey: pass it over ssh, keep it out of logs):\n  hactl cluster join ${token}`)
    return {clusterJson, authkey: cluster.authkey_file, authkeyCreated, cluster}
  }
}
