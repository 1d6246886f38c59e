// The workload the daemon benchmarks share: a 3-node cluster (or `nodes`) with a VIP monitored
// every 2 s and a dummy service monitored every 10 s, stickiness 100.
//
// `root` names a checkout whose built cluster harness (ROOT/dist/lab/lab-cluster.js,
// which runs ROOT/bin/run.js) runs the daemons: the benchmarks compare two
// checkouts in one run that way (`--base /path/to/other/checkout`). Without it,
// this checkout's sources run (test/lib/cluster.ts, through tsx).
import {resolve, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {callDaemon} from '../src/client/client.js'
import type {TestCluster} from '../test/lib/cluster.js'

export const VIP = '10.213.0.100'

/** This checkout's root (bench/..). */
export const HERE = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** The cluster harness of a checkout: its built dist, so its own bin/run.js runs the daemons. */
export async function clusterClass(root?: string): Promise<typeof TestCluster> {
  if (root === undefined) return (await import('../test/lib/cluster.js')).TestCluster
  const module = await import(pathToFileURL(join(resolve(root), 'dist', 'lab', 'lab-cluster.js')).href) as {TestCluster: typeof TestCluster}
  return module.TestCluster
}

export async function startWorkload(env: Record<string, string> = {}, root?: string, nodes = 3): Promise<TestCluster> {
  const Cluster = await clusterClass(root)
  const cluster = await Cluster.create({nodes, env})
  try {
    await cluster.startAll()
    await cluster.waitQuorate()
    await callDaemon(cluster.runDir(1), 'config.edit', {edit: {op: 'property.set', properties: {'resource-stickiness': '100'}}})
    for (const args of [
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--op', 'monitor interval=2s timeout=5s'],
      ['resource', 'add', 'agent', 'svc', 'ocf:hactl:dummy'],
    ]) {
      const result = await cluster.cli(1, args)
      if (result.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${result.stderr}`)
    }
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 30_000, 'the VIP on one node')
    await cluster.waitQuorate()
    return cluster
  } catch (error) {
    await cluster.destroy()
    throw error
  }
}

/** `--name value` or `--name=value` from argv, else the environment variable, else the default. */
export function option(name: string, env: string | undefined, fallback: string | undefined): string | undefined {
  const joined = process.argv.find((a) => a.startsWith(`--${name}=`))
  if (joined !== undefined) return joined.slice(name.length + 3)
  const at = process.argv.indexOf(`--${name}`)
  if (at >= 0 && process.argv[at + 1] !== undefined) return process.argv[at + 1]
  return (env !== undefined ? process.env[env] : undefined) ?? fallback
}

export async function loadAverage(): Promise<string> {
  const {readFile} = await import('node:fs/promises')
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')
}

/** The fields of a daemon log line's tail, ` k=v k="v v" …` (the logger's text format), as strings. */
export function logFields(tail: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const m of tail.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) fields[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) as string : m[2]
  return fields
}

export interface Sample {ticks: number, user: number, switches: number}

/** A process's CPU so far (utime + stime and utime, in clock ticks: 100 a second; children not included) and its voluntary context switches (wake-ups). */
export async function sample(pid: number): Promise<Sample> {
  const {readFile} = await import('node:fs/promises')
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return {ticks: Number(fields[11]) + Number(fields[12]), user: Number(fields[11]), switches: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1])}
}
