# rest_lib.sh: helpers of the REST tests (rest_*.test): a private
# directory, stacks (deploy/local-stack) on free ports, curl requests
# whose status, headers and body are kept for checks, and cleanup.
# Sourced by POSIX sh scripts; each test calls rl_init first.  There is
# no jq here: JSON is picked apart with sed, which the fixed layout of
# fcgi-api's answers (json-c, plain) allows.

# Paths: the sources from the script's place, the build from
# MASKSTREAM_BUILDDIR or the directory make check runs the tests in.
rl_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
rl_builddir=$(cd "${MASKSTREAM_BUILDDIR:-$PWD}" && pwd)
MASKSTREAM_BUILDDIR=$rl_builddir
export MASKSTREAM_BUILDDIR
RL_STACK=$rl_srcdir/deploy/local-stack
# Under MASKSTREAM_WRAPPER (make check-valgrind), which local-stack
# honours, the daemons start and stop more slowly: RL_SLOW is how many
# seconds to wait for either.
RL_WRAPPER=${MASKSTREAM_WRAPPER:-}
RL_SLOW=10
[ -z "$RL_WRAPPER" ] || RL_SLOW=60

rl_name=$(basename "$0" .test)
rl_dir=""
rl_stacks=""		# stack directories the cleanup stops
rl_pids=""		# processes the cleanup kills

rl_log() {
	echo "$rl_name: $*" >&2
}

rl_fail() {
	echo "FAIL: $rl_name: $*" >&2
	exit 1
}

# 77 is for a missing tool only, never for a failure.
rl_skip() {
	echo "SKIP: $rl_name: $*" >&2
	exit 77
}

rl_cleanup() {
	rc=$?
	trap - EXIT
	for p in $rl_pids; do
		kill "$p" 2>/dev/null
	done
	for d in $rl_stacks; do
		"$RL_STACK" stop --dir "$d" >/dev/null 2>&1
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$rl_dir" ]; then
		# Leave the evidence in the test's log before it goes.
		for f in "$rl_dir"/*.log "$rl_dir"/*/*.log; do
			[ -s "$f" ] || continue
			echo "--- $f (last lines)" >&2
			tail -n 30 "$f" >&2
		done
	fi
	[ -n "$rl_dir" ] && rm -rf "$rl_dir"
	exit "$rc"
}

rl_init() {
	for t in curl nginx ss ps; do
		command -v "$t" >/dev/null 2>&1 ||
		    rl_skip "$t is not installed (see scripts/install-deps)"
	done
	for b in ws-streamer/ws-streamer fcgi-api/fcgi-api \
	    ctl/maskstreamctl; do
		[ -x "$rl_builddir/$b" ] ||
		    rl_fail "$rl_builddir/$b is not built"
	done
	rl_dir=$(mktemp -d "${TMPDIR:-/tmp}/$rl_name.XXXXXX") ||
	    rl_fail "mktemp"
	trap rl_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

# Polls "$@" every 50 ms for up to $1 seconds.
rl_wait_for() {
	rl_tries=$(($1 * 20))
	shift
	while [ "$rl_tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		rl_tries=$((rl_tries - 1))
		sleep 0.05
	done
	return 1
}

# A process started by the test, killed by the cleanup if still alive.
rl_track() {
	rl_pids="$rl_pids $1"
}

# True when no TCP socket of any state uses port $1: a client's
# connection from that port makes nginx's bind fail too.
rl_port_free() {
	! ss -Htan "sport = :$1" 2>/dev/null | grep -q .
}

# A free TCP port in 20000..60000, below the ephemeral ports the kernel
# gives clients when that leaves room (so no connection takes it between
# the check and nginx's bind).
rl_free_port() {
	rl_hi=60000
	rl_eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	case $rl_eph in
	''|*[!0-9]*) ;;
	*) [ "$rl_eph" -gt 21000 ] && [ "$rl_eph" -le 60000 ] &&
	    rl_hi=$((rl_eph - 1)) ;;
	esac
	for rl_i in 1 2 3 4 5 6 7 8 9 10; do
		rl_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
		rl_p=$((20000 + rl_r % (rl_hi - 20000 + 1)))
		if rl_port_free "$rl_p"; then
			echo "$rl_p"
			return 0
		fi
	done
	return 1
}

# Starts a stack in directory $1 (made under the test's directory when
# relative); sets RL_PORT and RL_URL.  Another test may take the port in
# between: local-stack then fails to start nginx, and another port is
# tried.
rl_start_stack() {
	case $1 in
	/*) rl_sd=$1 ;;
	*) rl_sd=$rl_dir/$1 ;;
	esac
	rl_stacks="$rl_stacks $rl_sd"
	for rl_i in 1 2 3 4 5; do
		RL_PORT=$(rl_free_port) || rl_fail "no free port"
		if "$RL_STACK" start --port "$RL_PORT" --dir "$rl_sd" \
		    >"$rl_dir/local-stack.out" 2>"$rl_dir/local-stack.err"; then
			RL_URL=http://127.0.0.1:$RL_PORT
			[ "$(cat "$rl_dir/local-stack.out")" = "$RL_URL" ] ||
			    rl_fail "local-stack start printed" \
			    "\"$(cat "$rl_dir/local-stack.out")\", not $RL_URL"
			return 0
		fi
		rl_log "start on port $RL_PORT failed: $(cat \
		    "$rl_dir/local-stack.out" "$rl_dir/local-stack.err")"
		"$RL_STACK" stop --dir "$rl_sd" >/dev/null 2>&1
	done
	rl_fail "the stack did not start"
}

# One request: rl_req METHOD PATH [curl arguments].  Sets RL_STATUS and
# RL_BODY; the headers stay in $rl_dir/headers for rl_header.
rl_req() {
	rl_m=$1
	rl_path=$2
	shift 2
	# -X HEAD would wait for the body Content-Length announces.
	if [ "$rl_m" = HEAD ]; then
		set -- --head "$@"
	else
		set -- -X "$rl_m" "$@"
	fi
	RL_STATUS=$(curl -sS -o "$rl_dir/body" -D "$rl_dir/headers" \
	    -w '%{http_code}' --max-time 20 "$@" "$RL_URL$rl_path") ||
	    rl_fail "$rl_m $rl_path: curl failed"
	RL_BODY=$(cat "$rl_dir/body")
	[ "$rl_m" != HEAD ] || RL_BODY=""
}

# POST /api/jobs with the specification $1 (more curl arguments may follow).
rl_post() {
	rl_spec=$1
	shift
	rl_req POST /api/jobs -H 'Content-Type: application/json' \
	    --data-binary "$rl_spec" "$@"
}

# The value of the last response's header $1, without the CR.
rl_header() {
	sed -n "s/^$1:[[:space:]]*//Ip" "$rl_dir/headers" | tr -d '\r' |
	    head -n 1
}

# A field of the last body: the string "$1":"..." or, with rl_json_raw,
# the text of any value up to the next comma or brace (arrays whole).
rl_json_str() {
	printf '%s' "$RL_BODY" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" |
	    head -n 1
}

rl_json_raw() {
	printf '%s' "$RL_BODY" |
	    sed -n "s/.*\"$1\":\(\[[^]]*\]\|[^,}]*\).*/\1/p" | head -n 1
}

rl_expect_status() {
	[ "$RL_STATUS" = "$1" ] ||
	    rl_fail "$2: status $RL_STATUS, not $1; body: $RL_BODY"
}

# The last answer is status $1 with a JSON error of code $2: JSON by
# its Content-Type and its shape, never nginx's HTML.
rl_expect_error() {
	rl_expect_status "$1" "$3"
	case $(rl_header Content-Type) in
	application/json*) ;;
	*) rl_fail "$3: Content-Type is \"$(rl_header Content-Type)\"" ;;
	esac
	printf '%s' "$RL_BODY" | grep -q "^{\"error\":{\"code\":\"$2\"," ||
	    rl_fail "$3: body is not a \"$2\" error: $RL_BODY"
	printf '%s' "$RL_BODY" | grep -q '"message":"[^"]' ||
	    rl_fail "$3: error without a message: $RL_BODY"
	if printf '%s' "$RL_BODY" | grep -qi '<html'; then
		rl_fail "$3: HTML in the body: $RL_BODY"
	fi
}

# True while process $1 runs.  A zombie does not: the daemons are
# orphans once local-stack exits, and init may be slow to reap them.
rl_running() {
	rl_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $rl_st in
	''|Z*) return 1 ;;
	esac
	return 0
}

rl_gone() {
	! rl_running "$1"
}
