#!/bin/bash
# ws_join.sh: a new subscriber gets status and the job's latest preview
# at once, not at the next tick: with 0.1 Hz the next tick is 10 s away,
# and both must arrive within 1 s of starting to connect.
. "$(dirname "$0")/lib.sh"

start_daemon
create_job '{"shape":[32,32,32],"duration_s":0,"seed":11,"preview":{"hz":0.1,"scale":2}}'
# Let some time pass so that nothing but the join itself sends.
sleep 0.5

start=$(now_us)
probe join -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -n 2 -t 5
[ "$PROBE_RC" -eq 0 ] || fail "wsprobe exited $PROBE_RC"

awk -v start="$start" '
	$1 == "invalid" { print "invalid message: " $0; exit 1 }
	$1 != "msg" { next }
	{ n++ }
	n == 1 && $3 != "status" { print "first is " $3; exit 1 }
	n == 1 { status = $4 + 0 }
	n == 2 {
		if ($3 != "preview") { print "second is " $3; exit 1 }
		if ($4 + 0 > status) { print "preview " $4 " is not old"; exit 1 }
		if ($0 !~ / shape=16,16,16 .*len=4096 /) {
			print "wrong preview: " $0; exit 1
		}
		ms = ($2 - start) / 1000
		printf "status and latest preview %.1f ms after start\n", ms
		exit ms > 1000
	}
	END { if (n < 2) { print "only " n " messages"; exit 1 } }
' "$T/join.out" || fail "no status + latest preview within 1 s"
