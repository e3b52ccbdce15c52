# streamer_lib.sh: what the ws_*.test integration tests share (sourced
# by bash).
# Each test gets its own temporary directory with the daemon's sockets
# and pidfile, waits for readiness by polling the control socket, and
# leaves nothing behind: the EXIT trap stops what it started.
#
# Automake's AM_TESTS_ENVIRONMENT exports BUILDDIR and SRCDIR; run by
# hand, they default to the source tree and its build/default.
# MASKSTREAM_WRAPPER, when set, is a command the daemon is started under
# (make check-valgrind sets it to valgrind); WRAPPED is 1 then.

set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$SRCDIR/build/default}
STREAMER=$BUILDDIR/ws-streamer/ws-streamer
WSPROBE=$BUILDDIR/tests/helpers/wsprobe

DAEMON_PID=
PROBE_PIDS=()
WRAPPER=${MASKSTREAM_WRAPPER:-}
WRAPPED=0
[ -n "$WRAPPER" ] && WRAPPED=1
TEST_NAME=$(basename "$0" .test)

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

# Exit 77: only for a tool this machine genuinely lacks.
skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}

need() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

need socat
[ -x "$STREAMER" ] || fail "no ws-streamer at $STREAMER (build first)"
[ -x "$WSPROBE" ] || fail "no wsprobe at $WSPROBE (make check builds it)"

# Unix socket paths are limited to 108 bytes: keep the directory short.
T=$(mktemp -d "/tmp/ms-$TEST_NAME.XXXXXX") || fail "mktemp"
WS_SOCK=$T/ws.sock
CTL_SOCK=$T/ctl.sock
PIDFILE=$T/ws-streamer.pid
STATE_DIR=$T/state
DAEMON_LOG=$T/daemon.log

now_us() {
	date +%s%6N
}

# Stops the daemon: SIGTERM, then SIGKILL after $1 seconds (default 5;
# 60 under a wrapper, which checks for leaks as the daemon exits).
# Leaves its exit status in DAEMON_STATUS.
stop_daemon() {
	local i limit=$(( ${1:-5} * 20 ))

	[ "$WRAPPED" -eq 0 ] || limit=1200
	DAEMON_STATUS=
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null
	for ((i = 0; i < limit; i++)); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$DAEMON_PID" 2>/dev/null; then
		echo "$TEST_NAME: ws-streamer ignored SIGTERM; killing it" >&2
		kill -KILL "$DAEMON_PID" 2>/dev/null
	fi
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_STATUS=$?
	DAEMON_PID=
}

cleanup() {
	local status=$? pid f

	for pid in "${PROBE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	stop_daemon 5
	if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
		# What a failed run's log (tests/integration/*.log) should show.
		for f in "$T"/*.out; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") (last 20 lines)" >&2
			tail -n 20 "$f" >&2
		done
		if [ -f "$DAEMON_LOG" ]; then
			echo "--- ws-streamer log (last 40 lines)" >&2
			tail -n 40 "$DAEMON_LOG" >&2
		fi
	fi
	rm -rf "$T"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# One request line on the control socket; prints the reply line.
ctl() {
	printf '%s\n' "$1" | timeout 5 socat -t2 - "UNIX-CONNECT:$CTL_SOCK" \
	    2>/dev/null
}

# Starts ws-streamer in the background (extra flags in "$@"), its job
# journal in $STATE_DIR, and returns once it answers "stats" on its
# control socket, polling every 50 ms for up to 10 s (60 s under a
# wrapper).
start_daemon() {
	local i limit=200

	[ "$WRAPPED" -eq 0 ] || limit=1200
	# $WRAPPER unquoted: a command with its arguments, or nothing.
	$WRAPPER "$STREAMER" -s "$WS_SOCK" -c "$CTL_SOCK" -p "$PIDFILE" \
	    -S "$STATE_DIR" "$@" \
	    2>>"$DAEMON_LOG" &
	DAEMON_PID=$!
	for ((i = 0; i < limit; i++)); do
		kill -0 "$DAEMON_PID" 2>/dev/null ||
		    fail "ws-streamer exited at start"
		if [ -S "$CTL_SOCK" ] &&
		    ctl '{"version":1,"op":"stats"}' | grep -q '"ok":true'; then
			return 0
		fi
		sleep 0.05
	done
	fail "ws-streamer not ready after $((limit / 20)) s"
}

# The value of string field $2 in JSON text $1 (first occurrence).
json_str() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" |
	    head -n 1
}

# Creates a job from specification $1; sets JOB_ID and JOB_TOKEN.
create_job() {
	local reply

	reply=$(ctl "{\"version\":1,\"op\":\"create\",\"job\":$1}")
	case $reply in
	*'"ok":true'*) ;;
	*) fail "create $1: ${reply:-no reply}" ;;
	esac
	JOB_ID=$(json_str "$reply" id)
	JOB_TOKEN=$(json_str "$reply" token)
	[ ${#JOB_ID} -eq 32 ] && [ -n "$JOB_TOKEN" ] ||
	    fail "create: no id or token in $reply"
}

# The wsprobe URL of job $1's WebSocket on the Unix socket, query $2.
ws_url() {
	echo "unix:$WS_SOCK:/ws/jobs/$1${2:+?$2}"
}

# Runs wsprobe in the background, its stdout in $T/$1.out; sets PROBE_PID.
probe_bg() {
	local name=$1

	shift
	"$WSPROBE" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	PROBE_PID=$!
	PROBE_PIDS+=("$PROBE_PID")
}

# Runs wsprobe in the foreground, its stdout in $T/$1.out; sets PROBE_RC.
probe() {
	local name=$1

	shift
	PROBE_RC=0
	"$WSPROBE" "$@" >"$T/$name.out" 2>"$T/$name.err" || PROBE_RC=$?
}

# Waits until $T/$1.out has at least $3 lines matching regex $2, for at
# most $4 seconds (default 10).
wait_lines() {
	local f=$T/$1.out i limit=$(( ${4:-10} * 20 ))

	for ((i = 0; i < limit; i++)); do
		[ "$(grep -c -E -e "$2" "$f" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.05
	done
	fail "$1: fewer than $3 lines matching '$2' after ${4:-10} s"
}

# Waits for background probe $1 (a pid) to exit; its status in PROBE_RC.
wait_probe() {
	PROBE_RC=0
	wait "$1" || PROBE_RC=$?
}

# The daemon's resident set in kB.
daemon_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null
}
