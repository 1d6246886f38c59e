#!/usr/bin/env node
// `hactl status` is answered without loading oclif (see src/cli/status-fast.ts).
if (process.argv[2] === 'status') {
  const {fastStatus, fastStatusArgs} = await import('../dist/cli/status-fast.js')
  const options = fastStatusArgs(process.argv.slice(3))
  if (options) process.exit(await fastStatus(options))
}

// Tab completion of names (src/cli/complete-names.ts): fast, no oclif.
if (process.argv[2] === '__complete') {
  const {completeNames} = await import('../dist/cli/complete-names.js')
  process.exit(await completeNames(process.argv.slice(3)))
}

// `hactl daemon` without oclif: it would stay in the daemon's memory for good (src/daemon/main.ts).
if (process.argv[2] === 'daemon') {
  // The V8 flags that work at run time, for a daemon started without them on its command line (src/daemon/node-flags.ts).
  const [{setFlagsFromString}, {DAEMON_RUNTIME_V8_FLAGS}] = await Promise.all([import('node:v8'), import('../dist/daemon/node-flags.js')])
  for (const flag of DAEMON_RUNTIME_V8_FLAGS) setFlagsFromString(flag)
  const {fastDaemonArgs, fastDaemon} = await import('../dist/daemon/main.js')
  const options = fastDaemonArgs(process.argv.slice(3))
  if (options) process.exit(await fastDaemon(options))
}

const {run, flush} = await import('@oclif/core')

// pcs accepts `-f FILE` before the command (`pcs -f c.xml resource create …`);
// oclif parses flags only after the command id, so leading -f/--file moves to the end.
const argv = process.argv.slice(2)
const leading = []
while (argv.length > 0) {
  const [first] = argv
  if ((first === '-f' || first === '--file') && argv.length > 1) leading.push(...argv.splice(0, 2))
  else if (first.startsWith('--file=') || (first.startsWith('-f') && first.length > 2)) leading.push(argv.shift())
  else break
}

// A score of -INFINITY (`colocation add a with b -INFINITY`) would parse as a flag:
// it goes last, after `--`, where arguments are never flags.
const negative = argv.indexOf('--') < 0 ? argv.filter((a) => a === '-INFINITY') : []
if (negative.length > 0) argv.splice(0, argv.length, ...argv.filter((a) => a !== '-INFINITY'), '--', ...negative)
const end = argv.indexOf('--')
const args = end < 0 ? [...argv, ...leading] : [...argv.slice(0, end), ...leading, ...argv.slice(end)]
try {
  await run(args, import.meta.url)
  await flush()
} catch (error) {
  // One error style everywhere, oclif's own included (hooks, topics, parse errors
  // outside a command): `hactl: …` on one line, design.md's exit codes.
  if (error?.code === 'EEXIT' && typeof error?.oclif?.exit === 'number') process.exit(error.oclif.exit)
  const {normalizeError} = await import('../dist/cli/errors.js')
  const {message, exitCode} = normalizeError(error)
  if (process.env.HACTL_DEBUG === '1') process.stderr.write(`${error?.stack ?? error}\n`)
  process.stderr.write(`hactl: ${message}\n`)
  process.exit(exitCode)
}
