#!/bin/bash
# ws_client_msgs.sh: what clients send is read, bounded and ignored.  A
# message of 4 KiB is fine; one over 4 KiB gets close 1009, a flood of
# 50 small ones gets close 1008, and another subscriber of the same job
# goes on receiving meanwhile.
. "$(dirname "$0")/lib.sh"

start_daemon
create_job '{"shape":[16,16,16],"duration_s":0,"seed":4,"preview":{"hz":5}}'
url=$(ws_url "$JOB_ID")

probe_bg bystander -u "$url" -a "$JOB_TOKEN" -n 24 -t 15
bystander_pid=$PROBE_PID
wait_lines bystander '^msg [0-9]* status ' 1

probe fits -u "$url" -a "$JOB_TOKEN" -m 4096 -n 6 -t 10
[ "$PROBE_RC" -eq 0 ] || fail "fits: wsprobe exited $PROBE_RC"
grep -q '^sent 4096' "$T/fits.out" || fail "fits: did not send"
grep -q '^close [0-9]' "$T/fits.out" && fail "fits: closed for 4096 bytes"
[ "$(grep -c '^msg ' "$T/fits.out")" -eq 6 ] || fail "fits: not 6 messages"

probe big -u "$url" -a "$JOB_TOKEN" -m 4097 -t 10
grep -q '^close 1009' "$T/big.out" || fail "big: no close 1009"
[ "$PROBE_RC" -eq 0 ] || fail "big: wsprobe exited $PROBE_RC"

probe flood -u "$url" -a "$JOB_TOKEN" -f 50 -t 10
grep -q '^close 1008' "$T/flood.out" || fail "flood: no close 1008"
[ "$PROBE_RC" -eq 0 ] || fail "flood: wsprobe exited $PROBE_RC"

wait_probe "$bystander_pid"
[ "$PROBE_RC" -eq 0 ] || fail "bystander: wsprobe exited $PROBE_RC"
grep -q '^close [0-9]' "$T/bystander.out" && fail "bystander: closed by the server"
awk '
	$1 == "invalid" { print "invalid message: " $0; exit 1 }
	$1 == "msg" && !seen { seen = 1; last = $4 + 0; next }
	$1 == "msg" && $4 + 0 > last - 0 {
		if ($4 + 0 != last + 1) { print "seq " $4 " after " last; exit 1 }
		last = $4 + 0; n++
	}
	END { print "bystander: " n " live messages"; exit n < 20 }
' "$T/bystander.out" || fail "bystander: missed messages"
