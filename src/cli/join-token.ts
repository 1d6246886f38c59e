import type {BootstrapConfig} from '../core/config/bootstrap-types.js'
import {validateBootstrap} from '../core/config/bootstrap.js'
import {inputError} from './errors.js'

// A join token carries cluster.json and the authkey to a new node in one line.
// It holds the cluster's secret: whoever has it can join and read all traffic.

const PREFIX = 'hactl1:'

export function encodeJoinToken(config: BootstrapConfig, key: Uint8Array): string {
  const body = JSON.stringify({cluster: config, key: Buffer.from(key).toString('base64')})
  return PREFIX + Buffer.from(body, 'utf8').toString('base64url')
}

export function decodeJoinToken(token: string): {config: BootstrapConfig, key: Buffer} {
  if (!token.startsWith(PREFIX)) throw inputError(`the join token must start with ${PREFIX} (it is printed by 'hactl cluster setup')`)
  let body: {cluster?: unknown, key?: unknown}
  try {
    body = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'))
  } catch {
    throw inputError('the join token is damaged: copy it again in one piece')
  }
  if (typeof body.key !== 'string') throw inputError('the join token carries no key: copy it again in one piece')
  return {config: validateBootstrap(body.cluster), key: Buffer.from(body.key, 'base64')}
}
