#!/bin/bash
# ws_keepalive.sh: with ping_s 1 and hangup_s 3, a quiet WebSocket is
# pinged; a client that answers stays, one that does not is hung up on
# about hangup_s after the last message.  A client that is sent messages
# often is not pinged at all, answering or not.
. "$(dirname "$0")/lib.sh"

cat >"$T/streamer.conf" <<CONF
ping_s = 1
hangup_s = 3
CONF

# A raw client that sends the handshake and then nothing, holding the
# connection for at most $2 s: what it reads in $T/$1.raw, when the
# server hung up (or the time ran out) in $T/$1.end, in ms.
raw_client() {
	local name=$1 hold=$2

	{
		printf 'GET /ws/jobs/%s?token=%s HTTP/1.1\r\n' "$JOB_ID" \
		    "$JOB_TOKEN"
		printf 'Host: localhost\r\nUpgrade: websocket\r\n'
		printf 'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'
		printf 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
		sleep "$hold"
	} | {
		timeout "$((hold + 2))" socat - "UNIX-CONNECT:$WS_SOCK" \
		    >"$T/$name.raw" 2>/dev/null
		echo $(($(date +%s%N) / 1000000)) >"$T/$name.end"
	} &
	PROBE_PIDS+=("$!")
}

# Waits at most $2 s for raw client $1 to end.
wait_end() {
	local i

	for ((i = 0; i < $2 * 10; i++)); do
		[ -s "$T/$1.end" ] && return 0
		sleep 0.1
	done
	return 1
}

# Pings (opcode 9, unmasked, 8 bytes) the server sent in $T/$1.raw.
pings() {
	od -An -v -tx1 "$T/$1.raw" | tr -s ' \n' '\n\n' |
	    awk 'prev == "89" && $0 == "08" { n++ } { prev = $0 }
		END { print n + 0 }'
}

start_daemon -f "$T/streamer.conf"

# A preview every 10 s: quiet in between.
create_job '{"shape":[16,16,16],"duration_s":0,"seed":5,"preview":{"hz":0.1}}'
t0=$(($(date +%s%N) / 1000000))
raw_client silent 12
probe answering -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -t 7
grep -q '^timeout' "$T/answering.out" ||
    fail "a client that answers pings was hung up on"
wait_end silent 10 || fail "silent client: still open after 17 s"
held=$(($(cat "$T/silent.end") - t0))
n=$(pings silent)
echo "silent client: $n ping(s), hung up after $held ms"
[ "$n" -ge 1 ] || fail "silent client: never pinged"
# The intro is written at once: hangup_s (3 s) after it, plus up to one
# sweep (1 s) and slack for a loaded machine.
[ "$held" -ge 2500 ] && [ "$held" -le 7000 ] ||
    fail "silent client: hung up after $held ms, not about 3 s"

# Previews at 5 Hz: never quiet for ping_s, so no ping and no hangup.
create_job '{"shape":[16,16,16],"duration_s":0,"seed":6,"preview":{"hz":5}}'
raw_client busy 5
wait_end busy 10 || fail "busy client: socat still running after 10 s"
n=$(pings busy)
size=$(stat -c %s "$T/busy.raw")
echo "busy client: $n ping(s), $size bytes"
[ "$n" -eq 0 ] || fail "busy client: pinged $n times while messages flowed"
[ "$size" -gt 20000 ] || fail "busy client: only $size bytes in 5 s"
