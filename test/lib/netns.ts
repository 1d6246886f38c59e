// The test-host harness lives in src/lab (hactl demo uses it too).
import {netnsAvailable} from '../../src/lab/test-net.js'

export * from '../../src/lab/test-net.js'

/** In CI a missing capability is a failure; elsewhere the caller skips. */
export async function requireNetns(ctx: Mocha.Context): Promise<void> {
  const missing = await netnsAvailable()
  if (!missing) return
  if (process.env.CI === 'true') throw new Error(`network namespace tests ${missing} (CI=true)`)
  console.log(`      skipped: network namespace tests ${missing}`)
  ctx.skip()
}

