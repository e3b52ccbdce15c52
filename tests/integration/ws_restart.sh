#!/bin/bash
# ws_restart.sh: nothing acknowledged is lost when ws-streamer dies.  With
# a running, a cancelled and a completed job, the streamer is killed with
# SIGKILL and started again on the same state directory: every job is
# there in its state, the epoch is the same, the running job goes on
# with seqs above any a subscriber saw, a subscriber resuming with since
# and epoch gets its introduction (status, latest preview) and the live
# messages, and a finished job still sends its terminal message.  Then a
# torn record (half a line, as a power cut leaves it) is appended after a
# SIGTERM: the next start logs the skip and keeps every job.
. "$(dirname "$0")/lib.sh"

start_daemon
create_job '{"shape":[16,16,16],"duration_s":0,"seed":3,"preview":{"hz":4}}'
RUN_ID=$JOB_ID RUN_TOKEN=$JOB_TOKEN
create_job '{"shape":[8,8,8],"duration_s":0,"seed":4}'
CANCEL_ID=$JOB_ID
case $(ctl "{\"version\":1,\"op\":\"cancel\",\"id\":\"$CANCEL_ID\"}") in
*'"ok":true'*) ;;
*) fail "cancel was not acknowledged" ;;
esac
create_job '{"shape":[8,8,8],"duration_s":0.5,"seed":5,"preview":{"hz":4}}'
DONE_ID=$JOB_ID DONE_TOKEN=$JOB_TOKEN

# Fields of the Nth "msg" line of $T/$1.out: "TYPE SEQ rest".
nth() {
	awk -v n="$2" '$1 == "msg" && ++i == n { $1 = $2 = ""; print; exit }' \
	    "$T/$1.out"
}
kv() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# The value of integer field $2 in JSON text $1.
json_int() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p" | head -n 1
}
get() {
	ctl "{\"version\":1,\"op\":\"get\",\"id\":\"$1\"}"
}
# Checks that job $1 is in state $2.
expect_state() {
	local reply

	reply=$(get "$1")
	[ "$(json_str "$reply" state)" = "$2" ] ||
	    fail "$3: job $1 is not $2: ${reply:-no reply}"
}
wait_state() {
	local i

	for ((i = 0; i < 200; i++)); do
		[ "$(json_str "$(get "$1")" state)" = "$2" ] && return 0
		sleep 0.05
	done
	fail "job $1 not $2 after 10 s"
}

wait_state "$DONE_ID" succeeded
DONE_SEQ=$(json_int "$(get "$DONE_ID")" seq)

# A subscriber of the running job sees a few ticks; S is its last seq.
probe before -u "$(ws_url "$RUN_ID")" -a "$RUN_TOKEN" -n 6 -t 10
[ "$PROBE_RC" -eq 0 ] || fail "before: wsprobe exited $PROBE_RC"
EPOCH=$(kv "$(nth before 1)" epoch)
S=$(awk '$1 == "msg" { s = $4 } END { print s }' "$T/before.out")
[ -n "$EPOCH" ] && [ "$S" -ge 4 ] || fail "before: epoch '$EPOCH', seq '$S'"

# Killed: no chance to write anything more.
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
start_daemon

check_jobs() {
	local reply seq

	expect_state "$CANCEL_ID" cancelled "$1"
	expect_state "$DONE_ID" succeeded "$1"
	[ "$(json_int "$(get "$DONE_ID")" seq)" = "$DONE_SEQ" ] ||
	    fail "$1: the completed job's seq changed"
	reply=$(get "$RUN_ID")
	[ "$(json_str "$reply" state)" = running ] ||
	    fail "$1: the running job is not running: $reply"
	seq=$(json_int "$reply" seq)
	[ "$seq" -gt "$S" ] || fail "$1: the running job's seq $seq <= $S"
	reply=$(ctl '{"version":1,"op":"stats"}')
	[ "$(json_str "$reply" epoch)" = "$EPOCH" ] ||
	    fail "$1: the epoch changed: $reply"
}
check_jobs "after SIGKILL"

# Resuming: status with the same epoch and a seq above S, the latest
# preview, then live messages, every one above S.
probe resumed -u "$(ws_url "$RUN_ID" "since=$S&epoch=$EPOCH")" \
    -a "$RUN_TOKEN" -n 5 -t 10
[ "$PROBE_RC" -eq 0 ] || fail "resumed: wsprobe exited $PROBE_RC"
set -- $(nth resumed 1)
[ "$1" = status ] || fail "resumed: first message is $1"
[ "$(kv "$*" epoch)" = "$EPOCH" ] || fail "resumed: epoch changed"
[ "$2" -gt "$S" ] || fail "resumed: status seq $2 <= $S"
set -- $(nth resumed 2)
[ "$1" = preview ] && [ "$2" -gt "$S" ] ||
    fail "resumed: no latest preview above $S after status (got $1 $2)"
prev=$2
for i in 3 4 5; do
	set -- $(nth resumed "$i")
	[ "$2" -gt "$prev" ] || fail "resumed: message $i has seq $2 <= $prev"
	prev=$2
done
grep -q '^invalid' "$T/resumed.out" && fail "resumed: invalid messages"

# A finished job's end is sent again, fresh or resumed at its last seq.
probe done -u "$(ws_url "$DONE_ID")" -a "$DONE_TOKEN" -t 10
[ "$PROBE_RC" -eq 0 ] || fail "done: wsprobe exited $PROBE_RC"
grep -q "^msg [0-9]* completed $DONE_SEQ .*state=succeeded" \
    "$T/done.out" || fail "done: no completed at seq $DONE_SEQ"
grep -q '^close 1000' "$T/done.out" || fail "done: no close 1000"
probe again -u "$(ws_url "$DONE_ID" "since=$DONE_SEQ&epoch=$EPOCH")" \
    -a "$DONE_TOKEN" -t 10
set -- $(nth again 1)
[ "$(kv "$*" resumed)" = true ] ||
    fail "done, since its last seq: not resumed (epoch not kept?)"
grep -q '^close 1000' "$T/again.out" || fail "again: no close 1000"

# SIGTERM, then half a record at the end of the journal.
S=$(json_int "$(get "$RUN_ID")" seq)
stop_daemon 5
[ "$DAEMON_STATUS" -eq 0 ] || fail "ws-streamer exited $DAEMON_STATUS"
printf '{"rec":"create","id":"0123456789abcdef01234567' \
    >>"$STATE_DIR/jobs.journal"
start_daemon
grep -q 'torn record skipped' "$DAEMON_LOG" ||
    fail "no log line about the torn record"
check_jobs "after SIGTERM and a torn record"
exit 0
