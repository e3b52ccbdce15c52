#!/bin/bash
# ws_slow.sh: a subscriber that stops reading does not hold up the others
# nor grow the daemon.  Two subscribers of a job with 256 KiB previews at
# 5 Hz; one pauses reading for 5 s.  The other gets the previews without
# a gap over 3 ticks (0.6 s); the slow one is then told it skipped
# previews, or closed with 4001; the daemon's RSS stays under 200 MB.
. "$(dirname "$0")/lib.sh"

# ASan keeps up to 256 MB of freed memory in quarantine, which would look
# like growth here: a smaller quarantine still catches recent misuse.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
start_daemon
create_job '{"shape":[64,64,64],"duration_s":0,"seed":9,"preview":{"hz":5,"scale":1}}'
url=$(ws_url "$JOB_ID")

probe_bg slow -u "$url" -a "$JOB_TOKEN" -p 3:5 -n 40 -t 25
slow_pid=$PROBE_PID
probe_bg fast -u "$url" -a "$JOB_TOKEN" -n 80 -t 25
fast_pid=$PROBE_PID

max_rss=0
while kill -0 "$fast_pid" 2>/dev/null || kill -0 "$slow_pid" 2>/dev/null; do
	rss=$(daemon_rss_kb)
	[ -n "$rss" ] || fail "ws-streamer is gone"
	[ "$rss" -gt "$max_rss" ] && max_rss=$rss
	sleep 0.2
done
wait_probe "$fast_pid"
fast_rc=$PROBE_RC
wait_probe "$slow_pid"
slow_rc=$PROBE_RC
echo "daemon RSS at most $max_rss kB"
[ "$max_rss" -lt 204800 ] || fail "ws-streamer grew to $max_rss kB"

[ "$fast_rc" -eq 0 ] || fail "fast: wsprobe exited $fast_rc"
grep -q '^pause' "$T/slow.out" || fail "slow: never paused"
awk '
	$1 == "invalid" { print "invalid message: " $0; exit 1 }
	$1 == "msg" && $3 == "preview" {
		# A busy machine (ASan) may cost it a preview, not more.
		split($0, sk, " skipped=")
		skipped += sk[2] + 0
		if (n++ && $2 - last > max) max = $2 - last
		last = $2
	}
	END {
		printf "fast: %d previews, %d skipped, longest gap %.1f ms\n",
		    n, skipped, max / 1000
		exit n < 38 || skipped > 2 || max > 600000
	}' "$T/fast.out" || fail "fast: held up by the slow subscriber"

if grep -q '^close 4001' "$T/slow.out"; then
	echo "slow: closed with 4001"
elif skipped=$(grep -o ' preview .* skipped=[1-9][0-9]*' "$T/slow.out"); then
	echo "slow: skipped=${skipped##*=}"
	[ "$slow_rc" -eq 0 ] || fail "slow: wsprobe exited $slow_rc"
else
	fail "slow: neither skipped previews nor close 4001"
fi
exit 0
