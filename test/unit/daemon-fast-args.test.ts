import {strict as assert} from 'node:assert'
import {fastDaemonArgs} from '../../src/daemon/main.js'

// bin/run.js starts `hactl daemon` without oclif only for the forms it parses
// exactly as oclif would; everything else goes to oclif (help, errors).
describe('hactl daemon fast path arguments', () => {
  it('takes the paths and the node name from flags, then the environment, then the defaults', () => {
    assert.deepEqual(fastDaemonArgs([], {}), {configDir: '/etc/hactl', stateDir: '/var/lib/hactl', runDir: '/run/hactl'})
    assert.deepEqual(fastDaemonArgs([], {HACTL_CONFIG_DIR: '/c', HACTL_STATE_DIR: '/s', HACTL_RUN_DIR: '/r', HACTL_NODE_NAME: 'n2'}), {configDir: '/c', stateDir: '/s', runDir: '/r', nodeName: 'n2'})
    assert.deepEqual(fastDaemonArgs(['--node', 'n1', '--config-dir=/x', '--run-dir', '/y'], {HACTL_RUN_DIR: '/r'}), {configDir: '/x', stateDir: '/var/lib/hactl', runDir: '/y', nodeName: 'n1'})
  })

  it('leaves help, unknown flags, missing values and repeated flags to oclif', () => {
    for (const argv of [['--help'], ['-h'], ['--json'], ['--node'], ['--node', '--run-dir', '/r'], ['--node='], ['--node', 'a', '--node', 'b'], ['extra']]) {
      assert.equal(fastDaemonArgs(argv, {}), undefined, argv.join(' '))
    }
  })
})
