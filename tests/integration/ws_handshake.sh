#!/bin/bash
# ws_handshake.sh: refused handshakes get the HTTP status of
# docs/protocol.md and no WebSocket (400 malformed id or since, 404
# unknown job or path, 401 no token, 403 wrong or another job's token),
# a token in ?token= works as well as the header, plain HTTP gets 404,
# and the daemon serves on afterwards.
. "$(dirname "$0")/lib.sh"
need curl

start_daemon
create_job '{"shape":[8,8,8],"duration_s":0,"seed":1,"preview":{"hz":1}}'
other_id=$JOB_ID other_token=$JOB_TOKEN
create_job '{"shape":[8,8,8],"duration_s":0,"seed":2,"preview":{"hz":1}}'
unknown=0123456789abcdef0123456789abcdef

# expect NAME STATUS URL_PATH [wsprobe flags]
expect() {
	local name=$1 status=$2 path=$3

	shift 3
	probe "$name" -u "unix:$WS_SOCK:$path" -n 1 -t 5 "$@"
	if [ "$status" = ok ]; then
		[ "$PROBE_RC" -eq 0 ] &&
		    grep -q '^msg [0-9]* status ' "$T/$name.out" ||
		    fail "$name: $path: no status message (exit $PROBE_RC)"
	else
		[ "$PROBE_RC" -eq 2 ] &&
		    grep -qx "refused $status" "$T/$name.out" ||
		    fail "$name: $path: not refused with $status" \
		    "(exit $PROBE_RC: $(head -n 1 "$T/$name.out"))"
	fi
}

expect short 400 "/ws/jobs/abc" -a "$JOB_TOKEN"
expect upper 400 "/ws/jobs/${JOB_ID^^}" -a "$JOB_TOKEN"
expect long 400 "/ws/jobs/${JOB_ID}0" -a "$JOB_TOKEN"
expect since 400 "/ws/jobs/$JOB_ID?since=-1" -a "$JOB_TOKEN"
expect unknown 404 "/ws/jobs/$unknown" -a "$JOB_TOKEN"
expect root 404 "/" -a "$JOB_TOKEN"
expect path 404 "/ws/other/$JOB_ID" -a "$JOB_TOKEN"
expect deeper 404 "/ws/jobs/$JOB_ID/x" -a "$JOB_TOKEN"
expect notoken 401 "/ws/jobs/$JOB_ID"
expect wrong 403 "/ws/jobs/$JOB_ID" -a "x$JOB_TOKEN"
expect wrongq 403 "/ws/jobs/$JOB_ID?token=x$JOB_TOKEN"
expect another 403 "/ws/jobs/$JOB_ID" -a "$other_token"
expect anotherq 403 "/ws/jobs/$JOB_ID?token=$other_token"
expect header ok "/ws/jobs/$JOB_ID" -a "$JOB_TOKEN"
expect query ok "/ws/jobs/$JOB_ID?token=$JOB_TOKEN"
expect query2 ok "/ws/jobs/$other_id?since=1&token=$other_token"

# Plain HTTP, no upgrade: 404 (or 400), an answer, not a crash.
for path in / "/ws/jobs/$JOB_ID" "/ws/jobs/$JOB_ID?token=$JOB_TOKEN"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 \
	    --unix-socket "$WS_SOCK" "http://localhost$path") ||
	    fail "curl $path: no answer (curl exit $?)"
	case $code in
	400|404) ;;
	*) fail "plain GET $path: HTTP $code" ;;
	esac
done

kill -0 "$DAEMON_PID" 2>/dev/null || fail "ws-streamer died"
ctl '{"version":1,"op":"stats"}' | grep -q '"ok":true' ||
    fail "no stats after the refusals"
expect after ok "/ws/jobs/$JOB_ID" -a "$JOB_TOKEN"

# Refused and closed connections are all counted out again.
for ((i = 0; i < 40; i++)); do
	stats=$(ctl '{"version":1,"op":"stats"}')
	case $stats in
	*'"ws_connections":0,"ws_subscribers":0,'*) exit 0 ;;
	esac
	sleep 0.05
done
fail "connections still counted: $stats"
