// The daemon's Node.js flags reach its command line wherever hactl writes one
// (src/daemon/node-flags.ts): the systemd unit when ExecStart names node.
import assert from 'node:assert/strict'
import {DAEMON_NODE_FLAGS} from '../../src/daemon/node-flags.js'
import {daemonCommand, unitText} from '../../src/install/unit.js'

describe('daemon node flags', () => {
  it('go after the interpreter when exec names node', () => {
    assert.equal(daemonCommand('/usr/bin/node /usr/lib/node_modules/hactl/bin/run.js'), `/usr/bin/node ${DAEMON_NODE_FLAGS.join(' ')} /usr/lib/node_modules/hactl/bin/run.js daemon`)
    assert.match(unitText({exec: '/opt/node/bin/node /opt/hactl/bin/run.js'}), /^ExecStart=\/opt\/node\/bin\/node --max-semi-space-size=1 --interrupt-budget=4096 \/opt\/hactl\/bin\/run\.js daemon$/m)
  })

  it('leave a wrapper alone', () => {
    assert.equal(daemonCommand('/usr/bin/hactl'), '/usr/bin/hactl daemon')
    assert.equal(daemonCommand('/usr/local/bin/nodeadm-hactl'), '/usr/local/bin/nodeadm-hactl daemon')
  })
})
