// The systemd unit of the daemon. Hardening is limited to what cannot break
// resource agents: they add addresses (CAP_NET_ADMIN), mount filesystems
// anywhere, run systemctl and kill processes, so no ProtectSystem, no private
// /tmp and no capability bounding set.
import {DAEMON_NODE_FLAGS} from '../daemon/node-flags.js'

export interface UnitOptions {
  /** The command line that runs hactl, e.g. `/usr/bin/node /usr/lib/node_modules/hactl/bin/run.js` or `/usr/bin/hactl`. */
  exec: string
}

/** Where a package ships units (systemd's vendor directory), and where an administrator's go. */
export const VENDOR_UNIT_DIR = 'usr/lib/systemd/system'
export const ADMIN_UNIT_DIR = 'etc/systemd/system'

/**
 * ExecStart's command: `exec daemon`, with the daemon's Node.js flags
 * (src/daemon/node-flags.ts) after the interpreter when `exec` starts with node.
 * A wrapper such as /usr/bin/hactl gets none (its shebang decides).
 */
export function daemonCommand(exec: string): string {
  const [program, ...rest] = exec.split(' ')
  if (!/(^|\/)node(js)?(\d+)?$/.test(program)) return `${exec} daemon`
  return [program, ...DAEMON_NODE_FLAGS, ...rest, 'daemon'].join(' ')
}

export function unitText({exec}: UnitOptions): string {
  return `[Unit]
Description=hactl cluster daemon (membership, quorum, resources)
Documentation=man:hactl(1) man:hactl.conf(5)
Wants=network-online.target
After=network-online.target time-sync.target
ConditionPathExists=/etc/hactl/cluster.json

[Service]
# The daemon says READY (systemd-notify, hence NotifyAccess=all) once it has joined
# the membership, so 'systemctl start' returns when the node is part of the cluster.
Type=notify
NotifyAccess=all
# Joining waits for the membership's first agreed view, not for quorum.
TimeoutStartSec=2min
ExecStart=${daemonCommand(exec)}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=2s
# A clean stop moves this node's resources away first: give it time.
TimeoutStopSec=10min
# SIGTERM to the daemon only, and nothing else is killed when it exits: the
# resource guard (a separate process the daemon spawns) and the services agents
# started must survive a daemon restart; the guard decides about those.
KillMode=process
# Agents start services, mounts and helpers: no task limit (systemd's default is 15 % of pid_max).
TasksMax=infinity
# Like corosync: the membership must not be the victim of the OOM killer or of a busy host.
OOMScoreAdjust=-1000
Nice=-10
# Realtime scheduling is not set here: CPUSchedulingPolicy=rr makes the start
# fail (status 214/SETSCHEDULER) on kernels whose cgroups give services no realtime
# budget. The daemon asks for SCHED_RR itself, with reset-on-fork so agents run
# normally, and goes on without it where the kernel refuses; so realtime stays allowed.
LimitRTPRIO=99
LimitNOFILE=65536
StateDirectory=hactl
StateDirectoryMode=0700
RuntimeDirectory=hactl
RuntimeDirectoryMode=0755
# Kept across a daemon restart: the resource guard and agents' files live there.
RuntimeDirectoryPreserve=yes
UMask=0027
LockPersonality=yes
ProtectClock=yes
ProtectHostname=yes
SyslogIdentifier=hactl

[Install]
WantedBy=multi-user.target
`
}
