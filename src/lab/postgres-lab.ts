// PostgreSQL 15 streaming replication on a TestCluster (the e2e test, `hactl demo
// --postgres` and bench/postgres.ts): a data directory per node under the
// cluster's temporary folder, ocf:hactl:pgsql as a promotable clone, a VIP
// colocated with the Promoted role, and a writer that inserts through the VIP
// from a client host and records every acknowledged row.
import {execa, type ResultPromise} from 'execa'
import {appendFile, chmod, chown, cp, mkdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {TestCluster} from './lab-cluster.js'

export const PGBIN = '/usr/lib/postgresql/15/bin'

export interface PostgresLabOptions {
  vip: string
  replication: 'sync' | 'async'
  /** Node numbers that run PostgreSQL (1..n). */
  nodes: number[]
}

async function postgresIds(): Promise<{uid: number, gid: number}> {
  const r = await execa('id', ['postgres'], {reject: false})
  if (r.exitCode !== 0) throw new Error('no postgres user: install postgresql-15 (Debian)')
  return {uid: Number(/uid=(\d+)/.exec(r.stdout)![1]), gid: Number(/gid=(\d+)/.exec(r.stdout)![1])}
}

/** Whether this machine can run the PostgreSQL lab: root, PostgreSQL 15, a postgres user. */
export async function postgresAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false
  const pgctl = await execa('test', ['-x', `${PGBIN}/pg_ctl`], {reject: false})
  return pgctl.exitCode === 0 && (await execa('id', ['postgres'], {reject: false})).exitCode === 0
}

export class PostgresLab {
  private constructor(readonly cluster: TestCluster, readonly options: PostgresLabOptions, readonly base: string) {}

  pgdata(node: number): string {
    return join(this.base, `n${node}`, 'pgdata')
  }

  socketdir(node: number): string {
    return join(this.base, `n${node}`, 'pgsock')
  }

  /**
   * initdb (checksums on: pg_rewind needs them) on the first node, trust for the
   * cluster's test network, then a cold copy to the others: every node starts as a
   * standby at the same position, and the promotion scores pick one.
   */
  static async create(cluster: TestCluster, options: PostgresLabOptions): Promise<PostgresLab> {
    const {uid, gid} = await postgresIds()
    const base = join(cluster.dir, 'pg')
    await mkdir(base, {recursive: true})
    // postgres must reach its directories under the (root-only) temporary folder.
    await chmod(cluster.dir, 0o755)
    await chmod(base, 0o755)
    const lab = new PostgresLab(cluster, options, base)
    for (const node of options.nodes) {
      await mkdir(join(base, `n${node}`), {recursive: true, mode: 0o755})
      await mkdir(lab.socketdir(node), {recursive: true})
      await chown(lab.socketdir(node), uid, gid)
    }
    const first = lab.pgdata(options.nodes[0]!)
    await mkdir(first, {mode: 0o700})
    await chown(first, uid, gid)
    const init = await execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/initdb`, '-k', '-D', first, '-A', 'trust', '-U', 'postgres'], {reject: false})
    if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.stderr}`)
    // The lab's servers die by SIGKILL (crash tests): with the default (posix) their dynamic shared
    // memory segments would stay behind in /dev/shm; mmap keeps them in the data directory, removed with it.
    await appendFile(join(first, 'postgresql.conf'), '\ndynamic_shared_memory_type = mmap\n')
    await writeFile(join(first, 'pg_hba.conf'), [
      'local all all trust',
      'host all all 10.213.0.0/16 trust',
      'host replication all 10.213.0.0/16 trust',
      'host all all 127.0.0.1/32 trust',
      '',
    ].join('\n'))
    await chown(join(first, 'pg_hba.conf'), uid, gid)
    for (const node of options.nodes.slice(1)) await cp(first, lab.pgdata(node), {recursive: true, preserveTimestamps: true, verbatimSymlinks: true})
    for (const node of options.nodes.slice(1)) await execa('chown', ['-R', 'postgres:postgres', lab.pgdata(node)])
    return lab
  }

  /** Stops every node's server at once (before the cluster is destroyed: a dying postgres still writes its directory). */
  async stopAll(): Promise<void> {
    for (const node of this.options.nodes) {
      await execa('runuser', ['-u', 'postgres', '--', `${PGBIN}/pg_ctl`, '-D', this.pgdata(node), '-m', 'immediate', '-w', '-t', '10', 'stop'], {reject: false})
    }
  }

  /** The hactl resources: db (promotable), vip with the Promoted role, promote db-clone then start vip. */
  async configure(node = 1): Promise<void> {
    const cli = async (args: string[]) => {
      const r = await this.cluster.cli(node, args)
      if (r.exitCode !== 0) throw new Error(`hactl ${args.join(' ')}: ${r.stderr}`)
    }
    await cli(['property', 'set', 'resource-stickiness=100'])
    await cli(['resource', 'add', 'agent', 'db', 'ocf:hactl:pgsql', `pgdata=${join(this.base, '{node}', 'pgdata')}`,
      `socketdir=${join(this.base, '{node}', 'pgsock')}`, `primary_host=${this.options.vip}`, `replication=${this.options.replication}`, '--disabled',
      '--op', 'start timeout=120s', '--op', 'stop timeout=60s', '--op', 'promote timeout=60s', '--op', 'demote timeout=120s',
      '--op', 'monitor interval=2s role=Promoted timeout=30s', '--op', 'monitor interval=3s role=Unpromoted timeout=30s'])
    // notify=true: before a promotion every standby publishes its position (the promote compares fresh ones).
    await cli(['resource', 'promotable', 'db', '--promoted-max', '1', 'notify=true'])
    await cli(['resource', 'add', 'vip', 'vip', '--ip', this.options.vip, '--cidr', '24', '--op', 'monitor interval=1s timeout=5s'])
    await cli(['constraint', 'colocation', 'add', 'vip', 'with', 'db-clone', 'INFINITY', '--role', 'Promoted'])
    await cli(['constraint', 'order', 'promote', 'db-clone', 'then', 'start', 'vip'])
    await cli(['resource', 'enable', 'db'])
  }

  /** Nodes (numbers) where db runs Promoted and Unpromoted, as node `from` reports. */
  async roles(from: number): Promise<{promoted: number[], unpromoted: number[]}> {
    const status = await this.cluster.status(from)
    const running = (status?.resources ?? []).filter((r: {id: string, role: string}) => r.id.startsWith('db:') && r.role === 'started')
    const num = (n: string) => Number(n.slice(1))
    return {
      promoted: running.flatMap((r: {promotedOn?: string[]}) => r.promotedOn ?? []).map(num).sort(),
      unpromoted: running.flatMap((r: {nodes: string[], promotedOn?: string[]}) => r.nodes.filter((n) => !(r.promotedOn ?? []).includes(n))).map(num).sort(),
    }
  }

  /** SQL through a host's namespace: to the VIP (host = the VIP) or a node's own socket. */
  async sql(fromHost: number, sql: string, target: 'vip' | 'local' = 'vip') {
    const host = target === 'vip' ? this.options.vip : this.socketdir(fromHost)
    return this.cluster.net.exec(fromHost, ['runuser', '-u', 'postgres', '--', 'env', 'PGCONNECT_TIMEOUT=2', `${PGBIN}/psql`, '-X', '-A', '-t', '-q',
      '-h', host, '-p', '5432', '-d', 'postgres', '-c', sql], {reject: false})
  }

  /**
   * A writer on a client host: inserts 1, 2, 3, … through the VIP, one commit each,
   * and prints "ack N" for every acknowledged one, until `stop()`.
   */
  writer(clientHost: number): Writer {
    const stopFile = join(this.base, `stop-writer-${clientHost}`)
    const script = [
      'i=0',
      `while [ ! -e '${stopFile}' ]; do`,
      '  i=$((i+1))',
      '  started=$(date +%s%3N)',
      // No statement_timeout: a cancelled wait for a synchronous standby still reports success.
      // Keepalives end a connection to a host that died mid-commit.
      `  if runuser -u postgres -- ${PGBIN}/psql -X -q "host=${this.options.vip} port=5432 dbname=postgres connect_timeout=1 keepalives_idle=1 keepalives_interval=1 keepalives_count=2 tcp_user_timeout=3000" -c "insert into hactl_demo (id) values ($i)" >/dev/null 2>&1; then`,
      '    echo "ack $i $started $(date +%s%3N)"',
      '  else sleep 0.05; fi',
      'done',
    ].join('\n')
    const child = this.cluster.net.spawn(clientHost, ['sh', '-c', script])
    const acks: Array<{id: number, sentMs: number, atMs: number}> = []
    let partial = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      partial += chunk.toString()
      const lines = partial.split('\n')
      partial = lines.pop()!
      for (const line of lines) {
        const m = /^ack (\d+) (\d+) (\d+)$/.exec(line)
        if (m) acks.push({id: Number(m[1]), sentMs: Number(m[2]), atMs: Number(m[3])})
      }
    })
    return {
      acks,
      stop: async () => {
        await writeFile(stopFile, '')
        await child
        await rm(stopFile, {force: true})
      },
      child,
    }
  }
}

export interface Writer {
  /** Every acknowledged insert: its id, when its psql started and when the ack arrived (ms since the epoch). */
  acks: Array<{id: number, sentMs: number, atMs: number}>
  stop(): Promise<void>
  child: ResultPromise
}
