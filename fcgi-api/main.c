/*
 * main.c: fcgi-api's start and end.  It listens on a Unix socket named
 * on its command line, or takes the listening socket inherited on fd 0
 * (spawn-fcgi, systemd socket activation), runs the worker threads, and
 * waits for signals: SIGTERM ends it after the requests in progress,
 * SIGHUP reloads the configuration and the API keys file.
 */
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "peers.h"
#include "pidfile.h"
#include "unixsock.h"

/* MS_SYSCONFDIR: configure's sysconfdir, /etc in the Debian package. */
#define DEFAULT_CONFIG	MS_SYSCONFDIR "/maskstream/fcgi-api.conf"

struct flags {
	const char	*config;
	const char	*socket;
	const char	*control_socket;
	const char	*keys_file;
	const char	*pidfile;
	long		 threads;
	int		 debug;
	int		 foreground;
	int		 check_only;
};

static struct flags		flags;
static struct api_settings	settings;
static struct api_keys		keys;
static struct peers		peers;

/* On stdout when asked for (-h, --help), else on stderr. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == DAEMON_EXIT_OK ? stdout : stderr,
	    "usage: fcgi-api [-dhnv] [-c control_socket] "
	    "[-f config] [-k keys_file]\n"
	    "                [-p pidfile] [-s socket] [-t threads]\n"
	    "       fcgi-api --help | --version\n");
	exit(status);
}

static void __attribute__((noreturn))
version(void)
{
	printf("fcgi-api (maskstream) %s\n", PACKAGE_VERSION);
	exit(DAEMON_EXIT_OK);
}

static int
load_settings(struct api_settings *set, char *err, size_t errlen)
{
	const char *path = flags.config;

	api_settings_defaults(set);
	if (path == NULL && access(DEFAULT_CONFIG, F_OK) == 0)
		path = DEFAULT_CONFIG;
	if (path != NULL && api_settings_load(set, path, err, errlen) == -1)
		return -1;
	daemon_override(&set->socket, flags.socket);
	daemon_override(&set->control_socket, flags.control_socket);
	daemon_override(&set->keys_file, flags.keys_file);
	daemon_override(&set->pidfile, flags.pidfile);
	if (flags.debug)
		daemon_override(&set->log_level, "debug");
	if (flags.threads > 0)
		set->threads = flags.threads;
	return api_settings_places(set, err, errlen);
}

static void
apply_log_settings(const struct api_settings *set)
{
	/* A daemon has no stderr left: it logs to syslog. */
	log_configure("fcgi-api", set->syslog || !flags.foreground,
	    set->log_level);
}

static void
load_keys(const struct api_settings *set, int at_start)
{
	char err[512];

	if (set->keys_file == NULL) {
		if (at_start)
			log_warnx("no keys_file: anyone who reaches the API "
			    "may create and list jobs");
		return;
	}
	if (keys_load(&keys, set->keys_file, err, sizeof(err)) == -1) {
		if (at_start)
			fatalx("keys_file: %s", err);
		log_warnx("reload: keys_file: %s; keeping the old keys", err);
		return;
	}
	log_info("API keys loaded from \"%s\"", set->keys_file);
}

/* Whether a and b name other shards, sockets or draining. */
static int
shards_differ(const struct api_settings *a, const struct api_settings *b)
{
	size_t i;

	if (a->nshards != b->nshards)
		return 1;
	for (i = 0; i < a->nshards; i++)
		if (a->shard_conf[i].number != b->shard_conf[i].number ||
		    a->shard_conf[i].draining != b->shard_conf[i].draining ||
		    strcmp(a->shard_conf[i].control_socket,
		    b->shard_conf[i].control_socket) != 0)
			return 1;
	return 0;
}

/* Whether a and b name other cells or addresses. */
static int
cells_differ(const struct api_settings *a, const struct api_settings *b)
{
	size_t i;

	if (a->ncells != b->ncells)
		return 1;
	for (i = 0; i < a->ncells; i++)
		if (a->cell_conf[i].number != b->cell_conf[i].number ||
		    strcmp(a->cell_conf[i].value, b->cell_conf[i].value) != 0)
			return 1;
	return 0;
}

/* Swaps *a and *b. */
static void
swap_string(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

/*
 * New shards or draining: the workers take them before their next
 * request, and settings keeps them (next, to be freed, the old ones).
 * A job is never sent elsewhere: its id names its shard.
 */
static void
apply_places(struct api_settings *next)
{
	struct api_shard_conf *conf;
	size_t n;

	if (server_set_places(next) == -1) {
		log_warnx("reload: out of memory; keeping the running shards");
		return;
	}
	swap_string(&settings.shards, &next->shards);
	swap_string(&settings.draining, &next->draining);
	swap_string(&settings.control_socket, &next->control_socket);
	conf = settings.shard_conf;
	n = settings.nshards;
	settings.shard_conf = next->shard_conf;
	settings.nshards = next->nshards;
	next->shard_conf = conf;
	next->nshards = n;
	log_info("reload: %zu shards of cell %lld", settings.nshards,
	    settings.cell);
}

/* Log settings, keys and shards take effect; the rest needs a restart. */
static void
reload(void)
{
	struct api_settings next;
	char err[512];

	if (load_settings(&next, err, sizeof(err)) == -1) {
		log_warnx("reload: %s; keeping the running configuration", err);
		api_settings_free(&next);
		return;
	}
	apply_log_settings(&next);
	if (next.keys_file != NULL && settings.keys_file != NULL &&
	    strcmp(next.keys_file, settings.keys_file) == 0)
		load_keys(&next, 0);
	else if (next.keys_file != NULL || settings.keys_file != NULL)
		log_warnx("reload: keys_file changed; restart to apply");
	if (cells_differ(&next, &settings) || next.cell != settings.cell)
		log_warnx("reload: cells or cell changed; restart to apply");
	next.cell = settings.cell;
	if (shards_differ(&next, &settings))
		apply_places(&next);
	api_settings_free(&next);
	log_info("reload: done");
}

static void
parse_flags(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	flags.foreground = 1;
	while ((ch = getopt_long(argc, argv, "c:df:hk:np:s:t:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': flags.control_socket = optarg; break;
		case 'd': flags.foreground = 0; break;
		case 'f': flags.config = optarg; break;
		case 'h': usage(DAEMON_EXIT_OK);
		case 'k': flags.keys_file = optarg; break;
		case 'n': flags.check_only = 1; break;
		case 'p': flags.pidfile = optarg; break;
		case 's': flags.socket = optarg; break;
		case 't':
			flags.threads = strtol(optarg, &end, 10);
			if (*end != '\0' || flags.threads < 1 ||
			    flags.threads > 256)
				usage(DAEMON_EXIT_USAGE);
			break;
		case 'v': flags.debug = 1; break;
		case 'V': version();
		default: usage(DAEMON_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(DAEMON_EXIT_USAGE);
}

/* fd 0 must be a listening socket when no socket path is given. */
static int
inherited_socket(void)
{
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1 ||
	    !listening)
		fatalx("no socket given (-s) and fd 0 is not a listening "
		    "socket");
	return 0;
}

static int
open_socket(const struct api_settings *set)
{
	const char *errstr;
	int fd;

	if (set->socket == NULL)
		return inherited_socket();
	/*
	 * SOMAXCONN, as systemd's sockets have: a burst of connections
	 * from nginx waits while every worker is busy instead of being
	 * refused (a 502).
	 */
	fd = unixsock_listen(set->socket, set->socket_mode, set->socket_group,
	    SOMAXCONN, &errstr);
	if (fd == -1) {
		log_warn("socket \"%s\": %s", set->socket, errstr);
		exit(DAEMON_EXIT_CANTCREAT);
	}
	log_info("listening on \"%s\"", set->socket);
	return fd;
}

/* The main thread only waits for signals. */
static void
wait_signals(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			notify_reloading();
			reload();
			notify_ready("reloaded");
		} else
			return;
	}
}

int
main(int argc, char **argv)
{
	struct pidfile *pf = NULL;
	const char *errstr;
	sigset_t set;
	char err[512];
	int fd;

	daemon_guard_fds();
	log_init("fcgi-api", 0, LOG_LEVEL_INFO);
	parse_flags(argc, argv);
	if (load_settings(&settings, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		exit(DAEMON_EXIT_CONFIG);
	}
	if (keys_init(&keys) == -1)
		fatalx("cannot initialise the keys lock");
	if (flags.check_only) {
		load_keys(&settings, 1);
		printf("configuration OK\n");
		exit(DAEMON_EXIT_OK);
	}
	apply_log_settings(&settings);
	load_keys(&settings, 1);
	if (settings.pidfile != NULL)
		pf = daemon_lock_pidfile(settings.pidfile);
	fd = open_socket(&settings);
	if (!flags.foreground && daemon_detach() == -1)
		fatal("cannot become a daemon");
	if (pf != NULL && pidfile_write(pf) == -1)
		fatal("pidfile \"%s\"", settings.pidfile);
	if (daemon_drop_privileges(settings.user, &errstr) == -1)
		fatalx("user \"%s\": %s", settings.user, errstr);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (peers_init(&peers, &settings) == -1)
		fatalx("libcurl does not start: the other cells cannot be "
		    "asked for their jobs");
	if (server_start(fd, &settings, &keys,
	    peers.n > 0 ? &peers.api : NULL) == -1)
		fatalx("cannot start %lld worker threads", settings.threads);
	if (settings.nshards == 1)
		log_info("ready: %lld workers, streamer at \"%s\"",
		    settings.threads, settings.shard_conf[0].control_socket);
	else
		log_info("ready: %lld workers, %zu shards of cell %lld",
		    settings.threads, settings.nshards, settings.cell);
	notify_ready("serving");
	wait_signals();
	notify_stopping();
	log_info("shutting down");
	server_stop();
	peers_free(&peers);
	if (settings.socket != NULL)
		unlink(settings.socket);
	if (pf != NULL)
		pidfile_remove(pf);
	keys_free(&keys);
	api_settings_free(&settings);
	return DAEMON_EXIT_OK;
}
