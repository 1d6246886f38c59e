// The CIB reader on its own: resource sets become the pairs they mean, and what
// hactl cannot express is listed with the element and its id.
import assert from 'node:assert/strict'
import {CibError, cibToConfig} from '../../src/core/cib/read.js'
import {configToCib} from '../../src/core/cib/write.js'
import {validateResourceConfig} from '../../src/core/config/validate.js'

function cib(constraints: string): string {
  const primitive = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`
  return `<cib epoch="3"><configuration><crm_config/><nodes><node id="1" uname="n1"/></nodes>
    <resources>${['a', 'b', 'c', 'd'].map(primitive).join('')}</resources><constraints>${constraints}</constraints></configuration></cib>`
}

describe('CIB reader', () => {
  it('expands order sets: sequential within a set, each set after the one before', () => {
    const {config, unsupported} = cibToConfig(cib(`<rsc_order id="o" kind="Optional">
      <resource_set id="s1"><resource_ref id="a"/><resource_ref id="b"/></resource_set>
      <resource_set id="s2" sequential="false"><resource_ref id="c"/><resource_ref id="d"/></resource_set></rsc_order>`))
    assert.deepEqual(unsupported, [])
    assert.deepEqual(config.constraints.map((c) => (c.type === 'order' ? `${c.id} ${c.first}>${c.then} ${c.kind}` : '')), ['o-1 a>b optional', 'o-2 b>c optional', 'o-3 b>d optional'])
  })

  it('expands a colocated set: each member with the one before it', () => {
    const {config} = cibToConfig(cib(`<rsc_colocation id="x" score="INFINITY"><resource_set id="s"><resource_ref id="a"/><resource_ref id="b"/><resource_ref id="c"/></resource_set></rsc_colocation>`))
    assert.deepEqual(config.constraints.map((c) => (c.type === 'colocation' ? `${c.resource} with ${c.withResource}` : '')), ['b with a', 'c with b'])
  })

  it('lists what it cannot express, one line each', () => {
    const {unsupported} = cibToConfig(cib(`<rsc_order id="ser" first="a" then="b" kind="Serialize"/>
      <rsc_order id="any" kind="Mandatory"><resource_set id="s3" require-all="false"><resource_ref id="a"/></resource_set><resource_set id="s4"><resource_ref id="b"/></resource_set></rsc_order>
      <rsc_location id="l" rsc="a" node="n1" score="10" role="Boss"/>`))
    assert.deepEqual(unsupported, [
      '<rsc_order id=ser>: kind Serialize is not supported',
      '<resource_set id=s3>: require-all on a resource set is not supported',
      '<rsc_location id=l>: role Boss is not supported',
    ])
  })

  it('reads promotable clones with the old names (master, Master/Slave) as Promoted/Unpromoted, and writes them back', () => {
    const text = `<cib epoch="3"><configuration><crm_config/><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes><resources>
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>
      <master id="db-ms"><meta_attributes id="m"><nvpair id="m1" name="master-max" value="1"/><nvpair id="m2" name="notify" value="true"/></meta_attributes>
        <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"><operations>
          <op id="db-m1" name="monitor" interval="10s" role="Master" on-fail="demote"/><op id="db-m2" name="monitor" interval="11s" role="Slave"/></operations></primitive></master>
      </resources><constraints>
      <rsc_colocation id="c" rsc="vip" with-rsc="db-ms" with-rsc-role="Master" score="INFINITY"/>
      <rsc_order id="o" first="db-ms" first-action="promote" then="vip" then-action="start"/>
      <rsc_location id="l" rsc="db-ms" role="Master" node="n1" score="50"/>
      <rsc_location id="r" rsc="db-ms"><rule id="r1" role="Slave" score="-10"><expression id="e" attribute="ssd" operation="ne" value="yes"/></rule></rsc_location>
      </constraints></configuration></cib>`
    const {config, unsupported} = cibToConfig(text)
    assert.deepEqual(unsupported, [])
    const valid = validateResourceConfig(config)
    assert.deepEqual(valid.clones, [{id: 'db-ms', child: 'db', meta: {'master-max': '1', notify: 'true', promotable: 'true'}}])
    assert.deepEqual(valid.resources.find((r) => r.id === 'db')?.operations.map((o) => [o.interval, o.role, o.onFail]), [['10s', 'Promoted', 'demote'], ['11s', 'Unpromoted', undefined]])
    const [c, o, l, r] = valid.constraints
    assert.ok(c.type === 'colocation' && c.withRole === 'Promoted' && c.rscRole === undefined)
    assert.ok(o.type === 'order' && o.firstAction === 'promote' && o.thenAction === 'start')
    assert.ok(l.type === 'location' && l.role === 'Promoted')
    assert.ok(r.type === 'location' && r.role === 'Unpromoted')
    // Written back with Pacemaker 2.1's names, and read again to the same configuration.
    const written = configToCib(valid)
    assert.match(written, /<clone id="db-ms">.*name="promotable" value="true"/)
    assert.match(written, /with-rsc-role="Promoted"/)
    assert.match(written, /role="Unpromoted"/)
    assert.doesNotMatch(written, /Master|Slave/)
    assert.deepEqual(cibToConfig(written).config.constraints, valid.constraints)
  })

  it('refuses what is not a CIB', () => {
    assert.throws(() => cibToConfig('<cib><status/></cib>'), CibError)
    assert.throws(() => cibToConfig('not xml'), /not a CIB/)
  })
})
