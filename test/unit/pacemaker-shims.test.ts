// The argument parsing of hactl's crm_attribute / crm_master (resource-agents/sbin):
// the calls ClusterLabs' agents make, read as Pacemaker 2.1 reads them.
import assert from 'node:assert/strict'
import {attributeCommand, masterToAttribute, parseOptions, stripCloneSuffix, UsageError} from '../../src/shims/pacemaker.js'

const env = {OCF_RESOURCE_INSTANCE: 'db:2'}

describe('Pacemaker shims: crm_attribute and crm_master arguments', () => {
  it('Stateful: crm_attribute --promotion -v 10 / -D (the instance from OCF_RESOURCE_INSTANCE, clone suffix stripped, lifetime reboot)', () => {
    assert.deepEqual(attributeCommand(['--promotion', '-v', '10'], env), {command: 'update', name: 'master-db', value: '10', lifetime: 'reboot', quiet: false})
    assert.deepEqual(attributeCommand(['--promotion', '-D'], env), {command: 'delete', name: 'master-db', lifetime: 'reboot', quiet: false})
  })

  it('ocf_promotion_score: crm_attribute -p -G -q, and -p=RSC / -pRSC name the resource', () => {
    assert.deepEqual(attributeCommand(['-p', '-G', '-q'], env), {command: 'query', name: 'master-db', lifetime: 'reboot', quiet: true})
    assert.equal(attributeCommand(['--promotion=web:0', '-v', '1'], env).name, 'master-web')
    assert.equal(attributeCommand(['-pweb', '-v', '1'], env).name, 'master-web')
  })

  it('pgsql: -l reboot -N NODE -n NAME -v VALUE, -G -q, -D; -l forever; -t status/nodes', () => {
    assert.deepEqual(attributeCommand(['-l', 'reboot', '-N', 'n1', '-n', 'pgsql-status', '-v', 'HS:sync'], {}),
      {command: 'update', node: 'n1', name: 'pgsql-status', value: 'HS:sync', lifetime: 'reboot', quiet: false})
    assert.equal(attributeCommand(['-l', 'forever', '-N', 'n1', '-n', 'pgsql-data-status', '-G', '-q'], {}).lifetime, 'forever')
    assert.equal(attributeCommand(['-t', 'status', '-N', 'n1', '-n', 'a', '-G'], {}).lifetime, 'reboot')
    assert.equal(attributeCommand(['-t', 'nodes', '-N', 'n1', '-n', 'a', '-G'], {}).lifetime, 'forever')
    assert.equal(attributeCommand(['-N', 'n1', '-n', 'a', '-G', '-d', 'x'], {}).defaultValue, 'x')
    assert.equal(attributeCommand(['-N', 'n1', '-n', 'a', '-qG'], {}).quiet, true)
  })

  it('refuses what it does not support, as a usage error', () => {
    assert.throws(() => attributeCommand(['-n', 'stonith-enabled', '-G'], {}), UsageError)
    assert.throws(() => attributeCommand(['-p', '-v', '1'], {}), UsageError)
    assert.throws(() => attributeCommand(['-t', 'crm_config', '-n', 'a', '-G'], {}), UsageError)
    assert.throws(() => attributeCommand(['-N', 'n1', '-n', 'a', '-v', '1', '-D'], {}), UsageError)
    assert.throws(() => attributeCommand(['-l', 'sometimes', '-N', 'n1', '-n', 'a', '-G'], {}), UsageError)
    assert.throws(() => parseOptions(['--bogus'], []), UsageError)
  })

  it('crm_master: -l reboot -v N for OCF_RESOURCE_INSTANCE; lifetime forever unless told; -r names the resource', () => {
    assert.deepEqual(attributeCommand(masterToAttribute(['-l', 'reboot', '-v', '100'], env), env), {command: 'update', name: 'master-db', value: '100', lifetime: 'reboot', quiet: false})
    assert.equal(attributeCommand(masterToAttribute(['-G', '-q'], env), env).lifetime, 'forever')
    assert.equal(attributeCommand(masterToAttribute(['-r', 'pg', '-D', '-l', 'reboot'], env), env).name, 'master-pg')
    assert.throws(() => masterToAttribute(['-v', '1'], {}), UsageError)
  })

  it('strips only a trailing instance number', () => {
    assert.equal(stripCloneSuffix('db:0'), 'db')
    assert.equal(stripCloneSuffix('db'), 'db')
    assert.equal(stripCloneSuffix('a:b'), 'a:b')
  })
})
