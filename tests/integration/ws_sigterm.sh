#!/bin/bash
# ws_sigterm.sh: SIGTERM ends ws-streamer cleanly: every WebSocket
# subscriber sees close 1001, the daemon exits 0 within a few seconds,
# and removes its sockets and pidfile.
. "$(dirname "$0")/lib.sh"

start_daemon
create_job '{"shape":[16,16,16],"duration_s":0,"seed":8,"preview":{"hz":2}}'
[ -S "$WS_SOCK" ] && [ -S "$CTL_SOCK" ] && [ -s "$PIDFILE" ] ||
    fail "sockets or pidfile missing while running"
[ "$(cat "$PIDFILE")" = "$DAEMON_PID" ] || fail "pidfile does not say $DAEMON_PID"

probe_bg one -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -t 20
one_pid=$PROBE_PID
probe_bg two -u "$(ws_url "$JOB_ID" "token=$JOB_TOKEN")" -t 20
two_pid=$PROBE_PID
wait_lines one '^msg [0-9]* status ' 1
wait_lines two '^msg [0-9]* status ' 1

pid=$DAEMON_PID
kill -TERM "$pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$pid" 2>/dev/null && fail "ws-streamer still running 5 s after SIGTERM"
status=0
wait "$pid" || status=$?
DAEMON_PID=
[ "$status" -eq 0 ] || fail "ws-streamer exited $status after SIGTERM"

for p in one:$one_pid two:$two_pid; do
	wait_probe "${p#*:}"
	p=${p%:*}
	[ "$PROBE_RC" -eq 0 ] || fail "$p: wsprobe exited $PROBE_RC"
	grep -q '^close 1001' "$T/$p.out" || fail "$p: no close 1001"
done
for f in "$WS_SOCK" "$CTL_SOCK" "$PIDFILE"; do
	[ -e "$f" ] && fail "$f left behind"
done
exit 0
