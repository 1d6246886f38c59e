// The Node.js flags the daemon (and its resource guard) run with, wherever hactl
// starts them itself: the systemd unit's ExecStart when it names node, `hactl
// cluster start` without systemd, the lab's netns clusters.
//
// --max-semi-space-size=1 (MB): V8's young generation grows to 2 x 16 MB by
// default, sized for allocation-heavy servers; the daemon allocates little per
// event, so a 1 MB semi-space costs it more frequent but tiny scavenges and keeps
// its RSS about 17 MB lower (bench/idle.ts: 91 -> 74 MB per daemon, idle CPU
// unchanged). It cannot be set from inside a running process (v8.setFlagsFromString
// comes too late for the heap's layout), hence on the command line.
//
// --interrupt-budget=4096: V8 optimizes a function once it has run about this
// much bytecode (default 67584, 16 times more). The daemon's hot path is small
// and runs 75 times a second (heartbeats sent and received), so at the default
// it stays in unoptimized code for minutes: bench/idle-curve.ts showed 2.5 % of a
// core in the first 10 s after the resources start, falling to 1.3 % only after
// about three minutes; with --no-opt it stays at 1.8 %. With 4096 the same
// compiles happen in the first 10-15 s, after which the daemon is at its
// steady-state cost (1.2-1.4 % in the same run), at the same RSS. It is read
// whenever V8 resets a function's budget, so it also works set at run time:
// bin/run.js sets DAEMON_RUNTIME_V8_FLAGS before it loads the daemon, for a daemon
// started through a wrapper (a package's /usr/bin/hactl) that passes no flags.
//
// Not through NODE_OPTIONS: agents inherit the daemon's environment, and the
// services they start (a Node.js application among them) must not run with it.
export const DAEMON_RUNTIME_V8_FLAGS: readonly string[] = ['--interrupt-budget=4096']
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', ...DAEMON_RUNTIME_V8_FLAGS]
