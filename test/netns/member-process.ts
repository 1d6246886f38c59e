// Runs the membership layer alone, for netns tests and the benchmark:
//   node --import tsx test/netns/member-process.ts --config DIR/cluster.json --node ID [--authkey FILE] [--state-dir DIR]
// Prints one JSON line per view change ({"type":"view",...}) and, on SIGUSR2, a
// snapshot of links and counters ({"type":"snapshot",...}). SIGTERM stops it.
import {readFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'
import {validateBootstrap} from '../../src/core/config/bootstrap.js'
import {readAuthkey} from '../../src/daemon/authkey.js'
import {MembershipService} from '../../src/daemon/membership-service.js'

const {values} = parseArgs({options: {config: {type: 'string'}, node: {type: 'string'}, authkey: {type: 'string'}, token: {type: 'string'}, heartbeat: {type: 'string'}, 'state-dir': {type: 'string'}}})
const config = validateBootstrap(JSON.parse(await readFile(values.config!, 'utf8')))
const nodeId = Number(values.node)
const authkey = config.crypto === 'none' ? Buffer.alloc(0) : await readAuthkey(values.authkey ?? config.authkey_file)
const totem = {...config.totem, ...(values.token ? {token: Number(values.token)} : {}), ...(values.heartbeat ? {heartbeat: Number(values.heartbeat)} : {})}
const started = performance.now()
const print = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({...record, t: Math.round(performance.now() - started), wall: Date.now()})}\n`)
const service = new MembershipService({config, nodeId, authkey, totem, stateDir: values['state-dir'], log: (r) => { if (r.level !== 'info') print({type: 'log', ...r}) }})
service.on('view', (event) => print({type: 'view', node: nodeId, ...event}))
service.on('app', (from: number, payload: Buffer) => print({type: 'app', from, text: payload.toString('utf8').slice(0, 200)}))
process.on('SIGUSR2', () => print({type: 'snapshot', ...service.snapshot()}))
process.on('SIGUSR1', () => service.sendApp('all', Buffer.from(`hello from ${nodeId}`)))
process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)))
await service.start()
print({type: 'started', node: nodeId})
