#!/bin/bash
# deploy_flags.sh: the daemons and maskstreamctl answer --version and
# --help (and -h) on stdout with exit 0, as packaging, make installcheck
# and admins expect, and a bad option with the usage on stderr and 64.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$SRCDIR/build/default}
T=$(mktemp -d "/tmp/ms-deploy_flags.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: deploy_flags: $*" >&2
	exit 1
}

# Runs "$@"; its status in RC, its output in $T/out and $T/err.
run() {
	RC=0
	"$@" >"$T/out" 2>"$T/err" || RC=$?
}

for prog in ws-streamer/ws-streamer fcgi-api/fcgi-api ctl/maskstreamctl; do
	name=$(basename "$prog")
	bin=$BUILDDIR/$prog
	[ -x "$bin" ] || fail "$bin is not built"
	run "$bin" --version
	[ "$RC" -eq 0 ] || fail "$name --version exited $RC"
	grep -Eqx "$name \(maskstream\) [0-9]+\.[0-9]+\.[0-9]+" "$T/out" ||
	    fail "$name --version printed \"$(cat "$T/out")\""
	[ ! -s "$T/err" ] || fail "$name --version wrote to stderr"
	for h in -h --help; do
		run "$bin" "$h"
		[ "$RC" -eq 0 ] || fail "$name $h exited $RC"
		grep -q "^usage: $name " "$T/out" ||
		    fail "$name $h: no usage on stdout"
		[ ! -s "$T/err" ] || fail "$name $h wrote to stderr"
	done
	run "$bin" --no-such-option
	[ "$RC" -eq 64 ] || fail "$name --no-such-option exited $RC, not 64"
	grep -q "usage: $name " "$T/err" || fail "$name: no usage on stderr"
	[ ! -s "$T/out" ] || fail "$name --no-such-option wrote to stdout"
done
echo "PASS: deploy_flags"
