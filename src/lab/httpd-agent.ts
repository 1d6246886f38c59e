// The lab's HTTP backend as an OCF agent (ocf:lab:httpd), written under a private
// OCF root that the lab's daemons use (HACTL_OCF_ROOT): nothing is installed on
// the machine. It runs dist/lab/httpd.js with node, its pid file in HA_RSCTMP
// (each lab node has its own), and answers monitor by the process being alive.
import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

// From the sources (tests run through tsx), the built server is in dist/.
const HTTPD = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/lab/httpd.js' : './httpd.js', import.meta.url))

const AGENT = `#!/bin/sh
# ocf:lab:httpd - the hactl lab's HTTP backend (answers with its node's name).
: "\${OCF_RESKEY_port:=8080}"
: "\${OCF_RESKEY_names:=}"
: "\${HA_RSCTMP:=/run/resource-agents}"
PIDFILE="$HA_RSCTMP/lab-httpd-$(printf '%s' "$OCF_RESOURCE_INSTANCE" | tr -c 'A-Za-z0-9_' '_').pid"
# Alive and not a zombie (an orphan is reaped by PID 1, which on some machines takes seconds).
running() {
	[ -f "$PIDFILE" ] || return 1
	pid=$(cat "$PIDFILE")
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}
case "$1" in
meta-data)
	cat <<'XML'
<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="httpd" version="1.0">
<version>1.1</version>
<longdesc lang="en">The hactl lab's HTTP backend: answers every request with its node's name.</longdesc>
<shortdesc lang="en">Lab HTTP backend</shortdesc>
<parameters>
<parameter name="port" required="0" unique="0"><longdesc lang="en">TCP port</longdesc><shortdesc lang="en">Port</shortdesc><content type="integer" default="8080"/></parameter>
<parameter name="names" required="0" unique="0"><longdesc lang="en">NAME=ADDR,... to name the node by the address a request arrived at</longdesc><shortdesc lang="en">Node names</shortdesc><content type="string" default=""/></parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="stop" timeout="20s"/>
<action name="monitor" timeout="20s" interval="10s"/>
<action name="meta-data" timeout="5s"/>
<action name="validate-all" timeout="5s"/>
</actions>
</resource-agent>
XML
	exit 0 ;;
start)
	running && exit 0
	mkdir -p "$HA_RSCTMP"
	setsid node ${JSON.stringify(HTTPD)} "$OCF_RESKEY_port" "$OCF_RESKEY_names" </dev/null >>"$HA_RSCTMP/lab-httpd.log" 2>&1 &
	echo $! >"$PIDFILE"
	i=0
	while [ $i -lt 100 ]; do
		# Listening, and by this process (another one holding the port would make it exit).
		ss -Hltnp "sport = :$OCF_RESKEY_port" 2>/dev/null | grep -q "pid=$(cat "$PIDFILE")," && exit 0
		running || exit 1
		sleep 0.05
		i=$((i + 1))
	done
	exit 1 ;;
stop)
	if running; then
		pid=$(cat "$PIDFILE")
		kill "$pid"
		i=0
		while running && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$PIDFILE"
	exit 0 ;;
monitor) running && exit 0; exit 7 ;;
validate-all) exit 0 ;;
*) exit 3 ;;
esac
`

/** Writes OCF_ROOT/resource.d/lab/httpd under `dir`; returns the OCF root. */
export async function installLabAgents(dir: string): Promise<string> {
  const root = join(dir, 'ocf')
  await mkdir(join(root, 'resource.d', 'lab'), {recursive: true})
  const path = join(root, 'resource.d', 'lab', 'httpd')
  await writeFile(path, AGENT)
  await chmod(path, 0o755)
  await chmod(dir, 0o755)
  return root
}
