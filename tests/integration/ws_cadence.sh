#!/bin/bash
# ws_cadence.sh: live previews of a 1 Hz job reach a WebSocket subscriber
# once a second: 10 consecutive intervals, measured at the client, each
# within 1000 +- 50 ms.  The first preview after status is the job's
# latest old one and is not counted.
. "$(dirname "$0")/lib.sh"

start_daemon
create_job '{"shape":[16,32,32],"duration_s":0,"seed":7,"preview":{"hz":1}}'

# status, the latest preview, then 11 ticks of progress + preview.
probe cadence -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -n 24 -t 25
[ "$PROBE_RC" -eq 0 ] || fail "wsprobe exited $PROBE_RC"

awk '
	$1 == "invalid" { print "invalid message: " $0; bad = 1 }
	$1 == "msg" && $3 == "status" && !seen { seen = 1; status = $4 + 0 }
	$1 == "msg" && $3 == "preview" && seen && $4 + 0 > status {
		t[n++] = $2
	}
	END {
		if (bad) exit 1
		if (n < 11) { print "only " n " live previews"; exit 1 }
		for (i = 1; i < 11; i++) {
			ms = (t[i] - t[i - 1]) / 1000
			printf "interval %d: %.1f ms\n", i, ms
			if (ms < 950 || ms > 1050) {
				print "interval " i " out of 1000 +- 50 ms"
				fail = 1
			}
		}
		exit fail
	}' "$T/cadence.out" || fail "cadence"
