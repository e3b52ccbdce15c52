#!/bin/bash
# ws_encoding.sh: previews in base64 and in deflate+base64.  An unknown
# encoding is refused with 400 before the upgrade; a job whose subscribers
# all use base64 costs no deflate encoding (the stats counters); two
# subscribers of one job, one per encoding, get the same masks for every
# seq, the deflate ones smaller; the control channel's subscribe takes
# the encoding too.
. "$(dirname "$0")/lib.sh"

# A counter of the stats op.
counter() {
	ctl '{"version":1,"op":"stats"}' |
	    sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p"
}

# Mean of bytes= over the preview lines of $T/$1.out.
preview_bytes() {
	awk '$1 == "msg" && $3 == "preview" {
		for (i = 4; i <= NF; i++)
			if ($i ~ /^bytes=/) { s += substr($i, 7); n++ }
	} END { if (n) printf "%d\n", s / n; else print 0 }' "$T/$1.out"
}

start_daemon
create_job '{"shape":[16,16,16],"duration_s":0,"seed":3,"preview":{"hz":10,"scale":1}}'

for enc in gzip deflate+base64 Deflate ''; do
	probe bad -u "$(ws_url "$JOB_ID" "encoding=$enc")" -a "$JOB_TOKEN" -t 5
	[ "$PROBE_RC" -eq 2 ] && grep -q '^refused 400$' "$T/bad.out" ||
	    fail "encoding=$enc: not refused with 400 (wsprobe exit $PROBE_RC)"
done

# Only base64 subscribers: no deflate encoding at all.
mkdir "$T/only"
probe only -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -e base64 -n 8 -t 10 \
    -d "$T/only"
[ "$PROBE_RC" -eq 0 ] || fail "base64 subscriber: wsprobe exited $PROBE_RC"
[ "$(grep -c ' preview .*encoding=base64 ' "$T/only.out")" -ge 3 ] ||
    fail "base64 subscriber: fewer than 3 base64 previews"
[ "$(counter encodes_deflate)" = 0 ] ||
    fail "deflate encodes with base64 subscribers only: $(counter encodes_deflate)"
[ "$(counter encodes_base64)" -ge 3 ] || fail "no base64 encodes counted"

# One job, both encodings at once: identical masks per seq.
mkdir "$T/b" "$T/z"
probe_bg b -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -e base64 -n 20 -t 20 \
    -d "$T/b"
pid_b=$PROBE_PID
probe_bg z -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -e deflate -n 20 -t 20 \
    -d "$T/z"
pid_z=$PROBE_PID
wait_probe "$pid_b"
[ "$PROBE_RC" -eq 0 ] || fail "base64 subscriber: wsprobe exited $PROBE_RC"
wait_probe "$pid_z"
[ "$PROBE_RC" -eq 0 ] || fail "deflate subscriber: wsprobe exited $PROBE_RC"
grep -q ' preview .*encoding=deflate+base64 ' "$T/z.out" ||
    fail "no deflate+base64 preview"
common=0
for f in "$T"/z/*.bin; do
	[ -f "$T/b/${f##*/}" ] || continue
	cmp -s "$f" "$T/b/${f##*/}" || fail "seq ${f##*/}: masks differ"
	common=$((common + 1))
done
[ "$common" -ge 3 ] || fail "only $common previews seen by both"
[ "$(counter encodes_deflate)" -ge 3 ] || fail "deflate encodes not counted"
b64=$(preview_bytes b)
z=$(preview_bytes z)
echo "$common common previews; mean bytes base64 $b64, deflate+base64 $z"
[ "$z" -lt "$b64" ] || fail "deflate previews ($z bytes) not smaller than base64 ($b64)"

# The control channel: subscribe with "encoding":"deflate".
req="{\"version\":1,\"op\":\"subscribe\",\"id\":\"$JOB_ID\",\"encoding\":\"deflate\"}"
lines=$({ printf '%s\n' "$req"; sleep 5; } |
    timeout 10 socat - "UNIX-CONNECT:$CTL_SOCK" 2>/dev/null | head -n 3)
case $(printf '%s\n' "$lines" | sed -n 3p) in
*'"type":"preview"'*'"encoding":"deflate+base64","length":4096,'*) ;;
*) fail "control subscribe with deflate: $(printf '%s\n' "$lines" | cut -c1-200)" ;;
esac
req="{\"version\":1,\"op\":\"subscribe\",\"id\":\"$JOB_ID\",\"encoding\":\"lz4\"}"
case $(ctl "$req") in
*'"code":"bad_request"'*'encoding'*) ;;
*) fail "control subscribe with lz4 not refused" ;;
esac
