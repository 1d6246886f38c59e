// The systemd unit of the daemon. Hardening is limited to what cannot break
// resource agents: they add addresses (CAP_NET_ADMIN), mount filesystems
// anywhere, run systemctl and kill processes, so no ProtectSystem, no private
// /tmp and no capability bounding set.
export interface UnitOptions {
  node: string
  bin: string
}

export function unitText({node, bin}: UnitOptions): string {
  return `[Unit]
Description=hactl cluster daemon (membership, quorum, resources)
Documentation=man:hactl(1) man:hactl.conf(5)
Wants=network-online.target
After=network-online.target time-sync.target
ConditionPathExists=/etc/hactl/cluster.json

[Service]
Type=simple
ExecStart=${node} ${bin} daemon
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=2s
# A clean stop moves this node's resources away first: give it time.
TimeoutStopSec=10min
# SIGTERM to the daemon only, so it stops its agents in order; SIGKILL to all on timeout.
KillMode=mixed
# Like corosync: the membership must not be the victim of the OOM killer or of a busy host.
OOMScoreAdjust=-1000
Nice=-10
LimitNOFILE=65536
StateDirectory=hactl
StateDirectoryMode=0700
RuntimeDirectory=hactl
RuntimeDirectoryMode=0755
UMask=0027
LockPersonality=yes
RestrictRealtime=yes
ProtectClock=yes
ProtectHostname=yes
SyslogIdentifier=hactl

[Install]
WantedBy=multi-user.target
`
}
