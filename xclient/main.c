/*
 * main.c: maskstream-view's start and its one event loop.  libwebsockets
 * waits on the network and, through an adopted descriptor, on the X
 * connection together; nothing spins and nothing sleeps.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "create.h"
#include "daemon.h"
#include "net.h"
#include "now.h"
#include "view.h"
#include "window.h"

static struct options		 opt;
static struct model		 model;
static struct net		 conn;
static struct window		 win;
static struct create		 creation;
static struct lws_context	*ctx;
static int			 have_window;
static int			 creating;
static lws_sorted_usec_list_t	 tick_sul;
static volatile sig_atomic_t	 got_signal;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: maskstream-view --url http://host:port --job ID "
	    "--token=TOKEN [options]\n"
	    "       maskstream-view --url http://host:port --create ZxYxX "
	    "[--duration S] [options]\n"
	    "       maskstream-view --socket PATH --job ID [options]\n"
	    "options: --headless  --frames N  --exit-on-complete  "
	    "--snapshot FILE.ppm\n"
	    "         --z SLICE  --size WxH  --encoding deflate|base64\n");
	exit(DAEMON_EXIT_USAGE);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "socket", required_argument, NULL, 's' },
		{ "job", required_argument, NULL, 'j' },
		{ "token", required_argument, NULL, 't' },
		{ "create", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'D' },
		{ "headless", no_argument, NULL, 'H' },
		{ "frames", required_argument, NULL, 'n' },
		{ "exit-on-complete", no_argument, NULL, 'x' },
		{ "snapshot", required_argument, NULL, 'S' },
		{ "z", required_argument, NULL, 'z' },
		{ "size", required_argument, NULL, 'g' },
		{ "encoding", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opt.zslice = -1;
	opt.width = 640;
	opt.height = 640 + RENDER_STATUS_HEIGHT;
	opt.duration_s = 60;
	/* Masks shrink about fifteenfold compressed; the server pays once. */
	opt.encoding = "deflate";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': opt.url = optarg; break;
		case 's': opt.socket = optarg; break;
		case 'j': opt.job = optarg; break;
		case 't': opt.token = optarg; break;
		case 'c': opt.create = optarg; break;
		case 'D': opt.duration_s = (double)number(optarg, 0, 604800);
			break;
		case 'H': opt.headless = 1; break;
		case 'n': opt.frames = number(optarg, 1, 1L << 30); break;
		case 'x': opt.exit_on_complete = 1; break;
		case 'S': opt.snapshot = optarg; break;
		case 'z': opt.zslice = number(optarg, 0, 4095); break;
		case 'e':
			if (strcmp(optarg, "deflate") != 0 &&
			    strcmp(optarg, "base64") != 0)
				usage();
			opt.encoding = optarg;
			break;
		case 'g':
			if (sscanf(optarg, "%dx%d", &opt.width, &opt.height) != 2 ||
			    opt.width < 64 || opt.height < 64 + RENDER_STATUS_HEIGHT ||
			    opt.width > 8192 || opt.height > 8192)
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc || (opt.url == NULL) == (opt.socket == NULL))
		usage();
	if (opt.create != NULL ? opt.job != NULL || opt.socket != NULL :
	    opt.job == NULL)
		usage();
	if (opt.job != NULL && !id_job_valid(opt.job, strlen(opt.job))) {
		fprintf(stderr, "maskstream-view: --job: not a job id\n");
		exit(DAEMON_EXIT_USAGE);
	}
	if (opt.snapshot != NULL && (opt.headless || opt.frames == 0)) {
		fprintf(stderr, "maskstream-view: --snapshot needs a window "
		    "and --frames\n");
		exit(DAEMON_EXIT_USAGE);
	}
}

static void
redraw(int new_preview)
{
	if (!have_window)
		return;
	if (new_preview)
		window_draw(&win, &model);
	else
		window_draw_status(&win, &model);
}

/* Once a second: the status line's rate and latency stay current. */
static void
tick(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	redraw(0);
	lws_sul_schedule(ctx, 0, &tick_sul, tick, 1000000);
}

static int
callback_x(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE)
		window_dispatch(&win, &model);
	else if (reason == LWS_CALLBACK_RAW_CLOSE_FILE)
		win.quit = 1;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "maskstream-view", net_callback_ws, 0, 65536, 0, NULL, 0 },
	{ "maskstream-view-control", net_callback_control, 0, 65536, 0, NULL,
	    0 },
	{ "maskstream-view-create", create_callback, 0, 4096, 0, NULL, 0 },
	{ "maskstream-view-x", callback_x, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
	if (ctx != NULL)
		lws_cancel_service(ctx);
}

static void
make_context(void)
{
	struct lws_context_creation_info info;

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	if ((ctx = lws_create_context(&info)) == NULL) {
		fprintf(stderr, "maskstream-view: cannot create the lws "
		    "context\n");
		exit(1);
	}
}

static void
open_window(void)
{
	lws_sock_file_fd_type fd;
	const char *errstr;

	if (window_open(&win, opt.width, opt.height, opt.zslice,
	    &errstr) == -1) {
		fprintf(stderr, "maskstream-view: %s\n", errstr);
		exit(1);
	}
	have_window = 1;
	/* lws closes what it adopted: give it its own descriptor. */
	fd.filefd = dup(ConnectionNumber(win.dpy));
	if (fd.filefd == -1 || lws_adopt_descriptor_vhost(lws_get_vhost_by_name(ctx, "default"),
	    LWS_ADOPT_RAW_FILE_DESC, fd, "maskstream-view-x", NULL) == NULL) {
		fprintf(stderr, "maskstream-view: cannot watch the X "
		    "connection\n");
		exit(1);
	}
	lws_sul_schedule(ctx, 0, &tick_sul, tick, 1000000);
}

static void
start_stream(void)
{
	model_init(&model, opt.job);
	net_init(&conn, ctx, &opt, &model);
	conn.changed = redraw;
	if (net_start(&conn) == -1) {
		fprintf(stderr, "maskstream-view: --url: http://host:port "
		    "expected\n");
		exit(DAEMON_EXIT_USAGE);
	}
}

static void
start_creation(void)
{
	char host[256];
	int port;

	if (net_parse_url(opt.url, host, sizeof(host), &port) == -1 ||
	    create_start(&creation, ctx, host, port, opt.create,
	    opt.duration_s) == -1) {
		fprintf(stderr, "maskstream-view: --url http://host:port and "
		    "--create ZxYxX expected\n");
		exit(DAEMON_EXIT_USAGE);
	}
	creating = 1;
}

/* The job exists: from now on the viewer watches it. */
static void
created(void)
{
	creating = 0;
	if (!creation.ok) {
		fprintf(stderr, "maskstream-view: %s\n", creation.error);
		exit(1);
	}
	fprintf(stderr, "maskstream-view: created job %s\n", creation.id);
	opt.job = creation.id;
	opt.token = creation.token;
	start_stream();
}

/* Whether the loop is over, and with what exit status. */
static int
over(int *status)
{
	if (got_signal || (have_window && win.quit)) {
		*status = 0;
		return 1;
	}
	if (conn.frames_done) {
		if (opt.snapshot != NULL && window_snapshot(&win,
		    opt.snapshot) == -1) {
			fprintf(stderr, "maskstream-view: cannot write "
			    "\"%s\"\n", opt.snapshot);
			*status = 1;
		} else
			*status = 0;
		return 1;
	}
	if (!conn.finished)
		return 0;
	*status = conn.exit_code;
	if (conn.exit_code != 0 && model.note[0] != '\0')
		fprintf(stderr, "maskstream-view: %s\n", model.note);
	/* A window keeps showing the final state unless told to go. */
	return !have_window || opt.exit_on_complete || conn.exit_code != 0;
}

static void
destroy_context(void)
{
	struct lws_context *c = ctx;

	ctx = NULL;	/* a late signal must not reach it */
	lws_context_destroy(c);
}

int
main(int argc, char **argv)
{
	int status = 0;

	parse_options(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	srandom((unsigned int)now_mono_us());
	make_context();
	if (!opt.headless)
		open_window();
	if (opt.create != NULL)
		start_creation();
	else
		start_stream();
	while (lws_service(ctx, 0) >= 0) {
		if (creating && creation.finished)
			created();
		if (have_window)
			window_dispatch(&win, &model);
		if (!creating && over(&status))
			break;
	}
	net_stop(&conn);
	destroy_context();
	net_free(&conn);
	model_free(&model);
	if (have_window)
		window_close(&win);
	return status;
}
