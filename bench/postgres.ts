// PostgreSQL failover under hactl (issue 12): the primary's host crashes (every
// process killed, addresses flushed, link unplugged) while a client commits one row
// at a time through the VIP; measured from the crash to the first commit the
// promoted standby acknowledges through the VIP. replication=sync, 3 nodes in
// network namespaces; the crashed host rejoins (pg_rewind) before the next trial.
// Prints one JSON object, then a table. Needs root, iproute2, nftables and
// postgresql-15. TRIALS=10 by default.
import {loadavg} from 'node:os'
import {crashOnce, rejoin, startPostgresCluster} from '../src/lab/demo-postgres.js'
import {postgresAvailable} from '../src/lab/postgres-lab.js'

const trials = Number(process.env.TRIALS ?? 10)

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)])
  return {n: s.length, min_ms: Math.round(s[0]), median_ms: q(0.5), max_ms: Math.round(s[s.length - 1])}
}

if (!(await postgresAvailable())) {
  console.error('bench/postgres.ts needs root and PostgreSQL 15 (apt-get install postgresql-15)')
  process.exit(1)
}
const loadBefore = loadavg()
const {cluster, lab, primary: first} = await startPostgresCluster()
const writesBack: number[] = []
const rejoins: number[] = []
let lost = 0
let acknowledged = 0
try {
  let primary = first
  for (let trial = 1; trial <= trials; trial++) {
    const crash = await crashOnce(lab, primary)
    writesBack.push(crash.writesBackMs)
    lost += crash.lostAcknowledged
    acknowledged += crash.acknowledged
    rejoins.push(await rejoin(lab, primary, crash.newPrimary))
    process.stderr.write(`trial ${trial}: n${primary} crashed, n${crash.newPrimary} took writes after ${crash.writesBackMs} ms; ${crash.lostAcknowledged} acknowledged commits lost\n`)
    primary = crash.newPrimary
  }
} finally {
  for (const node of [1, 2, 3]) cluster.kill(node)
  await lab.stopAll()
  await cluster.destroy()
}
const result = {
  benchmark: 'postgres-failover',
  settings: {nodes: 3, replication: 'sync', trials, monitor: 'Promoted 2s, Unpromoted 3s', token_ms: 'hactl cluster setup default'},
  crash_to_writes_accepted: stats(writesBack),
  rejoin_caught_up: stats(rejoins),
  acknowledged_commits: acknowledged,
  acknowledged_commits_lost: lost,
  load_average: {before: loadBefore.map((l) => Number(l.toFixed(2))), after: loadavg().map((l) => Number(l.toFixed(2)))},
}
console.log(JSON.stringify(result))
console.log(`\n${'figure (ms)'.padEnd(44)}${'min'.padStart(8)}${'median'.padStart(9)}${'max'.padStart(8)}`)
for (const [name, s] of [['primary host crash -> writes through the VIP', result.crash_to_writes_accepted], ['old primary rejoined and caught up', result.rejoin_caught_up]] as const) {
  console.log(`${name.padEnd(44)}${String(s.min_ms).padStart(8)}${String(s.median_ms).padStart(9)}${String(s.max_ms).padStart(8)}`)
}
console.log(`${acknowledged} commits acknowledged, ${lost} lost; load average ${result.load_average.before.join(' ')} -> ${result.load_average.after.join(' ')}`)
