// A short fault campaign inside npm test (the long one is `npm run chaos`): 3 real
// daemons in namespaces, a VIP grouped with a dummy, one round of each fault that
// must never give two holders with the defaults (no fencing), and a writer whose
// acknowledged configuration changes must all be on every node at the end.
import assert from 'node:assert/strict'
import {execa} from 'execa'
import {Campaign, report, type CampaignSummary} from '../../src/lab/chaos/campaign.js'
import type {FaultType} from '../../src/lab/chaos/faults.js'
import {requireNetns} from '../lib/netns.js'

// Taken in this order (cycle), one round each; kills and pauses twice, as they are the likeliest to break it.
const FAULTS: FaultType[] = ['daemon-kill', 'daemon-pause', 'partition', 'one-way', 'power-off', 'link-down', 'dc-kill-write', 'daemon-kill', 'daemon-pause', 'loss']

describe('chaos: a short campaign on 3 real hosts', function () {
  this.timeout(240_000)

  it('no two holders of the VIP and no acknowledged write lost through kill -9, SIGSTOP, partitions, one-way cuts, power-off, link down and a DC kill during a write', async function () {
    await requireNetns(this)
    const lines: string[] = []
    const summary: CampaignSummary = await Campaign.run({
      nodes: 3, rounds: FAULTS.length, seed: 1, fence: false, faults: FAULTS, cycle: true, maxHoldMs: 2500, settleTimeoutMs: 30_000,
      say: (line) => {
        lines.push(line)
        console.log(`      ${line}`)
      },
    })
    const table = report(summary).filter((l) => !l.startsWith('summary: '))
    for (const line of table) console.log(`      ${line}`)
    const left = await execa('ip', ['netns', 'list'])
    assert.doesNotMatch(String(left.stdout), new RegExp(`hactl-${summary.run}-`), 'the campaign removed its namespaces')
    assert.equal(summary.rounds, FAULTS.length)
    assert.deepEqual(summary.writes.unreadNodes, [], 'every node\'s configuration was read at the end')
    assert.ok(summary.writes.acknowledged > 0, 'some writes were acknowledged')
    assert.equal(summary.writes.lost, 0, `acknowledged writes lost:\n${table.join('\n')}`)
    assert.equal(summary.twoHolderCounted, 0, `two holders of the VIP:\n${table.join('\n')}`)
  })
})
