// `hactl demo --postgres`: PostgreSQL 15 streaming replication under hactl on
// this machine. Three hosts in network namespaces, a data directory each under a
// temporary folder, ocf:hactl:pgsql as a promotable clone (replication=sync), a VIP
// with the Promoted role, and a client writing through the VIP while the primary's
// host crashes; then the old primary rejoins and a switchover brings it back.
// bench/postgres.ts measures the crash figure with crashOnce().
import {execa} from 'execa'
import {rm} from 'node:fs/promises'
import {BIN, TestCluster} from './lab-cluster.js'
import {netnsAvailable} from './test-net.js'
import {PostgresLab, postgresAvailable, type Writer} from './postgres-lab.js'

export const PG_VIP = '10.213.0.150'
export const PG_CLIENT = 4

export interface PostgresDemoResult {
  /** From enabling the clone to a primary accepting writes through the VIP. */
  firstPrimaryMs: number
  crash: CrashFigures
  /** From the old primary's daemon start to it streaming as an Unpromoted standby, caught up. */
  rejoinMs: number
  /** From `resource move db-clone NODE --promoted` to writes accepted through the VIP on NODE. */
  switchoverMs: number
  nodes: {first: string, afterCrash: string, afterSwitchover: string}
}

export interface CrashFigures {
  /** From the crash of the primary's host to the first write acknowledged through the VIP by the new primary. */
  writesBackMs: number
  /** Commits acknowledged before the crash and missing on the new primary (sync: must be 0). */
  lostAcknowledged: number
  acknowledged: number
  newPrimary: number
}

type Say = (line: string) => void

/** Waits for the roles to satisfy check; returns them. */
export async function waitRoles(lab: PostgresLab, from: number, what: string, check: (r: {promoted: number[], unpromoted: number[]}) => boolean, timeoutMs = 180_000) {
  let seen = {promoted: [] as number[], unpromoted: [] as number[]}
  await lab.cluster.waitFor(async () => check(seen = await lab.roles(from)), timeoutMs, `${what} (last seen ${JSON.stringify(seen)})`)
  return seen
}

/** Builds the cluster and the replicated database; resolves when a primary takes writes through the VIP. */
export async function startPostgresCluster(env: Record<string, string> = {}): Promise<{cluster: TestCluster, lab: PostgresLab, primary: number, readyMs: number}> {
  const cluster = await TestCluster.create({nodes: 3, hosts: 4, env: {HACTL_LOG_LEVEL: 'warning', ...env}})
  try {
    await cluster.startAll()
    await cluster.waitQuorate()
    const lab = await PostgresLab.create(cluster, {vip: PG_VIP, replication: 'sync', nodes: [1, 2, 3]})
    const t0 = Date.now()
    await lab.configure()
    const first = await waitRoles(lab, 1, 'one Promoted, two Unpromoted', (r) => r.promoted.length === 1 && r.unpromoted.length === 2)
    const primary = first.promoted[0]!
    await cluster.waitFor(async () => (await lab.sql(PG_CLIENT, 'create table if not exists hactl_demo (id int primary key, at timestamptz default now())')).exitCode === 0,
      120_000, 'the primary accepts writes through the VIP')
    return {cluster, lab, primary, readyMs: Date.now() - t0}
  } catch (error) {
    await cluster.destroy()
    throw error
  }
}

/** The primary's host crashes under a writer; resolves once the new primary acknowledged writes again. */
export async function crashOnce(lab: PostgresLab, primary: number): Promise<CrashFigures> {
  const {cluster} = lab
  const writer: Writer = lab.writer(PG_CLIENT)
  try {
    await cluster.waitFor(() => writer.acks.length >= 10, 60_000, '10 commits through the VIP')
    const crashAt = Date.now()
    cluster.kill(primary)
    await cluster.net.powerOff(primary)
    // Only a commit sent once the host is gone is surely the new primary's.
    const goneAt = Date.now()
    await cluster.waitFor(() => writer.acks.some((a) => a.sentMs >= goneAt), 180_000, 'a write acknowledged after the crash')
    const firstAfter = writer.acks.find((a) => a.sentMs >= goneAt)!
    await cluster.waitFor(() => writer.acks.filter((a) => a.sentMs >= goneAt).length >= 5, 60_000, 'writes keep being acknowledged')
    await writer.stop()
    const others = [1, 2, 3].filter((n) => n !== primary)
    const roles = await waitRoles(lab, others[0]!, 'a new primary', (r) => r.promoted.length === 1 && r.promoted[0] !== primary)
    const rows = await lab.sql(PG_CLIENT, 'select id from hactl_demo')
    const present = new Set(rows.stdout.split('\n').filter(Boolean).map(Number))
    return {
      writesBackMs: firstAfter.atMs - crashAt,
      lostAcknowledged: writer.acks.filter((a) => !present.has(a.id)).length,
      acknowledged: writer.acks.length,
      newPrimary: roles.promoted[0]!,
    }
  } finally {
    await writer.stop().catch(() => {})
  }
}

/** The crashed host boots (empty /run), its daemon starts; resolves when its standby has caught up. */
export async function rejoin(lab: PostgresLab, node: number, primary: number): Promise<number> {
  const {cluster} = lab
  await rm(cluster.runDir(node), {recursive: true, force: true})
  await cluster.net.boot(node)
  const t0 = Date.now()
  cluster.start(node)
  // Settling can take a while on a loaded machine: the roles below are what matters.
  await cluster.waitQuorate(undefined, 120_000)
  await waitRoles(lab, primary, `n${node} back as Unpromoted`, (r) => r.promoted.join() === String(primary) && r.unpromoted.includes(node))
  const total = (await lab.sql(PG_CLIENT, 'select count(*) from hactl_demo')).stdout.trim()
  await cluster.waitFor(async () => (await lab.sql(node, 'select count(*) from hactl_demo', 'local')).stdout.trim() === total, 120_000, `n${node} caught up`)
  return Date.now() - t0
}

async function showStatus(cluster: TestCluster, node: number, say: Say): Promise<void> {
  const result = await execa(process.execPath, [BIN, 'status', '--run-dir', cluster.runDir(node)], {reject: false})
  say(String(result.stdout).split('\n').map((l) => `    ${l}`).join('\n'))
}

export async function runPostgresDemo(say: Say): Promise<PostgresDemoResult> {
  const missing = await netnsAvailable()
  if (missing) throw new Error(`the demo builds network namespaces and ${missing}: run it as root on Linux with iproute2 and nftables`)
  if (!(await postgresAvailable())) throw new Error('the PostgreSQL demo needs root and PostgreSQL 15 (apt-get install postgresql-15)')
  say('1. Building hosts n1 n2 n3 (and a client, n4) as network namespaces; three daemons; initdb on n1, copied to n2 and n3')
  say(`2. hactl resource add agent db ocf:hactl:pgsql replication=sync primary_host=${PG_VIP} …; hactl resource promotable db;`)
  say(`   a VIP ${PG_VIP} with 'colocation add vip with db-clone INFINITY --role Promoted' and 'order promote db-clone then start vip'`)
  const {cluster, lab, primary, readyMs} = await startPostgresCluster()
  try {
    say(`   n${primary} promoted (highest score: every standby at the same position, ties by name); writes accepted through the VIP ${readyMs} ms after enabling`)
    say('3. hactl status')
    await showStatus(cluster, primary, say)
    say(`4. A client on n4 commits one row at a time through ${PG_VIP}; n${primary}'s host crashes (every process killed, link unplugged)`)
    const crash = await crashOnce(lab, primary)
    say(`   n${crash.newPrimary} promoted; writes acknowledged again ${crash.writesBackMs} ms after the crash (detection, agreement, safety delay, promote, VIP)`)
    say(`   ${crash.acknowledged} commits acknowledged, ${crash.lostAcknowledged} of them missing on the new primary (replication=sync)`)
    say(`5. n${primary} boots and its daemon starts: pg_rewind to the new timeline, a standby, catching up before it gets a promotion score`)
    const rejoinMs = await rejoin(lab, primary, crash.newPrimary)
    say(`   n${primary} streaming and caught up ${rejoinMs} ms after its daemon started`)
    say(`6. hactl resource move db-clone n${primary} --promoted: a switchover back`)
    const t0 = Date.now()
    const move = await cluster.cli(crash.newPrimary, ['resource', 'move', 'db-clone', `n${primary}`, '--promoted'])
    if (move.exitCode !== 0) throw new Error(`hactl resource move: ${move.stderr}`)
    await waitRoles(lab, crash.newPrimary, `n${primary} promoted`, (r) => r.promoted.join() === String(primary))
    await cluster.waitFor(async () => (await lab.sql(PG_CLIENT, 'insert into hactl_demo (id) values (-1) on conflict do nothing')).exitCode === 0
      && (await lab.sql(primary, 'select pg_is_in_recovery()', 'local')).stdout.trim() === 'f', 120_000, 'writes through the VIP on the old primary')
    const switchoverMs = Date.now() - t0
    say(`   n${primary} is the primary again, writes accepted through the VIP ${switchoverMs} ms after the command (CLI and settling included)`)
    say('7. hactl status')
    await showStatus(cluster, primary, say)
    return {firstPrimaryMs: readyMs, crash, rejoinMs, switchoverMs, nodes: {first: `n${primary}`, afterCrash: `n${crash.newPrimary}`, afterSwitchover: `n${primary}`}}
  } finally {
    say('8. Cleaning up: daemons and PostgreSQL stopped, namespaces and files removed')
    for (const node of [1, 2, 3]) cluster.kill(node)
    await lab.stopAll()
    await cluster.destroy()
  }
}
