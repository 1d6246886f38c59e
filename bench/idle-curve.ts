// The daemons' CPU over time after the workload is in place, window by window:
// how long the start-up transient lasts (V8 optimizing the hot path on helper
// threads, the first monitors, the last replication ticks of the set-up) before
// the idle cost bench/idle.ts reports. Same 3-node netns workload as bench/idle.ts
// (VIP monitored every 2 s, dummy every 10 s). Needs root, iproute2 and nftables.
//   node --import tsx bench/idle-curve.ts [--windows 18] [--step 10] [--node-options "..."]
// Prints one line per window: its end in seconds after the workload was in place,
// then each daemon's CPU in % of a core over that window.
import {option, sample, startWorkload} from './workload.js'

const windows = Number(option('windows', undefined, '18'))
const stepS = Number(option('step', undefined, '10'))
/** NODE_OPTIONS for the daemons, e.g. --import=HOOK (V8 flags are refused there; a hook can set them with v8.setFlagsFromString). */
const nodeOptions = option('node-options', undefined, undefined)

const env: Record<string, string> = {HACTL_LOG_LEVEL: 'notice'}
if (nodeOptions) env.NODE_OPTIONS = nodeOptions

const cluster = await startWorkload(env)
try {
  const pids = [1, 2, 3].map((n) => cluster.daemons.get(n)!.pid!)
  console.log(`${'s'.padStart(5)}${pids.map((_, i) => `n${i + 1} %`.padStart(8)).join('')}`)
  let previous = await Promise.all(pids.map(async (pid) => (await sample(pid)).ticks))
  for (let w = 1; w <= windows; w++) {
    await new Promise((resolve) => setTimeout(resolve, stepS * 1000))
    const now = await Promise.all(pids.map(async (pid) => (await sample(pid)).ticks))
    console.log(`${String(w * stepS).padStart(5)}${now.map((t, i) => ((t - previous[i]) / stepS).toFixed(1).padStart(8)).join('')}`)
    previous = now
  }
} finally {
  await cluster.destroy()
}
