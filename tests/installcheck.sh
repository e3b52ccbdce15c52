#!/bin/sh
# installcheck.sh: what make installcheck checks in an installed tree
# (under DESTDIR when given): the programs run (--version), the
# installed configuration files pass the daemons' -n, the systemd units
# name the installed programs and pass systemd-analyze verify, the
# sysusers.d file makes the maskstream user in a scratch root, and nginx
# -t accepts the installed nginx files, without a warning, in a scratch
# nginx.conf that includes them as Debian's nginx.conf does (conf.d at
# the http level, the site, its snippet by the relative path the site
# uses).  Only the site's two log paths are moved into the scratch
# directory, so that the check writes nothing outside it.
#
# make passes DESTDIR, VERSION, sbindir, bindir, sysconfdir, mandir,
# systemdsystemunitdir, sysusersdir, tmpfilesdir and nginxconfdir (empty
# when not installed), NGINX_PROG and SYSTEMD_ANALYZE (empty when
# missing).  (Not NGINX: nginx reads that variable itself.)
set -eu

root=${DESTDIR:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-installcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "installcheck: FAIL: $*" >&2
	fails=$((fails + 1))
}

ok() {
	echo "installcheck: ok: $*"
}

# Runs "$@" with its output in $tmp/out; its status in rc.
run() {
	rc=0
	"$@" >"$tmp/out" 2>&1 || rc=$?
}

check_versions() {
	# The viewer is there with --enable-xclient (the default).
	viewer=""
	[ ! -e "$root$bindir/maskstream-view" ] || viewer=$bindir/maskstream-view
	for p in "$sbindir/ws-streamer" "$sbindir/fcgi-api" \
	    "$bindir/maskstreamctl" "$bindir/maskstream-publish" $viewer; do
		name=$(basename "$p")
		run "$root$p" --version
		if [ "$rc" -eq 0 ] &&
		    [ "$(cat "$tmp/out")" = "$name (maskstream) $VERSION" ]; then
			ok "$p --version"
		else
			fail "$p --version: status $rc: $(cat "$tmp/out")"
		fi
	done
}

check_configs() {
	for d in ws-streamer fcgi-api; do
		conf=$sysconfdir/maskstream/$d.conf
		[ -f "$root$conf" ] || { fail "$conf is not installed"; continue; }
		run "$root$sbindir/$d" -n -f "$root$conf"
		if [ "$rc" -eq 0 ] && grep -q '^configuration OK$' "$tmp/out"
		then
			ok "$d -n -f $conf"
		else
			fail "$d -n -f $conf: status $rc: $(cat "$tmp/out")"
		fi
	done
}

check_units() {
	[ -n "$systemdsystemunitdir" ] || return 0
	dir=$root$systemdsystemunitdir
	for u in maskstream-streamer.service maskstream-streamer@.service \
	    maskstream-api.service maskstream-api.socket; do
		[ -f "$dir/$u" ] || fail "$systemdsystemunitdir/$u is missing"
	done
	grep -q "^ExecStart=$sbindir/ws-streamer \$SHARD_FLAGS$" \
	    "$dir/maskstream-streamer@.service" ||
	    fail "maskstream-streamer@.service does not start $sbindir/ws-streamer"
	for d in ws-streamer fcgi-api; do
		u=maskstream-streamer.service
		[ "$d" = fcgi-api ] && u=maskstream-api.service
		grep -qx "ExecStart=$sbindir/$d" "$dir/$u" ||
		    fail "$u does not start $sbindir/$d"
	done
	if [ -z "$SYSTEMD_ANALYZE" ]; then
		echo "installcheck: systemd-analyze is not installed: the" \
		    "units are not verified"
		return 0
	fi
	# verify checks that the programs exist and the man pages of
	# Documentation= are there: under DESTDIR, in copies that name them
	# there (verify --root would miss the rest of the system).
	mkdir -p "$tmp/units"
	for u in maskstream-streamer.service maskstream-streamer@.service \
	    maskstream-api.service maskstream-api.socket; do
		sed -e "s|^\(Exec[A-Za-z]*=\)$sbindir/|\1$root$sbindir/|" \
		    "$dir/$u" >"$tmp/units/$u"
	done
	MANPATH=$root$mandir: run "$SYSTEMD_ANALYZE" verify \
	    "$tmp/units/maskstream-streamer.service" \
	    "$tmp/units/maskstream-streamer@1.service" \
	    "$tmp/units/maskstream-api.service" \
	    "$tmp/units/maskstream-api.socket"
	if [ "$rc" -eq 0 ] && ! grep -q maskstream "$tmp/out"; then
		ok "systemd-analyze verify"
	else
		fail "systemd-analyze verify: status $rc: $(cat "$tmp/out")"
	fi
}

# systemd-sysusers, into a scratch root, makes the user and group.
check_sysusers() {
	[ -n "$sysusersdir" ] || return 0
	f=$root$sysusersdir/maskstream.conf
	[ -f "$f" ] || { fail "$sysusersdir/maskstream.conf is missing"; return; }
	[ -n "$tmpfilesdir" ] && [ ! -f "$root$tmpfilesdir/maskstream.conf" ] &&
	    fail "$tmpfilesdir/maskstream.conf is missing"
	command -v systemd-sysusers >/dev/null 2>&1 || return 0
	mkdir -p "$tmp/sysroot/etc"
	run systemd-sysusers --root="$tmp/sysroot" "$f"
	if [ "$rc" -eq 0 ] &&
	    grep -q '^maskstream:x:[0-9]*:[0-9]*:maskstream daemons:/var/lib/maskstream:' \
	    "$tmp/sysroot/etc/passwd" &&
	    grep -q '^maskstream:x:' "$tmp/sysroot/etc/group"; then
		ok "systemd-sysusers makes the maskstream user and group"
	else
		fail "systemd-sysusers: status $rc: $(cat "$tmp/out")"
	fi
}

# nginx -t, without a warning, of a scratch nginx.conf in directory $1
# (with log/ in it) whose http block includes the files $3...; $2 says
# what they are.
nginx_check() {
	d=$1
	what=$2
	shift 2
	{
		echo "pid $d/nginx.pid;"
		echo "error_log $d/log/error.log;"
		echo "events {"
		echo "}"
		echo "http {"
		for f in "$@"; do
			echo "	include $f;"
		done
		echo "}"
	} >"$d/nginx.conf"
	run "$NGINX_PROG" -t -p "$d/" -e "$d/log/error.log" -c "$d/nginx.conf"
	if [ "$rc" -eq 0 ] && grep -q 'test is successful' "$tmp/out" &&
	    ! grep -q '\[\(warn\|emerg\|alert\|crit\)\]' "$tmp/out"; then
		ok "nginx -t accepts $what"
	else
		fail "nginx -t of $what: status $rc: $(cat "$tmp/out")"
	fi
}

check_nginx() {
	[ -n "$nginxconfdir" ] || return 0
	conf=$root$nginxconfdir
	for f in sites-available/maskstream snippets/maskstream-locations.conf \
	    conf.d/maskstream-http.conf; do
		[ -f "$conf/$f" ] || { fail "$nginxconfdir/$f is missing"; return; }
	done
	if [ -z "$NGINX_PROG" ]; then
		fail "nginx is not installed: apt-get install nginx"
		return
	fi
	mkdir -p "$tmp/nginx/log"
	ln -s "$conf/snippets" "$tmp/nginx/snippets"
	sed -e "s|/var/log/nginx/|$tmp/nginx/log/|" \
	    "$conf/sites-available/maskstream" >"$tmp/nginx/maskstream"
	grep -q "$tmp/nginx/log/maskstream-access.log" "$tmp/nginx/maskstream" ||
	    fail "the site does not log to /var/log/nginx/maskstream-access.log"
	nginx_check "$tmp/nginx" "the installed nginx files" \
	    "$conf/conf.d/maskstream-http.conf" "$tmp/nginx/maskstream"
}

# The front's site (several cells) alone, as on a front host.
check_nginx_front() {
	[ -n "$nginxconfdir" ] && [ -n "$NGINX_PROG" ] || return 0
	f=$root$nginxconfdir/sites-available/maskstream-front
	[ -f "$f" ] || { fail "$nginxconfdir/sites-available/maskstream-front is missing"; return; }
	mkdir -p "$tmp/front/log"
	sed -e "s|/var/log/nginx/|$tmp/front/log/|" "$f" >"$tmp/front/site"
	nginx_check "$tmp/front" "the front's site" "$tmp/front/site"
}

check_versions
check_configs
check_units
check_sysusers
check_nginx
check_nginx_front
if [ "$fails" -ne 0 ]; then
	echo "installcheck: $fails checks failed" >&2
	exit 1
fi
echo "installcheck: passed"
