# hactl-ocf.sh - shared helpers of hactl's OCF resource agents (POSIX sh).
#
# Sourced by resource-agents/ocf/hactl/*. Nothing here runs a command built
# from a parameter value: values are only ever passed as quoted arguments.

OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_ARGS=2
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_PERM=4
OCF_ERR_INSTALLED=5
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7
OCF_RUNNING_PROMOTED=8
OCF_FAILED_PROMOTED=9
OCF_DEGRADED=190

# Where agents keep small runtime files (pid files, state); ocf-shellfuncs uses the same default.
: "${HA_RSCTMP:=/run/resource-agents}"

__HACTL_AGENT=${__HACTL_AGENT:-${0##*/}}

# ocf_log LEVEL MESSAGE... : one line on stderr, which the executor captures.
ocf_log() {
	__level=$1
	shift
	printf '%s(%s)[%s]: %s: %s\n' "$__HACTL_AGENT" "${OCF_RESOURCE_INSTANCE:-?}" "$$" "$__level" "$*" >&2
}

ocf_exit_reason() {
	# Pacemaker shows the text after this marker as the failure's reason.
	printf 'ocf-exit-reason:%s\n' "$*" >&2
}

# hactl_fail CODE MESSAGE : log the reason and exit with CODE.
hactl_fail() {
	__code=$1
	shift
	ocf_exit_reason "$*"
	exit "$__code"
}

ocf_is_true() {
	case "$1" in
	[Yy][Ee][Ss] | [Yy] | [Tt][Rr][Uu][Ee] | 1 | [Oo][Nn]) return 0 ;;
	*) return 1 ;;
	esac
}

# A probe is a monitor with interval 0: "is it running here?" asked before anything else.
ocf_is_probe() {
	[ "$__OCF_ACTION" = monitor ] && [ "${OCF_RESKEY_CRM_meta_interval:-0}" = 0 ]
}

# Seconds this operation may take, from Pacemaker's OCF_RESKEY_CRM_meta_timeout (milliseconds).
hactl_op_timeout_s() {
	__ms=${OCF_RESKEY_CRM_meta_timeout:-20000}
	case "$__ms" in '' | *[!0-9]*) __ms=20000 ;; esac
	echo $((__ms / 1000))
}

# Deadline (epoch seconds) leaving a margin so the agent answers before the executor kills it.
hactl_deadline() {
	__t=$(hactl_op_timeout_s)
	__margin=$((__t / 10))
	[ "$__margin" -lt 1 ] && __margin=1
	[ "$__t" -le "$__margin" ] && __margin=0
	echo $(($(date +%s) + __t - __margin))
}

hactl_past() {
	[ "$(date +%s)" -ge "$1" ]
}

hactl_check_level() {
	echo "${OCF_CHECK_LEVEL:-${OCF_RESKEY_CRM_meta_OCF_CHECK_LEVEL:-0}}"
}

hactl_is_uint() {
	case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac
}

# Meta-data writers. Texts are literals of the agent (never parameter values).
hactl_meta_begin() {
	cat <<EOF
<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="$1" version="1.0">
<version>1.1</version>
<longdesc lang="en">$3</longdesc>
<shortdesc lang="en">$2</shortdesc>
<parameters>
EOF
}

# hactl_meta_param NAME TYPE DEFAULT REQUIRED UNIQUE SHORTDESC LONGDESC
# hactl_meta_param NAME TYPE DEFAULT REQUIRED UNIQUE SHORTDESC LONGDESC [RELOADABLE]
hactl_meta_param() {
	__reloadable=
	[ "${8:-0}" = 1 ] && __reloadable=' reloadable="1"'
	cat <<EOF
<parameter name="$1" required="$4" unique="$5"$__reloadable>
<longdesc lang="en">$7</longdesc>
<shortdesc lang="en">$6</shortdesc>
<content type="$2" default="$3"/>
</parameter>
EOF
}

hactl_meta_actions_begin() {
	echo '</parameters>'
	echo '<actions>'
}

# hactl_meta_action NAME TIMEOUT [INTERVAL [DEPTH]]
hactl_meta_action() {
	__extra=
	[ -n "$3" ] && __extra=" interval=\"$3\""
	[ -n "$4" ] && __extra="$__extra depth=\"$4\""
	echo "<action name=\"$1\" timeout=\"$2\"$__extra/>"
}

hactl_meta_end() {
	echo '</actions>'
	echo '</resource-agent>'
}

hactl_usage() {
	echo "usage: $__HACTL_AGENT {start|stop|monitor|meta-data|validate-all$1}"
}

hactl_rsctmp() {
	[ -d "$HA_RSCTMP" ] || mkdir -p "$HA_RSCTMP" 2>/dev/null
}
