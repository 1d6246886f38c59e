import assert from 'node:assert/strict'
import {renderStatus} from '../../src/cli/render-status.js'
import type {ClusterStatus} from '../../src/client/status.js'
import {emptyConfig} from '../../src/core/config/defaults.js'
import type {ResourceConfig} from '../../src/core/config/types.js'

const node = (name: string, id: number, extra = {}) => ({name, id, online: true, standby: false, maintenance: false, unclean: false, ...extra})

function status(extra: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    clusterName: 'c', dc: 'n1', quorate: true, viewId: 2, epoch: 5, source: 'dc', localNode: 'n1',
    nodes: [node('n1', 1), node('n2', 2)],
    resources: [
      {id: 'vip', agent: 'ocf:hactl:vip', group: null, nodes: ['n1'], role: 'started', targetRole: 'Started'},
      {id: 'db', agent: 'ocf:hactl:dummy', group: null, nodes: ['n2'], role: 'started', targetRole: 'Started'},
      {id: 'off', agent: 'ocf:hactl:dummy', group: null, nodes: [], role: 'stopped', targetRole: 'Stopped'},
    ],
    failures: [{resource: 'db', node: 'n2', op: 'monitor', failCount: 2, lastFailureMs: null}],
    transition: null, settled: true, warnings: [], generatedAt: Date.UTC(2026, 0, 1), ...extra,
  }
}

function config(extra: Partial<ResourceConfig> = {}): ResourceConfig {
  return {...emptyConfig(), nodes: [{name: 'n2', attributes: {rack: 'r2'}, utilization: {cpu: '8'}, standby: false, maintenance: false}], ...extra}
}

const fence = {id: 'ipmi', agent: 'fence:fence_ipmilan', params: {pcmk_host_list: 'n1,n2', password: 'x'}, meta: {}, operations: [], utilization: {}}

describe('cli: hactl status text', () => {
  it('promotable clones: Promoted and Unpromoted instead of Started', () => {
    const resources = [
      {id: 'db:0', agent: 'ocf:pacemaker:Stateful', group: null, nodes: ['n1'], role: 'started' as const, targetRole: 'Started', promotedOn: ['n1']},
      {id: 'db:1', agent: 'ocf:pacemaker:Stateful', group: null, nodes: ['n2'], role: 'started' as const, targetRole: 'Started', promotedOn: []},
    ]
    const text = renderStatus(status({resources, failures: []}), {config: config()})
    assert.match(text, /\* db:0\t\(ocf:pacemaker:Stateful\):\t Promoted n1$/m)
    assert.match(text, /\* db:1\t\(ocf:pacemaker:Stateful\):\t Unpromoted n2$/m)
  })

  it('maintenance-mode: the banner and every resource (unmanaged)', () => {
    const text = renderStatus(status(), {config: config({properties: {'maintenance-mode': 'true'}})})
    assert.match(text, /\*\*\* Resource management is DISABLED \*\*\*/)
    assert.match(text, /\* vip\t\(ocf:hactl:vip\):\t Started n1 \(unmanaged\)/)
    assert.match(text, /\* db\t\(ocf:hactl:dummy\):\t Started n2 \(unmanaged\)/)
  })

  it('a node in maintenance: its resources (unmanaged), the others not', () => {
    const text = renderStatus(status({nodes: [node('n1', 1), node('n2', 2, {maintenance: true})]}), {config: config()})
    assert.match(text, /Maintenance: \[ n2 \]/)
    assert.match(text, /\* db\t.*Started n2 \(unmanaged\)/)
    assert.match(text, /\* vip\t.*Started n1$/m)
  })

  it('fencing: enabled without a device warns; disabled says a host freeze needs fencing; devices listed apart', () => {
    assert.match(renderStatus(status(), {config: config({properties: {'stonith-enabled': 'true'}})}), /fencing is enabled \(stonith-enabled=true\) but no fence device is configured/)
    assert.match(renderStatus(status(), {config: config()}), /fencing is disabled .* a whole-host freeze .* is only safe with fencing/)
    const withDevice = renderStatus(status({resources: [...status().resources, {id: 'ipmi', agent: 'fence:fence_ipmilan', group: null, nodes: ['n1'], role: 'started', targetRole: 'Started'}]}), {config: config({properties: {'stonith-enabled': 'true'}, resources: [fence]})})
    assert.doesNotMatch(withDevice, /fencing is enabled/)
    assert.match(withDevice, /Fence devices:\n  \* ipmi\t\(fence:fence_ipmilan\):\t fences n1 n2/)
    assert.doesNotMatch(withDevice.split('Fence devices:')[0], /ipmi/, 'never among the resources')
  })

  it('--full: node attributes and utilization, fail counts per node, inactive resources', () => {
    const text = renderStatus(status(), {config: config(), full: true})
    assert.match(text, /Node Attributes:\n  \* Node: n1 \(1\): none\n  \* Node: n2 \(2\):\n    \* rack\t: r2\n    \* utilization cpu\t: 8/)
    assert.match(text, /Migration Summary:\n  \* Node: n1: no failures\n  \* Node: n2:\n    \* db: fail-count=2 \(monitor\)/)
    assert.match(text, /Inactive Resources:\n  \* off\t\(ocf:hactl:dummy\):\t Stopped \(disabled\)/)
  })

  it('without the configuration (an old daemon): as before, no cluster-wide lines', () => {
    const text = renderStatus(status())
    assert.doesNotMatch(text, /DISABLED|fencing|unmanaged/)
  })
})
