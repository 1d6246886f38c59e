// End-to-end observability (issue 13) on a 3-node cluster of real daemons: a real
// Prometheus (Debian's) scrapes the three /metrics endpoints; Pacemaker's own
// alert_file.sh.sample is configured with `hactl alert add`; then the DC, which
// holds the VIP, is killed (-9) and fenced (test/fence/fence_netns), and the test
// checks through Prometheus' HTTP API that the failover histogram, the view-change
// counter and the fence attempts moved, that the alert agent wrote the node-lost,
// fencing and resource lines with increasing sequence numbers,
// that an agent failing twice was retried until it succeeded, that `hactl status
// --watch --json` on a survivor streamed the node-lost, fence and resource events
// (each line checked against schemas/status-watch.json), that a node attribute
// change reached the agent as an attribute alert, and that the new DC's `hactl
// history` holds the failover's transitions and those the dead DC planned before
// (replicated), each replayed identically — on the other survivor as well.
// Bounds are protocol timeouts with generous margins, never performance figures.
import assert from 'node:assert/strict'
import {execa, type ResultPromise} from 'execa'
import {Ajv2020} from 'ajv/dist/2020.js'
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {BIN, TestCluster} from '../lib/cluster.js'
import {checkContract} from '../lib/contract.js'
import {requireNetns} from '../lib/netns.js'

const VIP = '10.213.0.100'
const SAMPLE = '/usr/share/pacemaker/alerts/alert_file.sh.sample'
const PROMETHEUS_NODE = 3
const FENCE_DIR = fileURLToPath(new URL('../fence', import.meta.url))

async function requireTools(ctx: Mocha.Context): Promise<void> {
  const missing: string[] = []
  for (const [tool, probe] of [['prometheus', ['prometheus', '--version']], ['curl', ['curl', '--version']]] as const) {
    if ((await execa(probe[0], probe.slice(1), {reject: false})).exitCode !== 0) missing.push(tool)
  }
  try {
    await readFile(SAMPLE)
  } catch {
    missing.push(`${SAMPLE} (Debian pacemaker-common)`)
  }
  if (missing.length === 0) return
  if (process.env.CI === 'true') throw new Error(`observability e2e needs ${missing.join(', ')} (CI=true)`)
  console.log(`      skipped: missing ${missing.join(', ')}`)
  ctx.skip()
}

describe('e2e: observability — Prometheus, alert agents, history', function () {
  this.timeout(150_000)
  let cluster: TestCluster
  let dir: string
  let watch: ResultPromise | undefined

  /** An instant query through Prometheus' HTTP API (it listens on loopback in node 3's namespace). */
  async function query(expr: string): Promise<Array<{metric: Record<string, string>, value: [number, string]}>> {
    const result = await cluster.net.exec(PROMETHEUS_NODE, ['curl', '-sf', '--max-time', '5', '--data-urlencode', `query=${expr}`, 'http://127.0.0.1:9090/api/v1/query'], {reject: false})
    if (result.exitCode !== 0) return []
    const body = JSON.parse(String(result.stdout)) as {status: string, data: {result: Array<{metric: Record<string, string>, value: [number, string]}>}}
    return body.status === 'success' ? body.data.result : []
  }

  /** The real CLI on a node's state directory (history and alert history are read from it). */
  async function local(node: number, args: string[]): Promise<{exitCode: number, stdout: string, stderr: string, json: any}> {
    const result = await execa(process.execPath, [BIN, ...args, '--state-dir', cluster.stateDir(node)], {reject: false})
    let json: unknown
    try {
      json = JSON.parse(String(result.stdout))
    } catch {
      json = undefined
    }
    return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), json}
  }

  async function scalar(expr: string): Promise<number | undefined> {
    const rows = await query(expr)
    return rows.length === 0 ? undefined : Number(rows[0].value[1])
  }

  before(async function () {
    await requireNetns(this)
    await requireTools(this)
    cluster = await TestCluster.create({nodes: 3, env: {HACTL_FENCE_PATH: FENCE_DIR}})
    dir = cluster.dir
    // Each daemon serves /metrics on its namespace's own address (off-host, as configured).
    for (let node = 1; node <= 3; node++) {
      const path = join(cluster.configDir(node), 'cluster.json')
      const config = JSON.parse(await readFile(path, 'utf8'))
      config.metrics = {address: `${cluster.net.addr(node)}:9664`}
      await writeFile(path, JSON.stringify(config, null, 2))
    }
    await cluster.startAll()
    await cluster.waitQuorate()
    await mkdir(join(dir, 'prometheus'), {recursive: true})
    const prometheusConfig = [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms',
      'scrape_configs:', '  - job_name: hactl', '    static_configs:',
      `      - targets: [${[1, 2, 3].map((n) => `'${cluster.net.addr(n)}:9664'`).join(', ')}]`,
    ].join('\n')
    await writeFile(join(dir, 'prometheus.yml'), `${prometheusConfig}\n`)
    cluster.net.spawn(PROMETHEUS_NODE, ['prometheus', `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      '--web.listen-address=127.0.0.1:9090', '--log.level=warn'])
  })

  after(async () => {
    watch?.kill('SIGKILL')
    await cluster?.destroy()
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.tail(40))
  })

  it('a real Prometheus scrapes all three daemons, under ha_cluster_exporter\'s names', async () => {
    await cluster.waitFor(async () => (await query('up{job="hactl"} == 1')).length === 3, 30_000, 'Prometheus sees 3 targets up')
    await cluster.waitFor(async () => (await query('sum by (instance) (ha_cluster_pacemaker_nodes{status="online"}) == 3')).length === 3, 15_000, 'every daemon reports 3 online nodes')
    assert.equal(await scalar('sum(ha_cluster_corosync_quorate)'), 3)
    assert.equal(await scalar('sum(hactl_dc)'), 1, 'exactly one DC')
  })

  it('after a crash failover: histogram and view changes moved, alerts delivered in order, the flaky agent retried, history replays', async () => {
    // The alert agents: Pacemaker's sample, unchanged, and one that fails its first two runs.
    const alertLog = join(dir, 'alerts.log')
    const flakyLog = join(dir, 'flaky.log')
    const flaky = join(dir, 'flaky-agent.sh')
    await writeFile(flaky, [
      '#!/bin/sh',
      `count=$(cat '${join(dir, 'flaky.count')}' 2>/dev/null || echo 0)`,
      'count=$((count + 1))',
      `echo "$count" > '${join(dir, 'flaky.count')}'`,
      '[ "$count" -le 2 ] && exit 1',
      'echo "$CRM_alert_node_sequence $CRM_alert_kind $CRM_alert_node $CRM_alert_desc" >> "$CRM_alert_recipient"',
      '',
    ].join('\n'))
    await chmod(flaky, 0o755)
    for (const args of [
      ['alert', 'add', 'file', '--path', SAMPLE, '--recipient', alertLog, '--option', 'debug_exec_order=true'],
      ['alert', 'add', 'flaky', '--path', flaky, '--recipient', flakyLog, '--select', 'nodes'],
      cluster.fenceDeviceArgs(),
      ['property', 'set', 'stonith-enabled=true'],
      ['resource', 'add', 'vip', 'vip', '--ip', VIP, '--cidr', '24', '--op', 'monitor interval=1s timeout=5s'],
    ]) {
      const result = await cluster.cli(1, args)
      assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`)
    }
    const listed = await cluster.cli(2, ['alert', 'list', '--json'])
    assert.deepEqual(listed.json.result.map((a: {id: string}) => a.id), ['file', 'flaky'], 'the alerts reached every node')
    await checkContract('alert list', listed.json)
    // The VIP on the DC, so the crash takes both; moved there from another node, so
    // the agent also sees a stop (a crashed node runs no stop).
    const dc = (await cluster.status(1)).dc as string
    const dcNode = Number(dc.slice(1))
    await cluster.waitFor(async () => (await cluster.holders(VIP)).length === 1, 20_000, `${VIP} started`)
    const other = [1, 2, 3].find((n) => n !== dcNode)!
    for (const target of (await cluster.holders(VIP))[0] === dcNode ? [other, dcNode] : [dcNode]) {
      const moved = await cluster.cli(1, ['resource', 'move', 'vip', `n${target}`])
      assert.equal(moved.exitCode, 0, moved.stderr)
      await cluster.waitFor(async () => (await cluster.holders(VIP)).join() === String(target), 20_000, `${VIP} on n${target}`)
    }
    await cluster.waitQuorate()
    // A node attribute changed (hactl node attribute): an attribute alert to the agent (the "file" alert selects every kind).
    const attribute = await cluster.cli(1, ['node', 'attribute', `n${other}`, 'rack=r7'])
    assert.equal(attribute.exitCode, 0, attribute.stderr)
    await cluster.waitFor(async () => (await readFile(alertLog, 'utf8').catch(() => '')).includes(`Attribute 'rack' on node 'n${other}' was updated to 'r7'`), 20_000, 'the attribute alert line')
    // A script following the cluster from a survivor: NDJSON events until interrupted.
    const watcher = [1, 2, 3].find((n) => n !== dcNode)!
    watch = execa(process.execPath, [BIN, 'status', '--watch', '--json', '--run-dir', cluster.runDir(watcher)], {reject: false})
    let streamed = ''
    watch.stdout?.on('data', (chunk: Buffer) => { streamed += chunk.toString() })
    await cluster.waitFor(() => streamed.includes('\n'), 15_000, 'the watch stream\'s first line (the status snapshot)')
    const survivors = [1, 2, 3].filter((n) => n !== dcNode)
    const survivorInstances = survivors.map((n) => `${cluster.net.addr(n)}:9664`).join('|')
    await cluster.waitFor(async () => (await scalar(`sum(hactl_membership_view_changes_total{instance=~"${survivorInstances}"})`)) !== undefined, 15_000, 'view changes scraped')
    const viewChangesBefore = (await scalar(`sum(hactl_membership_view_changes_total{instance=~"${survivorInstances}"})`))!
    const failoversBefore = (await scalar('sum(hactl_failover_duration_seconds_count)')) ?? 0

    cluster.kill(dcNode, 'SIGKILL')
    await cluster.waitFor(async () => {
      const holders = await cluster.holders(VIP)
      return holders.length === 1 && holders[0] !== dcNode
    }, 40_000, `${VIP} recovered on a survivor`)
    await cluster.waitQuorate(survivors, 20_000)
    const newDc = (await cluster.status(survivors[0])).dc as string
    const newDcNode = Number(newDc.slice(1))
    const holder = (await cluster.holders(VIP))[0]

    // Prometheus, through its HTTP API.
    await cluster.waitFor(async () => ((await scalar('sum(hactl_failover_duration_seconds_count)')) ?? 0) > failoversBefore, 20_000, 'the failover histogram moved')
    await cluster.waitFor(async () => ((await scalar(`sum(hactl_membership_view_changes_total{instance=~"${survivorInstances}"})`)) ?? 0) > viewChangesBefore, 20_000, 'the view-change counter moved')
    const lostReason = await query(`hactl_membership_view_changes_total{instance=~"${survivorInstances}", reason=~"member-lost|member-left"} > 0`)
    assert.ok(lostReason.length > 0, 'a view change because a member was lost')
    await cluster.waitFor(async () => ((await scalar(`sum(hactl_fence_attempts_total{node="${dc}", outcome="done"})`)) ?? 0) >= 1, 20_000, 'the fence attempt counted')
    const buckets = await query('sum by (le) (hactl_failover_duration_seconds_bucket{cause="node-lost"})')
    assert.ok(buckets.some((b) => b.metric.le === '+Inf' && Number(b.value[1]) >= 1), 'a node-lost failover observed')

    // Pacemaker's alert_file.sh.sample: the node-lost line and the start of the VIP elsewhere, sequence numbers increasing.
    let lines: string[] = []
    await cluster.waitFor(async () => {
      lines = (await readFile(alertLog, 'utf8').catch(() => '')).split('\n').filter(Boolean)
      return lines.some((l) => l.includes(`Node '${dc}' is now 'lost'`)) && lines.some((l) => l.includes(`Fencing Operation reboot of ${dc} by ${newDc}: OK`))
        && lines.some((l) => l.includes(`Resource operation 'start' for 'vip' on 'n${holder}': ok`))
    }, 20_000, 'alert_file.sh.sample wrote the node-lost, fencing and start lines')
    assert.ok(lines.some((l) => /Resource operation 'stop' for 'vip' on 'n\d': ok/.test(l)), `a stop line for the VIP (the move before):\n${lines.join('\n')}`)
    assert.ok(lines.some((l) => l.includes(`Attribute 'rack' on node 'n${other}' was updated to 'r7'`)), 'the attribute line')
    const sequences = lines.map((l) => Number(/^(\d+)\./.exec(l)?.[1]))
    assert.ok(sequences.every((s) => Number.isInteger(s) && s > 0), `every line has a sequence number:\n${lines.join('\n')}`)
    for (let i = 1; i < sequences.length; i++) assert.ok(sequences[i] > sequences[i - 1], `sequence numbers increase:\n${lines.join('\n')}`)
    const lostAt = lines.findIndex((l) => l.includes(`Node '${dc}' is now 'lost'`))
    const fencedAt = lines.findIndex((l, i) => i > lostAt && l.includes(`Fencing Operation reboot of ${dc}`))
    const startAt = lines.findIndex((l, i) => i > fencedAt && l.includes(`Resource operation 'start' for 'vip' on 'n${holder}'`))
    assert.ok(lostAt >= 0 && fencedAt > lostAt && startAt > fencedAt, `node lost, then fenced, then the start:\n${lines.join('\n')}`)

    // The agent that fails twice: retried (1 s, then 2 s later) and delivered on its third run.
    await cluster.waitFor(async () => (await readFile(flakyLog, 'utf8').catch(() => '')).includes(`node ${dc} lost`), 20_000, 'the flaky agent delivered the node-lost event')
    const history = await local(newDcNode, ['alert', 'history', '--alert', 'flaky', '--json'])
    assert.equal(history.exitCode, 0, history.stderr)
    const lost = history.json.result.find((d: {summary: string}) => d.summary === `node ${dc} lost`)
    assert.ok(lost, JSON.stringify(history.json.result))
    assert.equal(lost.outcome, 'delivered')
    assert.equal(lost.attempts, 3)
    await checkContract('alert history', history.json)

    // The new DC's transition history: the failover's transitions, each re-planned identically.
    await cluster.waitQuorate(survivors, 20_000)
    const transitions = await local(newDcNode, ['history', '--json'])
    assert.equal(transitions.exitCode, 0, transitions.stderr)
    await checkContract('history', transitions.json)
    const records = transitions.json.result as Array<{n: number, trigger: string[], actions: Array<{op: string, resource?: string}>, outcome: string}>
    assert.ok(records.some((r) => r.actions.some((a) => a.op === 'start' && a.resource === 'vip')), `a transition starts the VIP: ${JSON.stringify(records)}`)
    assert.ok(records.some((r) => r.trigger.some((t) => t.includes(dc))), `a trigger names the lost node: ${JSON.stringify(records.map((r) => r.trigger))}`)
    for (const r of records) {
      const replay = await local(newDcNode, ['simulate', '--replay', String(r.n), '--json'])
      assert.equal(replay.exitCode, 0, `${replay.stderr}${replay.stdout}`)
      assert.equal(replay.json.result.identical, true, `transition #${r.n} replays identically: ${JSON.stringify(replay.json.result)}`)
      await checkContract('simulate', replay.json)
    }
    const text = await local(newDcNode, ['history'])
    assert.match(text.stdout, /trigger: /)
    // Replicated: the transitions the dead DC planned before it died are on the new DC too, and replay there.
    assert.ok(records.some((r) => (r as unknown as {dc: string}).dc === dc && r.actions.some((a) => a.op === 'start' && a.resource === 'vip')),
      `the new DC lists the former DC's transitions: ${JSON.stringify(records.map((r) => [r.n, (r as unknown as {dc: string}).dc, r.actions.map((a) => a.op)]))}`)
    const byDc = (rs: Array<{dc: string}>) => new Set(rs.map((r) => r.dc))
    assert.ok(byDc(records as unknown as Array<{dc: string}>).has(newDc), 'and its own')
    const otherSurvivor = survivors.find((n) => n !== newDcNode)!
    const elsewhere = await local(otherSurvivor, ['history', '--json'])
    assert.equal(elsewhere.exitCode, 0, elsewhere.stderr)
    const keys = (rs: Array<{key?: string}>) => rs.map((r) => r.key).filter(Boolean)
    for (const key of keys(records as unknown as Array<{key?: string}>).slice(-5)) assert.ok(keys(elsewhere.json.result).includes(key), `record ${key} on n${otherSurvivor} as well`)
    for (const r of (elsewhere.json.result as Array<{n: number}>).slice(-5)) {
      const replay = await local(otherSurvivor, ['simulate', '--replay', String(r.n), '--json'])
      assert.equal(replay.json?.result?.identical, true, `n${otherSurvivor} replays #${r.n}: ${replay.stderr}${replay.stdout.slice(0, 500)}`)
    }

    // status --watch --json: the failover as events, seq increasing, every line per schemas/status-watch.json.
    await cluster.waitFor(() => streamed.includes(`"type":"resource-started","resource":"vip","node":"n${holder}"`), 20_000, 'the watch stream shows the VIP started on the survivor')
    watch!.kill('SIGINT')
    await watch!
    watch = undefined
    const events = streamed.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {seq: number, at: number, type: string, node?: string, resource?: string})
    const validate = new Ajv2020({strict: false}).compile(JSON.parse(await readFile(new URL('../../schemas/status-watch.json', import.meta.url), 'utf8')))
    for (const e of events) assert.ok(validate(e), `${JSON.stringify(e).slice(0, 300)} breaks schemas/status-watch.json: ${JSON.stringify(validate.errors)}`)
    assert.equal(events[0]?.type, 'status', 'a snapshot first')
    events.forEach((e, i) => assert.equal(e.seq, i + 1, 'seq 1, 2, …'))
    const kinds = events.map((e) => `${e.type} ${e.node ?? ''} ${e.resource ?? ''}`.trim())
    const lostIndex = kinds.indexOf(`node-lost ${dc}`)
    const fenceIndex = kinds.indexOf(`fence ${dc}`)
    const startIndex = kinds.indexOf(`resource-started n${holder} vip`)
    assert.ok(lostIndex > 0 && fenceIndex >= lostIndex && startIndex > lostIndex, `node lost, fenced, VIP started elsewhere:\n${kinds.join('\n')}`)
    assert.ok(kinds.includes('dc'), `the DC change:\n${kinds.join('\n')}`)
  })

  it('every query of the Grafana dashboard (contrib/grafana/hactl.json) is valid PromQL here; the failover and view-change panels have data', async () => {
    const dashboard = JSON.parse(await readFile(new URL('../../contrib/grafana/hactl.json', import.meta.url), 'utf8')) as {panels: Array<{title: string, targets: Array<{expr: string}>}>}
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = target.expr.replaceAll('$job', '.*').replaceAll('$__rate_interval', '5m')
        const result = await cluster.net.exec(PROMETHEUS_NODE, ['curl', '-s', '--max-time', '5', '--data-urlencode', `query=${expr}`, 'http://127.0.0.1:9090/api/v1/query'], {reject: false})
        assert.equal(JSON.parse(String(result.stdout)).status, 'success', `${panel.title}: ${expr}: ${result.stdout}`)
      }
    }
    for (const title of ['Failovers by cause', 'Membership view changes by reason']) {
      const panel = dashboard.panels.find((p) => p.title === title)!
      const rows = await query(panel.targets[0].expr.replaceAll('$job', '.*').replaceAll('$__rate_interval', '5m'))
      assert.ok(rows.some((r) => Number(r.value[1]) > 0), `${title} shows the failover`)
    }
  })
})
