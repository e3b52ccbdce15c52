/*
 * main.c: ws-streamer's start, event loop and end.  It reads the
 * configuration, creates the sockets (WebSocket on a Unix socket and
 * optionally TCP, control on a second Unix socket) in one libwebsockets
 * context on a libev loop (epoll), drops privileges, recovers the jobs
 * from the state directory's journal, and serves until SIGTERM; SIGHUP
 * reloads.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <libwebsockets.h>

#include "daemon.h"
#include "keepalive.h"
#include "log.h"
#include "notify.h"
#include "pidfile.h"
#include "streamer.h"
#include "unixsock.h"

/* MS_SYSCONFDIR: configure's sysconfdir, /etc in the Debian package. */
#define DEFAULT_CONFIG		MS_SYSCONFDIR "/maskstream/ws-streamer.conf"
#define SHUTDOWN_GRACE_US	(3 * 1000000)
/*
 * lws 4.1.6's libev glue re-arms its one timer only when it fires: an
 * lws timer (sul) scheduled for earlier than the armed time waits for
 * it.  So the jobs' ticks and the shutdown grace run on timers of our
 * own on the loop, and lws's timer keeps to the keepalive sweep: lws's
 * own timeouts are late by at most KEEPALIVE_SWEEP_US.
 */
#define KEEPALIVE_SWEEP_US	1000000

/* Settings given on the command line win over the file, also on reload. */
struct flags {
	const char	*config;
	const char	*ws_socket;
	const char	*ws_listen;
	const char	*control_socket;
	const char	*pidfile;
	const char	*state_dir;
	long long	 cell;		/* -1: the file's */
	long long	 shard;
	int		 debug;
	int		 foreground;
	int		 check_only;
};

static struct streamer		 the_streamer;
struct streamer			*streamer = &the_streamer;
static struct flags		 flags;
static volatile sig_atomic_t	 got_term;
static volatile sig_atomic_t	 got_hup;
static lws_sorted_usec_list_t	 keepalive_sul;
static struct ev_loop		*loop;
static ev_timer			 sched_timer;
static ev_timer			 grace_timer;
static int			 grace_over;
/* All zero: lws's own keepalive is off, keepalive.c pings instead. */
static const lws_retry_bo_t	 retry;
static struct journal		 journal = { .fd = -1, .dirfd = -1 };

/* On stdout when asked for (-h, --help), else on stderr. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == DAEMON_EXIT_OK ? stdout : stderr,
	    "usage: ws-streamer [-dhnv] [-c control_socket] "
	    "[-f config] [-l host:port]\n"
	    "                   [-p pidfile] [-S state_dir] [-s ws_socket]\n"
	    "                   [--cell n] [--shard n]\n"
	    "       ws-streamer --help | --version\n");
	exit(status);
}

static void __attribute__((noreturn))
version(void)
{
	printf("ws-streamer (maskstream) %s\n", PACKAGE_VERSION);
	exit(DAEMON_EXIT_OK);
}

/* Defaults, then the file, then the flags; 0, or -1 with err. */
static int
load_settings(struct settings *set, char *err, size_t errlen)
{
	const char *path = flags.config;

	settings_defaults(set);
	if (path == NULL && access(DEFAULT_CONFIG, F_OK) == 0)
		path = DEFAULT_CONFIG;
	if (path != NULL && settings_load(set, path, err, errlen) == -1)
		return -1;
	daemon_override(&set->ws_socket, flags.ws_socket);
	daemon_override(&set->ws_listen, flags.ws_listen);
	daemon_override(&set->control_socket, flags.control_socket);
	daemon_override(&set->pidfile, flags.pidfile);
	daemon_override(&set->state_dir, flags.state_dir);
	if (flags.debug)
		daemon_override(&set->log_level, "debug");
	if (flags.cell >= 0)
		set->cell = flags.cell;
	if (flags.shard >= 0)
		set->shard = flags.shard;
	return settings_check(set, err, errlen);
}

static void
apply_log_settings(const struct settings *set)
{
	/* A daemon has no stderr left: it logs to syslog. */
	log_configure("ws-streamer", set->syslog || !flags.foreground,
	    set->log_level);
}

static void
lws_log(int level, const char *line)
{
	size_t n = strcspn(line, "\n");

	if (level & LLL_ERR)
		log_warnx("lws: %.*s", (int)n, line);
	else
		log_debug("lws: %.*s", (int)n, line);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	if (streamer->ctx != NULL)
		lws_cancel_service(streamer->ctx);
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Moves the running value into the new settings, dropping the new one. */
static void
keep(char **next, char **cur)
{
	free(*next);
	*next = *cur;
	*cur = NULL;
}

/*
 * Settings that take effect on SIGHUP.  Socket paths, the pidfile and
 * the user are fixed at start: changing them needs a restart.
 */
static void
reload(void)
{
	struct settings next, *cur = &streamer->set;
	struct registry *reg = &streamer->reg;
	char err[512];

	if (load_settings(&next, err, sizeof(err)) == -1) {
		log_warnx("reload: %s; keeping the running configuration",
		    err);
		settings_free(&next);
		return;
	}
	/* lws keeps pointers to the socket paths: they move, not copies. */
	keep(&next.ws_socket, &cur->ws_socket);
	keep(&next.control_socket, &cur->control_socket);
	keep(&next.ws_listen, &cur->ws_listen);
	keep(&next.state_dir, &cur->state_dir);
	next.ping_s = cur->ping_s;
	next.hangup_s = cur->hangup_s;
	if (next.cell != cur->cell || next.shard != cur->shard)
		log_warnx("reload: cell and shard are fixed at start (the ids "
		    "of this streamer's jobs name them); keeping cell %lld, "
		    "shard %lld", cur->cell, cur->shard);
	next.cell = cur->cell;
	next.shard = cur->shard;
	next.socket_mode = cur->socket_mode;
	keep(&next.socket_group, &cur->socket_group);
	settings_free(cur);
	*cur = next;
	apply_log_settings(cur);
	registry_configure(reg, cur);
	log_info("reload: configuration reloaded (socket paths and access, "
	    "ping_s, hangup_s, pidfile, state_dir, user, cell and shard need "
	    "a restart; ring sizes apply to new jobs)");
}

static void
grace_expired(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	grace_over = 1;
}

/* READY=1 for systemd, with the jobs in its status line. */
static void
notify_serving(const char *what)
{
	char status[256];

	snprintf(status, sizeof(status), "%s: %zu jobs (%zu running), "
	    "epoch %s", what, streamer->reg.njobs, streamer->reg.nrunning,
	    streamer->reg.epoch);
	notify_ready(status);
}

/* Runs in the loop after lws_cancel_service(): signals, at most once each. */
void
streamer_event(void)
{
	if (got_hup) {
		got_hup = 0;
		notify_reloading();
		reload();
		notify_serving("reloaded");
	}
	if (got_term && !streamer->stopping) {
		streamer->stopping = 1;
		notify_stopping();
		log_info("shutting down: closing %zu WebSocket and %zu "
		    "control connections",
		    (size_t)streamer->reg.stats.ws_connections,
		    (size_t)streamer->reg.stats.control_connections);
		lws_callback_on_writable_all_protocol(streamer->ctx,
		    &ws_protocols[0]);
		lws_callback_on_writable_all_protocol(streamer->ctx,
		    &control_protocols[0]);
		ev_timer_set(&grace_timer, SHUTDOWN_GRACE_US / 1e6, 0.);
		ev_timer_start(loop, &grace_timer);
	}
}

static void
sched_fire(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	job_run_due(&streamer->reg, now_mono_us());
	streamer_arm();
}

/* The keepalive sweep's hooks: a WebSocket writes its ping at WRITEABLE. */
static void
keepalive_ping(void *conn)
{
	lws_callback_on_writable(conn);
}

static void
keepalive_hangup(void *conn)
{
	lws_set_timeout(conn, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void
keepalive_fire(lws_sorted_usec_list_t *sul)
{
	static const struct keepalive_hooks hooks = {
		keepalive_ping, keepalive_hangup
	};
	const struct settings *set = &streamer->set;

	(void)sul;
	keepalive_sweep(now_mono_us(), set->ping_s * 1000000,
	    set->hangup_s * 1000000, &hooks);
	lws_sul_schedule(streamer->ctx, 0, &keepalive_sul, keepalive_fire,
	    KEEPALIVE_SWEEP_US);
}

/* Arms the one timer for the earliest due job. */
void
streamer_arm(void)
{
	struct dueheap_item *it = dueheap_peek(&streamer->reg.due);
	int64_t delay;

	ev_timer_stop(loop, &sched_timer);
	if (it == NULL)
		return;
	/* libev counts from the time it read when the loop woke. */
	ev_now_update(loop);
	delay = it->due - now_mono_us();
	ev_timer_set(&sched_timer, delay > 0 ? delay / 1e6 : 0., 0.);
	ev_timer_start(loop, &sched_timer);
}

static int
parse_listen(const char *spec, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(spec, ':');
	char *end;
	long p;

	if (colon == NULL || colon == spec ||
	    (size_t)(colon - spec) >= hostlen)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p < 1 || p > 65535)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	*port = (int)p;
	return 0;
}

static void
set_socket_access(const char *path, const struct settings *set)
{
	struct group *gr;

	if (chmod(path, set->socket_mode) == -1)
		fatal("chmod \"%s\"", path);
	if (set->socket_group == NULL)
		return;
	if ((gr = getgrnam(set->socket_group)) == NULL)
		fatalx("socket_group \"%s\": no such group", set->socket_group);
	if (chown(path, (uid_t)-1, gr->gr_gid) == -1)
		fatal("chown \"%s\"", path);
}

static void
unix_vhost(const char *name, const char *path,
    const struct lws_protocols *protocols, int raw)
{
	const struct settings *set = &streamer->set;
	struct lws_context_creation_info info;
	const char *errstr;
	mode_t old;

	if (unixsock_prepare(path, &errstr) == -1)
		fatalx("%s socket \"%s\": %s", name, path, errstr);
	memset(&info, 0, sizeof(info));
	info.vhost_name = name;
	info.options = LWS_SERVER_OPTION_UNIX_SOCK;
	info.iface = path;
	info.protocols = protocols;
	if (raw) {
		info.options |= LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
		info.listen_accept_role = "raw-skt";
		info.listen_accept_protocol = protocols[0].name;
	} else
		info.retry_and_idle_policy = &retry;
	/* Never a moment with the socket open to everyone. */
	old = umask(~set->socket_mode & 0777);
	if (lws_create_vhost(streamer->ctx, &info) == NULL)
		fatalx("%s socket \"%s\": cannot listen", name, path);
	umask(old);
	set_socket_access(path, set);
	log_info("%s: listening on \"%s\"", name, path);
}

static void
tcp_vhost(const char *spec)
{
	struct lws_context_creation_info info;
	/* lws keeps the pointer for the vhost's life. */
	static char host[256];
	int port;

	if (parse_listen(spec, host, sizeof(host), &port) == -1)
		fatalx("ws_listen \"%s\": host:port expected", spec);
	memset(&info, 0, sizeof(info));
	info.vhost_name = "ws-tcp";
	info.iface = host;
	info.port = port;
	info.protocols = ws_protocols;
	info.retry_and_idle_policy = &retry;
	if (lws_create_vhost(streamer->ctx, &info) == NULL)
		fatalx("ws_listen \"%s\": cannot listen", spec);
	log_info("ws-tcp: listening on %s", spec);
}

static void
create_context(void)
{
	const struct settings *set = &streamer->set;
	struct lws_context_creation_info info;
	void *foreign[1];

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
	/* epoll through libev: lws's own loop would poll(2) every socket. */
	if ((loop = ev_loop_new(EVBACKEND_EPOLL)) == NULL)
		fatalx("cannot create the event loop (libev with epoll)");
	ev_timer_init(&sched_timer, sched_fire, 0., 0.);
	ev_timer_init(&grace_timer, grace_expired, 0., 0.);
	foreign[0] = loop;
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
	    LWS_SERVER_OPTION_LIBEV;
	info.foreign_loops = foreign;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.uid = (uid_t)-1;
	info.gid = (gid_t)-1;
	if ((streamer->ctx = lws_create_context(&info)) == NULL)
		fatalx("cannot create the libwebsockets context (its libev "
		    "plugin is in the Debian package libwebsockets-evlib-ev)");
	if (set->ws_socket != NULL)
		unix_vhost("ws", set->ws_socket, ws_protocols, 0);
	if (set->ws_listen != NULL)
		tcp_vhost(set->ws_listen);
	unix_vhost("control", set->control_socket, control_protocols, 1);
}

/* A cell or shard number, 0..ID_PLACE_MAX, or the usage and exit 64. */
static long long
place_flag(const char *name, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 ||
	    v > ID_PLACE_MAX) {
		fprintf(stderr, "ws-streamer: %s must be a number in 0..%d\n",
		    name, ID_PLACE_MAX);
		usage(DAEMON_EXIT_USAGE);
	}
	return v;
}

static void
parse_flags(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "cell", required_argument, NULL, 'C' },
		{ "shard", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	flags.foreground = 1;
	flags.cell = flags.shard = -1;
	while ((ch = getopt_long(argc, argv, "c:df:hl:np:S:s:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': flags.control_socket = optarg; break;
		case 'd': flags.foreground = 0; break;
		case 'f': flags.config = optarg; break;
		case 'h': usage(DAEMON_EXIT_OK);
		case 'l': flags.ws_listen = optarg; break;
		case 'n': flags.check_only = 1; break;
		case 'p': flags.pidfile = optarg; break;
		case 'S': flags.state_dir = optarg; break;
		case 's': flags.ws_socket = optarg; break;
		case 'v': flags.debug = 1; break;
		case 'V': version();
		case 'C': flags.cell = place_flag("--cell", optarg); break;
		case 'H': flags.shard = place_flag("--shard", optarg); break;
		default: usage(DAEMON_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(DAEMON_EXIT_USAGE);
}

static void
serve(void)
{
	for (;;) {
		ev_run(loop, EVRUN_ONCE);
		if (streamer->stopping && (grace_over ||
		    streamer->reg.stats.ws_connections +
		    streamer->reg.stats.control_connections == 0))
			break;
	}
}

/*
 * As the user that runs the streamer: the jobs of the journal come back
 * before the loop serves anyone (connections wait in the backlog).
 */
static void
recover(const char *dir)
{
	struct journal_stats st;
	const char *errstr;
	int64_t t0 = now_mono_us();

	if (journal_open(&journal, dir, &errstr) == -1) {
		int status = errno == EWOULDBLOCK ?
		    DAEMON_EXIT_ALREADY_RUNNING : DAEMON_EXIT_CANTCREAT;

		log_warnx("state_dir \"%s\": %s", dir, errstr);
		exit(status);
	}
	if (registry_recover(&streamer->reg, &journal, &st, &errstr) == -1) {
		log_warnx("state_dir \"%s\": %s", dir, errstr);
		exit(DAEMON_EXIT_CANTCREAT);
	}
	log_info("recovered %zu jobs (%zu running) from %zu records in "
	    "%lld ms%s, %zu damaged records skipped", streamer->reg.njobs,
	    streamer->reg.nrunning, st.records,
	    (long long)(now_mono_us() - t0) / 1000,
	    st.torn ? ", a torn last record skipped" : "", st.skipped);
	streamer_arm();
	lws_sul_schedule(streamer->ctx, 0, &keepalive_sul, keepalive_fire,
	    KEEPALIVE_SWEEP_US);
}

static void
cleanup(struct pidfile *pf)
{
	const struct settings *set = &streamer->set;
	struct lws_context *ctx = streamer->ctx;

	/* A late signal must not reach a context being destroyed. */
	streamer->ctx = NULL;
	lws_context_destroy(ctx);
	ev_timer_stop(loop, &sched_timer);
	ev_timer_stop(loop, &grace_timer);
	ev_loop_destroy(loop);
	registry_free(&streamer->reg);
	journal_close(&journal);
	if (set->ws_socket != NULL)
		unlink(set->ws_socket);
	unlink(set->control_socket);
	if (pf != NULL)
		pidfile_remove(pf);
	settings_free(&streamer->set);
}

int
main(int argc, char **argv)
{
	struct settings *set = &streamer->set;
	struct pidfile *pf = NULL;
	const char *errstr;
	char err[512];

	daemon_guard_fds();
	log_init("ws-streamer", 0, LOG_LEVEL_INFO);
	parse_flags(argc, argv);
	if (load_settings(set, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		exit(DAEMON_EXIT_CONFIG);
	}
	if (flags.check_only) {
		printf("configuration OK\n");
		exit(DAEMON_EXIT_OK);
	}
	apply_log_settings(set);
	if (set->pidfile != NULL)
		pf = daemon_lock_pidfile(set->pidfile);
	if (registry_init(&streamer->reg, set) == -1)
		fatalx("out of memory for the job registry");
	streamer->reg.wake = fanout_wake_job;
	streamer->reg.dropping = fanout_job_dropping;
	setup_signals();
	create_context();
	if (!flags.foreground && daemon_detach() == -1)
		fatal("cannot become a daemon");
	ev_loop_fork(loop);
	if (pf != NULL && pidfile_write(pf) == -1)
		fatal("pidfile \"%s\"", set->pidfile);
	if (journal_prepare(set->state_dir, set->user, &errstr) == -1) {
		log_warnx("state_dir \"%s\": %s", set->state_dir, errstr);
		exit(DAEMON_EXIT_CANTCREAT);
	}
	if (daemon_drop_privileges(set->user, &errstr) == -1)
		fatalx("user \"%s\": %s", set->user, errstr);
	recover(set->state_dir);
	log_info("ready: epoch %s, up to %lld running jobs",
	    streamer->reg.epoch, set->max_jobs);
	/* Only now: the journal is replayed and every socket listens. */
	notify_serving("journal replayed");
	serve();
	log_info("stopped");
	cleanup(pf);
	return DAEMON_EXIT_OK;
}
