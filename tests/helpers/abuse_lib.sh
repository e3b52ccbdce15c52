# abuse_lib.sh: what the abuse tests (abuse_*.test) add to rest_lib.sh:
# their helper programs, a job made over REST, waiting for a line in a
# file, and a daemon's open descriptors and resident memory.  Sourced
# by POSIX sh scripts after nothing else; each test calls rl_init.
. "$(dirname "$0")/../helpers/rest_lib.sh"

AB_WSPROBE=$rl_builddir/tests/helpers/wsprobe
AB_HALFOPEN=$rl_builddir/tests/helpers/halfopen
for ab_b in "$AB_WSPROBE" "$AB_HALFOPEN"; do
	[ -x "$ab_b" ] || rl_fail "no $ab_b (make check builds it)"
done

# POST /api/jobs with the specification $1 (more curl arguments may
# follow); sets AB_ID and AB_TOKEN.
ab_create_job() {
	rl_post "$@"
	rl_expect_status 201 "create $1"
	AB_ID=$(rl_json_str id)
	AB_TOKEN=$(rl_json_str token)
	[ ${#AB_ID} -eq 32 ] && [ -n "$AB_TOKEN" ] ||
	    rl_fail "create: no id or token in $RL_BODY"
}

# True when file $1 has at least $3 lines matching the extended regex $2.
ab_has_lines() {
	[ "$(grep -c -E -e "$2" "$1" 2>/dev/null)" -ge "$3" ]
}

# Waits up to $4 seconds for ab_has_lines $1 $2 $3.
ab_wait_lines() {
	rl_wait_for "$4" ab_has_lines "$1" "$2" "$3" ||
	    rl_fail "$(basename "$1"): fewer than $3 lines matching '$2'" \
	    "after $4 s: $(tail -n 3 "$1" 2>/dev/null | tr '\n' '|')"
}

# Open descriptors and resident set (kB) of process $1.
ab_fds() {
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

ab_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

ab_now_ms() {
	date +%s%3N
}
