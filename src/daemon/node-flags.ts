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
// Not through NODE_OPTIONS: agents inherit the daemon's environment, and the
// services they start (a Node.js application among them) must not run with it.
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1']
