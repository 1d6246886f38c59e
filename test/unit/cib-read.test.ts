// The CIB reader on its own: resource sets become the pairs they mean, and what
// hactl cannot express is listed with the element and its id.
import assert from 'node:assert/strict'
import {CibError, cibToConfig} from '../../src/core/cib/read.js'

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
      <rsc_location id="l" rsc="a" node="n1" score="10" role="Promoted"/>`))
    assert.deepEqual(unsupported, [
      '<rsc_order id=ser>: kind Serialize is not supported',
      '<resource_set id=s3>: require-all on a resource set is not supported',
      '<rsc_location id=l>: role is not supported',
    ])
  })

  it('refuses what is not a CIB', () => {
    assert.throws(() => cibToConfig('<cib><status/></cib>'), CibError)
    assert.throws(() => cibToConfig('not xml'), /not a CIB/)
  })
})
