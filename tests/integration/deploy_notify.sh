#!/bin/bash
# deploy_notify.sh: both daemons speak to systemd as their Type=notify
# units expect.  A datagram socket stands in for systemd's NOTIFY_SOCKET:
# ws-streamer says READY=1 only once its journal is replayed (its status
# counts the jobs it recovered), RELOADING=1 then READY=1 around a
# SIGHUP, STOPPING=1 on SIGTERM; fcgi-api the same.  With stderr on the
# journal's stream (JOURNAL_STREAM), log lines carry "<priority>"
# prefixes instead of the program's name.  An unreachable NOTIFY_SOCKET
# is a warning, not a failure.
. "$(dirname "$0")/lib.sh"

API=$BUILDDIR/fcgi-api/fcgi-api
[ -x "$API" ] || fail "no fcgi-api at $API"

# Receives datagrams on $T/$1.notify.sock into $T/$1.notify, as systemd
# would; the states of one datagram are newline-separated, datagrams
# follow each other unseparated.
listen_notify() {
	socat -u "UNIX-RECV:$T/$1.notify.sock" "OPEN:$T/$1.notify,creat" &
	# The cleanup stops it with the probes.
	PROBE_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -S "$T/$1.notify.sock" ] && return 0
		sleep 0.05
	done
	fail "socat did not bind $T/$1.notify.sock"
}

# Waits up to 10 s until $T/$1.notify, newlines as spaces, matches $2.
wait_notify() {
	for ((i = 0; i < 200; i++)); do
		tr '\n' ' ' <"$T/$1.notify" | grep -Eq -- "$2" && return 0
		sleep 0.05
	done
	fail "$1: no notification matching '$2'; got: $(tr '\n' ' ' \
	    <"$T/$1.notify")"
}

# Two jobs in the journal, then a start under "systemd".
start_daemon
create_job '{"shape":[8,8,8],"duration_s":0}'
create_job '{"shape":[8,8,8],"duration_s":0.2}'
stop_daemon
[ "$DAEMON_STATUS" -eq 0 ] || fail "first run exited $DAEMON_STATUS"

listen_notify streamer
: >"$T/streamer.stderr"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/streamer.stderr")
NOTIFY_SOCKET=$T/streamer.notify.sock JOURNAL_STREAM=$JOURNAL_STREAM \
    "$STREAMER" -s "$WS_SOCK" -c "$CTL_SOCK" -p "$PIDFILE" -S "$STATE_DIR" \
    2>>"$T/streamer.stderr" &
DAEMON_PID=$!
wait_notify streamer '^READY=1 STATUS=journal replayed: 2 jobs \([0-9]+ running\), epoch [0-9a-f]+$'
# Ready means serving: the control socket answers at once.
ctl '{"version":1,"op":"stats"}' | grep -q '"ok":true' ||
    fail "READY=1 sent, but the control socket does not answer"
kill -HUP "$DAEMON_PID"
wait_notify streamer 'RELOADING=1 MONOTONIC_USEC=[0-9]+READY=1 STATUS=reloaded: 2 jobs'
kill -TERM "$DAEMON_PID"
wait_notify streamer 'STATUS=reloaded: [^=]*STOPPING=1$'
wait "$DAEMON_PID"
DAEMON_STATUS=$?
DAEMON_PID=
[ "$DAEMON_STATUS" -eq 0 ] || fail "the streamer exited $DAEMON_STATUS"
grep -q '^<6>ready: epoch ' "$T/streamer.stderr" ||
    fail "no \"<6>ready\" line on the journal stream: $(head -n 5 \
    "$T/streamer.stderr")"
grep -q '^ws-streamer: ' "$T/streamer.stderr" &&
    fail "a line without a priority on the journal stream"

# fcgi-api, with the streamer running again (not under systemd).
start_daemon
listen_notify api
: >"$T/api.stderr"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/api.stderr")
NOTIFY_SOCKET=$T/api.notify.sock JOURNAL_STREAM=$JOURNAL_STREAM \
    "$API" -s "$T/api.sock" -c "$CTL_SOCK" -p "$T/fcgi-api.pid" \
    2>>"$T/api.stderr" &
API_PID=$!
wait_notify api '^READY=1 STATUS=serving$'
kill -HUP "$API_PID"
wait_notify api 'RELOADING=1 MONOTONIC_USEC=[0-9]+READY=1 STATUS=reloaded$'
kill -TERM "$API_PID"
wait_notify api 'STATUS=reloadedSTOPPING=1$'
wait "$API_PID" || fail "fcgi-api exited $?"
# The keys warning is a warning (4), the rest information (6).
grep -q '^<4>no keys_file' "$T/api.stderr" ||
    fail "no \"<4>no keys_file\" line: $(head -n 5 "$T/api.stderr")"
grep -q '^<6>ready: ' "$T/api.stderr" || fail "no \"<6>ready\" line"

# A NOTIFY_SOCKET nobody listens on: logged, and the daemon serves.
stop_daemon
NOTIFY_SOCKET=$T/nobody.sock start_daemon
grep -q 'sd_notify: ' "$DAEMON_LOG" ||
    fail "no warning about the unreachable NOTIFY_SOCKET"
stop_daemon
[ "$DAEMON_STATUS" -eq 0 ] || fail "exited $DAEMON_STATUS"
echo "PASS: $TEST_NAME"
