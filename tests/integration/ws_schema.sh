#!/bin/bash
# ws_schema.sh: what a subscriber receives follows docs/protocol.md:
# every message decodes, status comes first, live messages number on
# from status's seq by +1, previews have the requested preview shape and
# z*y*x payload bytes, and a finished job ends with completed, then close
# 1000, for a live subscriber and for one that comes after the end.
. "$(dirname "$0")/lib.sh"

# Checks $T/$1.out; $2: the volume shape, $3: the preview shape.
check_stream() {
	awk -v vshape="$2" -v pshape="$3" '
		function bad(why) { print FILENAME ": " why; failed = 1 }
		$1 == "invalid" { bad("invalid message: " $0) }
		$1 != "msg" { next }
		{
			n++
			for (i = 5; i <= NF; i++) {
				split($i, kv, "=")
				f[kv[1]] = kv[2]
			}
		}
		n == 1 {
			if ($3 != "status")
				bad("first message is " $3 ", not status")
			if (f["shape"] != vshape)
				bad("status shape " f["shape"] " != " vshape)
			last = status = $4 + 0
			next
		}
		$3 == "status" { bad("a second status") }
		$3 == "preview" {
			split(pshape, d, ",")
			if (f["shape"] != pshape)
				bad("preview shape " f["shape"] " != " pshape)
			if (f["len"] != d[1] * d[2] * d[3])
				bad("preview payload " f["len"] " bytes")
			if (f["skipped"] != 0)
				bad("a preview skipped " f["skipped"])
			previews++
		}
		$3 == "progress" { progress = f["progress"] }
		# A fresh subscription: the latest preview, then the terminal
		# message of a finished job, keep their own seqs.
		!live && $4 + 0 <= status {
			if (n > 3 || (n == 2 && $3 != "preview" &&
			    $3 != "completed" && $3 != "error") ||
			    (n == 3 && $3 != "completed" && $3 != "error"))
				bad("old " $3 " " $4 " after status")
			next
		}
		{
			if ($4 + 0 != last + 1)
				bad("seq " $4 " after " last)
			last = $4 + 0
			live++
		}
		END {
			if (previews < 1) bad("no preview")
			print FILENAME ": " n " messages, " live + 0 " live, " \
			    "last progress " progress
			exit failed
		}' "$T/$1.out" || fail "$1: stream breaks the protocol"
}

start_daemon
create_job '{"shape":[20,40,60],"duration_s":2,"seed":3,"preview":{"hz":5,"scale":2}}'
url=$(ws_url "$JOB_ID")

# A live subscriber, from the start to the end.
probe live -u "$url" -a "$JOB_TOKEN" -t 15
[ "$PROBE_RC" -eq 0 ] || fail "live: wsprobe exited $PROBE_RC"
check_stream live 20,40,60 10,20,30
[ "$(grep -c '^msg .* preview ' "$T/live.out")" -ge 8 ] ||
    fail "live: fewer than 8 previews in 2 s at 5 Hz"
grep '^msg ' "$T/live.out" | tail -n 1 |
    grep -q '^msg [0-9]* completed [0-9]* .*state=succeeded' ||
    fail "live: the last message is not completed/succeeded"
grep -q '^msg .* progress .*progress=100 ' "$T/live.out" ||
    fail "live: no progress 100"
sed -n '/ completed /,$p' "$T/live.out" | grep -q '^close 1000' ||
    fail "live: no close 1000 after completed"

# A subscriber of the finished job: status, latest preview, completed.
probe late -u "$url" -a "$JOB_TOKEN" -t 5
[ "$PROBE_RC" -eq 0 ] || fail "late: wsprobe exited $PROBE_RC"
check_stream late 20,40,60 10,20,30
grep -q '^msg [0-9]* status .*state=succeeded progress=100 ' "$T/late.out" ||
    fail "late: status does not say succeeded, 100"
[ "$(grep -c '^msg ' "$T/late.out")" -eq 3 ] ||
    fail "late: not status, preview, completed"
grep '^msg ' "$T/late.out" | tail -n 1 | grep -q ' completed ' ||
    fail "late: the last message is not completed"
grep -q '^close 1000' "$T/late.out" || fail "late: no close 1000"
exit 0
