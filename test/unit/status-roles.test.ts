// hactl status and promotable clones: an instance reported Promoted (role promoted) is listed
// with promotedOn, and rendered Promoted; the others of the clone Unpromoted.
import assert from 'node:assert/strict'
import {renderStatus} from '../../src/cli/render-status.js'
import type {BootstrapConfig} from '../../src/core/config/bootstrap-types.js'
import {emptyConfig} from '../../src/core/config/defaults.js'
import type {ResourceConfig} from '../../src/core/config/types.js'
import type {OrchestratorState} from '../../src/core/orchestration/types.js'
import {buildStatus} from '../../src/daemon/status-builder.js'

describe('status: roles of promotable clones', () => {
  it('says where an instance runs Promoted', () => {
    const config: ResourceConfig = {
      ...emptyConfig(), nodes: [], groups: [], constraints: [],
      resources: [{id: 'db', agent: 'ocf:pacemaker:Stateful', params: {}, meta: {}, operations: [], utilization: {}}],
      clones: [{id: 'db-clone', child: 'db', meta: {promotable: 'true'}}],
    }
    const bootstrap = {cluster_name: 'c', nodes: [{name: 'n1', id: 1}], crypto: 'aes256'} as unknown as BootstrapConfig
    const orchestrator = {nodes: {}, transition: undefined} as unknown as OrchestratorState
    const status = buildStatus({
      bootstrap, config, orchestrator, view: undefined, localNode: 'n1', source: 'local', wallNowMs: 0, toWallMs: (ms) => ms,
      localReport: {'db:0': {role: 'promoted', failCount: 0}, 'db:1': {role: 'started', failCount: 0}},
    })
    const db = status.resources.filter((r) => r.id.startsWith('db:'))
    assert.deepEqual(db.map((r) => [r.id, r.role, r.nodes, r.promotedOn]), [['db:0', 'started', ['n1'], ['n1']], ['db:1', 'started', ['n1'], []]])
    const text = renderStatus(status, {config})
    assert.match(text, /\* db:0\t\(ocf:pacemaker:Stateful\):\t Promoted n1$/m)
    assert.match(text, /\* db:1\t\(ocf:pacemaker:Stateful\):\t Unpromoted n1$/m)
  })
})
