#!/bin/sh
# valgrind_scan.sh: the verdict of make check-valgrind.  Reads every
# valgrind log in directory $1 (one per daemon process the integration
# tests started under MASKSTREAM_WRAPPER) and fails when a process
# reported an error or a definite leak, or did not exit the normal way
# (no summary: killed, or still running).
set -u

dir=${1:?usage: valgrind_scan.sh logdir}
n=0
bad=0
for f in "$dir"/*.log; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$f" | head -n 1)
	errors=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' \
	    "$f" | tail -n 1)
	definite=$(sed -n 's/^==[0-9]*==  *definitely lost: \([0-9,]*\) bytes.*/\1/p' \
	    "$f" | tail -n 1 | tr -d ,)
	if [ -z "$errors" ]; then
		echo "valgrind: $f: no summary (the process did not exit):" \
		    "$cmd" >&2
		bad=$((bad + 1))
	elif [ "$errors" -ne 0 ] || [ "${definite:-0}" -ne 0 ]; then
		echo "valgrind: $f: $errors errors, ${definite:-0} bytes" \
		    "definitely lost: $cmd" >&2
		sed -n '/== Command:/,$p' "$f" | head -n 80 >&2
		bad=$((bad + 1))
	fi
done
if [ "$n" -eq 0 ]; then
	echo "valgrind: no logs in $dir: were the daemons wrapped?" >&2
	exit 1
fi
echo "valgrind: $n daemon processes checked, $bad with errors, definite" \
    "leaks or no clean exit"
[ "$bad" -eq 0 ]
