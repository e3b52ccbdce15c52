/*
 * main.c: maskstream-view's start and its one event loop.  libwebsockets
 * waits on the network and, through an adopted descriptor, on the X
 * connection together; nothing spins and nothing sleeps.  With a volume
 * the window opens only once the job's shape is known to match it.
 */
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
static struct volume		 vol;
static struct levels_stats	 stats;
static int			 have_volume;
static int			 shape_checked;
static struct lws_context	*ctx;
static int			 have_window;
static int			 creating;
static lws_sorted_usec_list_t	 tick_sul;
static volatile sig_atomic_t	 got_signal;

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

	if (window_open(&win, opt.width, opt.height, &opt.view,
	    have_volume ? &vol : NULL, &stats, &errstr) == -1) {
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
	    create_start(&creation, ctx, host, port, opt.cshape, opt.scale,
	    opt.duration_s) == -1) {
		fprintf(stderr, "maskstream-view: --url: http://host:port "
		    "expected\n");
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
	const char *errstr;

	if (got_signal || (have_window && win.quit)) {
		*status = 0;
		return 1;
	}
	if (conn.frames_done && (have_window || opt.snapshot == NULL)) {
		if (opt.snapshot != NULL && window_snapshot(&win, &model,
		    opt.snapshot, &errstr) == -1) {
			fprintf(stderr, "maskstream-view: --snapshot \"%s\": "
			    "%s\n", opt.snapshot, errstr);
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

/*
 * The job's shape, once its status says it, must be the volume's; only
 * then does the window open.  0, or -1 after saying why not.
 */
static int
check_shape(void)
{
	shape_checked = 1;
	if (have_volume && memcmp(model.vshape, vol.shape,
	    sizeof(vol.shape)) != 0) {
		fprintf(stderr, "maskstream-view: the volume \"%s\" is "
		    "%ux%ux%u (ZxYxX) but job %s is %ux%ux%u: the mask "
		    "would not fit the image\n", opt.volume, vol.shape[0],
		    vol.shape[1], vol.shape[2], model.job_id, model.vshape[0],
		    model.vshape[1], model.vshape[2]);
		return -1;
	}
	if (!opt.headless && !have_window)
		open_window();
	return 0;
}

static void
load_volume(void)
{
	const char *errstr;
	int rc;

	if (opt.volume == NULL) {
		levels_synthetic(&stats);
		return;
	}
	rc = opt.rshape[0] != 0 ? volume_load_raw(opt.volume, opt.rshape,
	    opt.dtype, VOLUME_MAX_BYTES, &vol, &errstr) :
	    volume_load_nifti(opt.volume, VOLUME_MAX_BYTES, &vol, &errstr);
	if (rc == -1 || levels_stats(&vol, &stats) == -1) {
		fprintf(stderr, "maskstream-view: --volume \"%s\": %s\n",
		    opt.volume, rc == -1 ? errstr : "out of memory");
		exit(1);
	}
	have_volume = 1;
}

/* The smallest preview scale whose preview fits the 4 MiB limit. */
static uint32_t
fit_scale(const uint32_t s[3])
{
	uint32_t k;

	for (k = 1; k < 4096; k++)
		if ((uint64_t)((s[0] + k - 1) / k) * ((s[1] + k - 1) / k) *
		    ((s[2] + k - 1) / k) <= MSG_PAYLOAD_MAX)
			break;
	return k;
}

/* With a volume, the job to create is its shape, seen at its finest. */
static void
settle_options(void)
{
	opt.view.slice[opt.view.plane] = opt.slice;
	if (!opt.have_levels)	/* stats: the volume's or the synthetic's */
		levels_preset((enum levels_preset)opt.view.preset, &stats,
		    &opt.view.lv);
	if (!opt.create || !have_volume)
		return;
	if (opt.cshape[0] != 0 && memcmp(opt.cshape, vol.shape,
	    sizeof(vol.shape)) != 0) {
		fprintf(stderr, "maskstream-view: --create %ux%ux%u, but the "
		    "volume \"%s\" is %ux%ux%u (ZxYxX)\n", opt.cshape[0],
		    opt.cshape[1], opt.cshape[2], opt.volume, vol.shape[0],
		    vol.shape[1], vol.shape[2]);
		exit(DAEMON_EXIT_USAGE);
	}
	memcpy(opt.cshape, vol.shape, sizeof(opt.cshape));
	if (opt.scale == 0)
		opt.scale = fit_scale(vol.shape);
}

int
main(int argc, char **argv)
{
	int status = 0;

	options_parse(&opt, argc, argv);
	load_volume();
	settle_options();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	srandom((unsigned int)now_mono_us());
	make_context();
	if (!opt.headless && !have_volume)
		open_window();
	if (opt.create)
		start_creation();
	else
		start_stream();
	while (lws_service(ctx, 0) >= 0) {
		if (creating && creation.finished)
			created();
		if (!shape_checked && model.have_status && check_shape() == -1) {
			status = 1;
			break;
		}
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
	volume_free(&vol);
	return status;
}
