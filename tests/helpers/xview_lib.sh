# xview_lib.sh: helpers of the maskstream-view tests (xview_*.test):
# a private directory, Xvfb on a free display, the stack (deploy/
# local-stack) on a free port, jobs made over REST, polling and cleanup.
# Sourced by bash scripts; each test calls xv_init first.

# Paths: the sources from this file's place, the build from
# MASKSTREAM_BUILDDIR or the directory make check runs the tests in.
xv_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
xv_builddir=$(cd "${MASKSTREAM_BUILDDIR:-$PWD}" && pwd)
export MASKSTREAM_BUILDDIR="$xv_builddir"
XV_VIEW=$xv_builddir/xclient/maskstream-view
XV_CHECK=$xv_builddir/tests/helpers/xview_check
XV_VOLUME=$xv_builddir/tests/helpers/xview_volume
XV_STACK=$xv_srcdir/deploy/local-stack

xv_name=$(basename "$0" .test)
xv_dir=""
xv_xvfb_pid=""
xv_stack_dir=""
xv_pids=""

xv_log() {
	echo "$xv_name: $*" >&2
}

xv_fail() {
	echo "FAIL: $xv_name: $*" >&2
	exit 1
}

# 77 is for a missing tool only, never for a failure.
xv_skip() {
	echo "SKIP: $xv_name: $*" >&2
	exit 77
}

xv_cleanup() {
	rc=$?
	trap - EXIT
	for p in $xv_pids; do
		kill "$p" 2>/dev/null
	done
	if [ -n "$xv_stack_dir" ]; then
		"$XV_STACK" stop --dir "$xv_stack_dir" >/dev/null 2>&1
	fi
	if [ -n "$xv_xvfb_pid" ]; then
		kill "$xv_xvfb_pid" 2>/dev/null
		wait "$xv_xvfb_pid" 2>/dev/null
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$xv_dir" ]; then
		# Leave the evidence in the test's log before it goes.
		for f in "$xv_dir"/*.out "$xv_dir"/*.err "$xv_dir"/*.log \
		    "$xv_dir"/stack/*.log; do
			[ -s "$f" ] || continue
			echo "--- $f (last lines)" >&2
			tail -n 40 "$f" >&2
		done
	fi
	[ -n "$xv_dir" ] && rm -rf "$xv_dir"
	exit "$rc"
}

xv_init() {
	[ -x "$XV_VIEW" ] || xv_fail "$XV_VIEW is not built"
	xv_dir=$(mktemp -d "${TMPDIR:-/tmp}/$xv_name.XXXXXX") ||
	    xv_fail "mktemp"
	trap xv_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

# Polls "$@" every 50 ms for up to $1 seconds.
xv_wait_for() {
	local tries=$(($1 * 20))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		tries=$((tries - 1))
		sleep 0.05
	done
	return 1
}

# A process started by the test, killed by the cleanup if still alive.
xv_track() {
	xv_pids="$xv_pids $1"
}

# Starts Xvfb on a display it picks itself (-displayfd: no race with
# other tests) and exports DISPLAY once a client can talk to it.
xv_start_xvfb() {
	command -v Xvfb >/dev/null 2>&1 ||
	    xv_skip "Xvfb is not installed (Debian package xvfb)"
	command -v xdpyinfo >/dev/null 2>&1 ||
	    xv_skip "xdpyinfo is not installed (Debian package x11-utils)"
	Xvfb -displayfd 3 -screen 0 800x800x24 -nolisten tcp \
	    3>"$xv_dir/display" >"$xv_dir/xvfb.log" 2>&1 &
	xv_xvfb_pid=$!
	xv_wait_for 20 grep -q '^[0-9][0-9]*$' "$xv_dir/display" ||
	    xv_fail "Xvfb did not report a display"
	DISPLAY=:$(cat "$xv_dir/display")
	export DISPLAY
	xv_wait_for 10 xdpyinfo ||
	    xv_fail "Xvfb on $DISPLAY does not answer"
}

# A TCP port in 20000..60000 nobody listens on.
xv_free_port() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
		# Free when nothing accepts a connection there.
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# Starts nginx, ws-streamer and fcgi-api; sets XV_URL and XV_PORT.
# Another test may take the port in between: then try another one.
xv_start_stack() {
	local i
	command -v nginx >/dev/null 2>&1 || xv_fail "nginx is not installed"
	command -v curl >/dev/null 2>&1 || xv_fail "curl is not installed"
	xv_stack_dir=$xv_dir/stack
	for i in 1 2 3 4 5; do
		XV_PORT=$(xv_free_port) || xv_fail "no free port"
		if "$XV_STACK" start --port "$XV_PORT" --dir "$xv_stack_dir" \
		    >"$xv_dir/local-stack.log" 2>&1; then
			XV_URL=http://127.0.0.1:$XV_PORT
			return 0
		fi
		"$XV_STACK" stop --dir "$xv_stack_dir" >/dev/null 2>&1
	done
	cat "$xv_dir/local-stack.log" >&2
	xv_fail "the stack did not start"
}

# POST /api/jobs with the specification $1; sets XV_JOB_ID, XV_JOB_TOKEN.
xv_create_job() {
	local reply code
	reply=$(curl -sS -w '\n%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -d "$1" \
	    "$XV_URL/api/jobs") || xv_fail "POST /api/jobs: curl failed"
	code=$(printf '%s\n' "$reply" | tail -n 1)
	reply=$(printf '%s\n' "$reply" | sed '$d')
	[ "$code" = 201 ] || xv_fail "POST /api/jobs answered $code: $reply"
	XV_JOB_ID=$(printf '%s' "$reply" |
	    sed -n 's/.*"id":"\([0-9a-f]\{32\}\)".*/\1/p')
	XV_JOB_TOKEN=$(printf '%s' "$reply" |
	    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	# An external job's, or "".
	XV_JOB_PTOKEN=$(printf '%s' "$reply" |
	    sed -n 's/.*"producer_token":"\([^"]*\)".*/\1/p')
	[ -n "$XV_JOB_ID" ] && [ -n "$XV_JOB_TOKEN" ] ||
	    xv_fail "POST /api/jobs: no id or token in $reply"
}

# DELETE /api/jobs/{id}: prints the HTTP status.
xv_cancel_job() {
	curl -s -o /dev/null -w '%{http_code}' -X DELETE \
	    -H "Authorization: Bearer $XV_JOB_TOKEN" \
	    "$XV_URL/api/jobs/$XV_JOB_ID"
}

# Number of lines of file $2 that start with the word $1.
xv_count() {
	grep -c "^$1 " "$2" 2>/dev/null
}

# True when file $2 has at least $1 preview lines.
xv_has_previews() {
	[ "$(xv_count preview "$2")" -ge "$1" ]
}
