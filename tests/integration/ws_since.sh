#!/bin/bash
# ws_since.sh: resuming with ?since=SEQ&epoch=EPOCH.  Within the ring and
# with this run's epoch, status says resumed:true and the missed
# messages follow in order; with a wrong epoch, or a since older than
# the ring (ring_len = 4 here), status says resumed:false and a fresh
# snapshot follows.  Resuming a finished job still ends with close 1000.
. "$(dirname "$0")/lib.sh"

printf 'ring_len = 4\n' >"$T/ws-streamer.conf"
start_daemon -f "$T/ws-streamer.conf"
# A tick (progress + preview) every 2 s leaves time to reconnect.
create_job '{"shape":[16,16,16],"duration_s":0,"seed":5,"preview":{"hz":0.5}}'

# Fields of the Nth "msg" line of $T/$1.out: "TYPE SEQ rest".
nth() {
	awk -v n="$2" '$1 == "msg" && ++i == n { $1 = $2 = ""; print; exit }' \
	    "$T/$1.out"
}
kv() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# status, the latest preview, then one tick: progress, preview S.
probe first -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -n 4 -t 10
[ "$PROBE_RC" -eq 0 ] || fail "first: wsprobe exited $PROBE_RC"
epoch=$(kv "$(nth first 1)" epoch)
set -- $(nth first 4)
[ "$1" = preview ] || fail "first: 4th message is $1"
S=$2
[ -n "$epoch" ] && [ "$S" -ge 4 ] || fail "first: epoch '$epoch', seq '$S'"

# Missed S-1 and S: replayed, then the next tick live (S+1, S+2).
probe resumed -u "$(ws_url "$JOB_ID" "since=$((S - 2))&epoch=$epoch")" \
    -a "$JOB_TOKEN" -n 5 -t 10
[ "$PROBE_RC" -eq 0 ] || fail "resumed: wsprobe exited $PROBE_RC"
set -- $(nth resumed 1)
[ "$1" = status ] || fail "resumed: first message is $1"
[ "$(kv "$*" resumed)" = true ] || fail "resumed: status says resumed false"
[ "$(kv "$*" epoch)" = "$epoch" ] || fail "resumed: epoch changed"
[ "$2" -ge "$S" ] || fail "resumed: status seq $2 < $S"
for i in 2 3 4 5; do
	set -- $(nth resumed "$i")
	[ "$2" = $((S + i - 3)) ] ||
	    fail "resumed: message $i has seq $2, not $((S + i - 3))"
done
L=$2
grep -q '^invalid' "$T/resumed.out" && fail "resumed: invalid messages"

# Older than the ring: the ring holds at most L-3 .. L now.
for q in "since=$((L - 5))&epoch=$epoch" "since=$L&epoch=x$epoch"; do
	probe fresh -u "$(ws_url "$JOB_ID" "$q")" -a "$JOB_TOKEN" -n 2 -t 10
	[ "$PROBE_RC" -eq 0 ] || fail "$q: wsprobe exited $PROBE_RC"
	set -- $(nth fresh 1)
	[ "$1" = status ] || fail "$q: first message is $1"
	[ "$(kv "$*" resumed)" = false ] || fail "$q: status says resumed true"
	status_seq=$2
	set -- $(nth fresh 2)
	[ "$1" = preview ] && [ "$2" -le "$status_seq" ] ||
	    fail "$q: no latest preview after status (got $1 $2)"
done

# A finished job: resuming from anywhere ends with close 1000.
create_job '{"shape":[8,8,8],"duration_s":1,"seed":5,"preview":{"hz":4}}'
probe done -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -t 10
grep -q '^close 1000' "$T/done.out" || fail "finished job: no close 1000"
last=$(awk '$1 == "msg" { s = $4 } END { print s }' "$T/done.out")
for since in 1 $((last - 1)) "$last"; do
	probe again -u "$(ws_url "$JOB_ID" "since=$since&epoch=$epoch")" \
	    -a "$JOB_TOKEN" -t 5
	[ "$PROBE_RC" -eq 0 ] || fail "finished job, since=$since: wsprobe" \
	    "exited $PROBE_RC"
	grep -q '^close 1000' "$T/again.out" ||
	    fail "finished job, since=$since: no close 1000"
	[ "$since" -ge "$last" ] || grep -q '^msg .* completed ' \
	    "$T/again.out" || fail "finished job, since=$since: no completed"
done
exit 0
