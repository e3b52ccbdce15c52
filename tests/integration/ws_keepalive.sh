#!/bin/bash
# ws_keepalive.sh: with ping_s 2 and hangup_s 4, a quiet WebSocket is
# pinged every ping_s; a client that answers stays, one that does not is
# hung up on about hangup_s after the last message, and so is one that
# stopped reading in the middle of a message.  A client that is sent
# messages often is not pinged at all, answering or not.
. "$(dirname "$0")/lib.sh"

cat >"$T/streamer.conf" <<CONF
ping_s = 2
hangup_s = 4
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

# A counter of the streamer's stats.
counter() {
	ctl '{"version":1,"op":"stats"}' | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
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

# A preview every 10 s: quiet in between.  Alone on the streamer for 9 s,
# an answering client is pinged every ping_s (2 s, on a 1 s sweep): 3 or
# 4 times, not at every sweep.
create_job '{"shape":[16,16,16],"duration_s":0,"seed":5,"preview":{"hz":0.1}}'
probe answering -u "$(ws_url "$JOB_ID")" -a "$JOB_TOKEN" -t 9
grep -q '^timeout' "$T/answering.out" ||
    fail "a client that answers pings was hung up on"
n=$(counter pings)
echo "answering client: $n pings in 9 s"
[ "$n" -ge 2 ] && [ "$n" -le 5 ] ||
    fail "answering client: $n pings in 9 s, not one per ping_s"
[ "$(counter ping_hangups)" -eq 0 ] || fail "a hangup with nobody silent"

t0=$(($(date +%s%N) / 1000000))
raw_client silent 14
wait_end silent 16 || fail "silent client: still open after 16 s"
held=$(($(cat "$T/silent.end") - t0))
n=$(pings silent)
echo "silent client: $n ping(s), hung up after $held ms"
[ "$n" -ge 1 ] || fail "silent client: never pinged"
# The intro is written at once: hangup_s (4 s) after it, plus up to one
# sweep (1 s) and slack for a loaded machine.
[ "$held" -ge 3500 ] && [ "$held" -le 9000 ] ||
    fail "silent client: hung up after $held ms, not about 4 s"
[ "$(counter ping_hangups)" -eq 1 ] || fail "ping_hangups is not 1"

# Previews at 5 Hz: never quiet for ping_s, so no ping and no hangup.
create_job '{"shape":[16,16,16],"duration_s":0,"seed":6,"preview":{"hz":5}}'
raw_client busy 5
wait_end busy 10 || fail "busy client: socat still running after 10 s"
n=$(pings busy)
size=$(stat -c %s "$T/busy.raw")
echo "busy client: $n ping(s), $size bytes"
[ "$n" -eq 0 ] || fail "busy client: pinged $n times while messages flowed"
[ "$size" -gt 20000 ] || fail "busy client: only $size bytes in 5 s"

# A finished job with a 2.8 MB preview, and a client that reads nothing:
# the intro stays half written, no message is broadcast any more (so the
# slow_s rule never looks), and the ping cannot be written.  It is hung
# up on all the same.
create_job '{"shape":[128,128,128],"duration_s":0.2,"seed":7,"preview":{"hz":5,"scale":1}}'
sleep 1
before=$(counter ping_hangups)
{
	printf 'GET /ws/jobs/%s?token=%s HTTP/1.1\r\n' "$JOB_ID" "$JOB_TOKEN"
	printf 'Host: localhost\r\nUpgrade: websocket\r\n'
	printf 'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'
	printf 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
	sleep 15
} | timeout 16 socat -u - "UNIX-CONNECT:$WS_SOCK" &
PROBE_PIDS+=("$!")
for ((i = 0; i < 100; i++)); do
	[ "$(counter ws_connections)" = 1 ] && break
	sleep 0.1
done
[ "$(counter ws_connections)" = 1 ] || fail "stuck client: never connected"
for ((i = 0; i < 100; i++)); do
	[ "$(counter ws_connections)" = 0 ] && break
	sleep 0.1
done
[ "$(counter ws_connections)" = 0 ] || fail "stuck client: open after 10 s"
[ "$(counter ping_hangups)" -eq $((before + 1)) ] ||
    fail "stuck client: closed, but not by the keepalive"
echo "stuck client: hung up"
