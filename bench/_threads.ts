import {readFile, readdir} from 'node:fs/promises'
import {startWorkload} from './workload.js'
const c = await startWorkload({HACTL_LOG_LEVEL: 'notice'})
const snap = async (pid: number) => {
  const out = new Map<string, number>()
  for (const t of await readdir(`/proc/${pid}/task`)) {
    const comm = (await readFile(`/proc/${pid}/task/${t}/comm`, 'utf8')).trim()
    const f = (await readFile(`/proc/${pid}/task/${t}/stat`, 'utf8')).split(') ')[1].split(' ')
    out.set(`${t}:${comm}`, Number(f[11]) + Number(f[12]))
  }
  return out
}
try {
  await new Promise((r) => setTimeout(r, 5000))
  const pids = [1, 2, 3].map((n) => c.daemons.get(n)!.pid!)
  const before = await Promise.all(pids.map(snap))
  await new Promise((r) => setTimeout(r, 20000))
  const after = await Promise.all(pids.map(snap))
  pids.forEach((p, i) => {
    const rows = [...after[i]].map(([k, v]) => [k, v - (before[i].get(k) ?? 0)] as const).filter(([, d]) => d > 0)
    console.log(`n${i + 1}`, rows.map(([k, d]) => `${k}=${(d / 20).toFixed(2)}%`).join(' '))
  })
} finally { await c.destroy() }
