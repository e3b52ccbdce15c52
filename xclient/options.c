/*
 * options.c: maskstream-view's command line, checked in one place: a bad
 * one is a message and exit 64; --help and --version answer on standard
 * output and exit 0.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "view.h"

static const char usage_text[] =
    "usage: maskstream-view --url http://host:port --job ID --token=TOKEN "
    "[options]\n"
    "       maskstream-view --url http://host:port --create [ZxYxX] "
    "[--duration S] [--scale N] [options]\n"
    "       maskstream-view --socket PATH --job ID [options]\n"
    "the image:  --volume FILE.nii[.gz]  |  --volume FILE --shape ZxYxX "
    "--dtype T\n"
    "            (T: uint8 int16 uint16 int32 float32 float64)\n"
    "the view:   --plane axial|coronal|sagittal  --slice N (--z N)  "
    "--zoom F\n"
    "            --preset auto|ct-soft|ct-lung|ct-bone|mr-wide|mr-narrow\n"
    "            --window W --level L  --opacity PERCENT  --outline  "
    "--size WxH\n"
    "other:      --headless  --frames N  --exit-on-complete  "
    "--snapshot FILE.png\n"
    "            --encoding deflate|base64  --help  --version\n"
    "keys in the window: press ? (see maskstream-view(1))\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(DAEMON_EXIT_USAGE);
}

static void __attribute__((noreturn))
bad(const char *what, const char *why)
{
	fprintf(stderr, "maskstream-view: %s: %s\n", what, why);
	exit(DAEMON_EXIT_USAGE);
}

static long
number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "maskstream-view: %s: a number %ld .. %ld "
		    "expected\n", opt, min, max);
		exit(DAEMON_EXIT_USAGE);
	}
	return v;
}

static double
real(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr, "maskstream-view: %s: a number %g .. %g "
		    "expected\n", opt, min, max);
		exit(DAEMON_EXIT_USAGE);
	}
	return v;
}

static void
shape(const char *opt, const char *s, uint32_t out[3])
{
	if (volume_parse_shape(s, out) == -1)
		bad(opt, "ZxYxX expected, each 1 .. 4096");
}

static const struct option longopts[] = {
	{ "url", required_argument, NULL, 'u' },
	{ "socket", required_argument, NULL, 's' },
	{ "job", required_argument, NULL, 'j' },
	{ "token", required_argument, NULL, 't' },
	{ "create", optional_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'D' },
	{ "scale", required_argument, NULL, 'r' },
	{ "headless", no_argument, NULL, 'H' },
	{ "frames", required_argument, NULL, 'n' },
	{ "exit-on-complete", no_argument, NULL, 'x' },
	{ "snapshot", required_argument, NULL, 'S' },
	{ "volume", required_argument, NULL, 'V' },
	{ "shape", required_argument, NULL, 'Z' },
	{ "dtype", required_argument, NULL, 'T' },
	{ "plane", required_argument, NULL, 'p' },
	{ "slice", required_argument, NULL, 'z' },
	{ "z", required_argument, NULL, 'z' },
	{ "zoom", required_argument, NULL, 'm' },
	{ "preset", required_argument, NULL, 'P' },
	{ "window", required_argument, NULL, 'w' },
	{ "level", required_argument, NULL, 'l' },
	{ "opacity", required_argument, NULL, 'o' },
	{ "outline", no_argument, NULL, 'O' },
	{ "size", required_argument, NULL, 'g' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

/* --create's shape may follow as the next word: --create 64x256x256. */
static void
create_option(struct options *o, int argc, char **argv)
{
	o->create = 1;
	if (optarg == NULL && optind < argc && argv[optind][0] >= '0' &&
	    argv[optind][0] <= '9')
		optarg = argv[optind++];
	if (optarg != NULL)
		shape("--create", optarg, o->cshape);
}

/* How the slice looks: plane, slice, zoom, levels, mask. */
static int
view_option(struct options *o, int ch)
{
	enum levels_preset p;
	enum plane pl;

	switch (ch) {
	case 'p':
		if (plane_parse(optarg, &pl) == -1)
			bad("--plane", "axial, coronal or sagittal expected");
		o->view.plane = pl;
		break;
	case 'z': o->slice = number("--slice", optarg, 0, 4095); break;
	case 'm': o->view.zoom = real("--zoom", optarg, 1.0 / 64, 64); break;
	case 'P':
		if (levels_parse_preset(optarg, &p) == -1)
			bad("--preset", "auto, ct-soft, ct-lung, ct-bone, "
			    "mr-wide or mr-narrow expected");
		o->view.preset = (int)p;
		break;
	case 'w': o->view.lv.window = real("--window", optarg, 1e-9, 1e12);
		o->have_levels |= 1;
		break;
	case 'l': o->view.lv.level = real("--level", optarg, -1e12, 1e12);
		o->have_levels |= 2;
		break;
	case 'o': o->view.opacity = (int)number("--opacity", optarg, 0, 100);
		break;
	case 'O': o->view.outline = 1; break;
	default: return -1;
	}
	return 0;
}

/* The image: --volume, and --shape with --dtype for a raw file. */
static int
image_option(struct options *o, int ch)
{
	switch (ch) {
	case 'V': o->volume = optarg; break;
	case 'Z': shape("--shape", optarg, o->rshape); break;
	case 'T':
		if (volume_parse_dtype(optarg, &o->dtype) == -1)
			bad("--dtype", "uint8, int16, uint16, int32, float32 "
			    "or float64 expected");
		o->have_dtype = 1;
		break;
	case 'g':
		if (sscanf(optarg, "%dx%d", &o->width, &o->height) != 2 ||
		    o->width < 64 || o->height < 64 + RENDER_STATUS_HEIGHT ||
		    o->width > 8192 || o->height > 8192)
			bad("--size", "WxH expected, 64x100 .. 8192x8192");
		break;
	default: return -1;
	}
	return 0;
}

static void
stream_option(struct options *o, int ch, int argc, char **argv)
{
	switch (ch) {
	case 'u': o->url = optarg; break;
	case 's': o->socket = optarg; break;
	case 'j': o->job = optarg; break;
	case 't': o->token = optarg; break;
	case 'c': create_option(o, argc, argv); break;
	case 'D': o->duration_s = (double)number("--duration", optarg, 0,
	    604800);
		break;
	case 'r': o->scale = (uint32_t)number("--scale", optarg, 1, 4096);
		break;
	case 'H': o->headless = 1; break;
	case 'n': o->frames = number("--frames", optarg, 1, 1L << 30); break;
	case 'x': o->exit_on_complete = 1; break;
	case 'S': o->snapshot = optarg; break;
	case 'e':
		if (strcmp(optarg, "deflate") != 0 &&
		    strcmp(optarg, "base64") != 0)
			bad("--encoding", "deflate or base64 expected");
		o->encoding = optarg;
		break;
	case 'h': fputs(usage_text, stdout); exit(0);
	case 'v':
		printf("maskstream-view (maskstream) %s\n", PACKAGE_VERSION);
		exit(0);
	default: usage();
	}
}

/* What no single option can say wrong. */
static void
check_together(const struct options *o)
{
	if ((o->url == NULL) == (o->socket == NULL))
		bad("--url, --socket", "exactly one of them is needed");
	if (o->create ? o->job != NULL || o->socket != NULL : o->job == NULL)
		bad("--job, --create", "--job ID, or --create with --url");
	if (o->create && o->cshape[0] == 0 && o->volume == NULL)
		bad("--create", "ZxYxX expected (or a --volume to take it "
		    "from)");
	if (o->scale != 0 && !o->create)
		bad("--scale", "only with --create");
	if (o->job != NULL && !id_job_valid(o->job, strlen(o->job)))
		bad("--job", "not a job id");
	if (o->snapshot != NULL && (o->headless || o->frames == 0))
		bad("--snapshot", "needs a window and --frames");
	if ((o->rshape[0] != 0 || o->have_dtype) && (o->volume == NULL ||
	    o->rshape[0] == 0 || !o->have_dtype))
		bad("--shape, --dtype", "a raw --volume needs both");
	if (o->have_levels != 0 && o->have_levels != 3)
		bad("--window, --level", "both or neither");
}

void
options_parse(struct options *o, int argc, char **argv)
{
	int ch;

	memset(o, 0, sizeof(*o));
	render_default_view(&o->view);
	o->slice = -1;
	o->width = 640;
	o->height = 640 + RENDER_STATUS_HEIGHT;
	o->duration_s = 60;
	/* Masks shrink about fifteenfold compressed; the server pays once. */
	o->encoding = "deflate";
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if (view_option(o, ch) == -1 && image_option(o, ch) == -1)
			stream_option(o, ch, argc, argv);
	if (optind != argc)
		usage();
	check_together(o);
	if (o->have_levels)
		o->view.preset = -1;
}
