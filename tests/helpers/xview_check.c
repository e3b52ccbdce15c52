/*
 * xview_check.c: checks a maskstream-view --snapshot (of the synthetic
 * slice, axial) against the mask the fake generator must have sent
 * (recomputed with gen_mask()): red-dominant pixels exactly where
 * render_label_at() says the preview marks the voxel, gray elsewhere,
 * each pixel as render_frame() makes it, and the red over the very
 * voxels the preview describes.  Exits 0 or 1.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "view.h"

#define MAX_TICKS	64

struct image {
	int	 w, h;
	uint8_t	*rgb;		/* w * h * 3 */
};

struct args {
	const char	*ppm;
	uint32_t	 vshape[3];
	uint32_t	 scale;
	uint64_t	 seed;
	double		 duration_s;
	double		 hz;
	long		 z;
	uint64_t	 ticks[MAX_TICKS];
	int		 nticks;
	int		 progress;	/* -1: from duration, hz and tick */
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: xview_check FILE.ppm ZxYxX SCALE SEED DURATION_S HZ Z "
	    "TICKS [PROGRESS]\n"
	    "  TICKS: candidate ticks, comma-separated (e.g. 0,1); the check\n"
	    "  passes when the snapshot shows one of them exactly.\n"
	    "  PROGRESS: the previews' progress; by default what the fake\n"
	    "  producer computes, floor(100 * (tick / HZ) / DURATION_S).\n");
	exit(1);
}

static int
ppm_token(FILE *f, long *v)
{
	int c;

	for (;;) {
		c = getc(f);
		if (c == '#')
			while (c != '\n' && c != EOF)
				c = getc(f);
		if (c == EOF)
			return -1;
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
	}
	*v = 0;
	for (; c >= '0' && c <= '9'; c = getc(f))
		*v = *v * 10 + (c - '0');
	/* The single whitespace after the last number ends the header. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ? 0 : -1;
}

static int
ppm_read(const char *path, struct image *img)
{
	FILE *f;
	long w, h, max;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "xview_check: \"%s\": %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (getc(f) != 'P' || getc(f) != '6' || ppm_token(f, &w) == -1 ||
	    ppm_token(f, &h) == -1 || ppm_token(f, &max) == -1 ||
	    w < 1 || h <= RENDER_STATUS_HEIGHT || w > 8192 || h > 8192 ||
	    max != 255) {
		fprintf(stderr, "xview_check: \"%s\": not a binary 8-bit PPM\n",
		    path);
		fclose(f);
		return -1;
	}
	img->w = (int)w;
	img->h = (int)h;
	n = (size_t)w * (size_t)h * 3;
	if ((img->rgb = malloc(n)) == NULL || fread(img->rgb, 1, n, f) != n) {
		fprintf(stderr, "xview_check: \"%s\": short image\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* The slice area: the window less its status line. */
	img->h -= RENDER_STATUS_HEIGHT;
	return 0;
}

static uint64_t
number(const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > max)
		usage();
	return v;
}

static double
real(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0))
		usage();
	return v;
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	char *list, *t, *save;
	unsigned int z, y, x;
	char extra;

	if (argc != 9 && argc != 10)
		usage();
	a->ppm = argv[1];
	if (sscanf(argv[2], "%ux%ux%u%c", &z, &y, &x, &extra) != 3 ||
	    z < 1 || y < 1 || x < 1 || z > 4096 || y > 4096 || x > 4096)
		usage();
	a->vshape[0] = z;
	a->vshape[1] = y;
	a->vshape[2] = x;
	a->scale = (uint32_t)number(argv[3], 4096);
	if (a->scale < 1)
		usage();
	a->seed = number(argv[4], (1ULL << 53) - 1);
	a->duration_s = real(argv[5]);
	a->hz = real(argv[6]);
	if (a->hz <= 0)
		usage();
	a->z = (long)number(argv[7], 4095);
	if ((list = strdup(argv[8])) == NULL)
		usage();
	for (t = strtok_r(list, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		if (a->nticks == MAX_TICKS)
			usage();
		a->ticks[a->nticks++] = number(t, UINT32_MAX);
	}
	free(list);
	if (a->nticks == 0)
		usage();
	a->progress = argc == 10 ? (int)number(argv[9], 100) : -1;
}

/* As ws-streamer/fake.c: progress_at() of the tick's elapsed time. */
static int
progress_of(const struct args *a, uint64_t tick)
{
	double p;

	if (a->progress >= 0)
		return a->progress;
	if (a->duration_s <= 0)
		return 0;
	p = floor(100.0 * ((double)tick / a->hz) / a->duration_s);
	return p > 100 ? 100 : (int)p;
}

/*
 * The protocol's meaning of a preview, apart from render.c: preview voxel
 * i covers volume voxels i*scale .. (i+1)*scale-1 on each axis.  The
 * window shows an axial slice with square voxels, fitted and centred,
 * y upward (maskstream-view(1)); a pixel shows the voxel under its
 * centre.  So the mask must sit on the voxels it describes.
 */
static int
protocol_mask_at(const struct model *m, uint32_t z, int px, int py, int w,
    int h)
{
	double fx = w / (double)m->vshape[2], fy = h / (double)m->vshape[1];
	double f = fx < fy ? fx : fy;
	double x0 = w / 2.0 - m->vshape[2] / 2.0 * f;
	double y0 = h / 2.0 - m->vshape[1] / 2.0 * f;
	double col = floor((px + 0.5 - x0) / f), row = floor((py + 0.5 - y0) /
	    f);
	uint64_t vy, vx;

	if (col < 0 || row < 0 || col >= m->vshape[2] || row >= m->vshape[1])
		return 0;
	vy = m->vshape[1] - 1 - (uint64_t)row;
	vx = (uint64_t)col;
	return m->mask[((uint64_t)(z / m->scale) * m->pshape[1] +
	    vy / m->scale) * m->pshape[2] + vx / m->scale] != 0;
}

/* Mismatching pixels of img against the mask of one tick; 0: a match. */
static long
check_tick(const struct args *a, const struct image *img, uint64_t tick)
{
	struct gen_params gp;
	struct model m;
	uint64_t voxels;
	uint32_t z;
	uint32_t *want = NULL;
	struct render rd;
	struct view view;
	long masked = 0, red = 0, gray = 0, bad_red = 0, bad_gray = 0;
	long inexact = 0, set = 0, unregistered = 0;
	size_t i;
	int px, py, progress = progress_of(a, tick);

	memset(&m, 0, sizeof(m));
	memcpy(m.vshape, a->vshape, sizeof(m.vshape));
	for (i = 0; i < 3; i++)
		m.pshape[i] = (a->vshape[i] + a->scale - 1) / a->scale;
	m.scale = a->scale;
	voxels = (uint64_t)m.pshape[0] * m.pshape[1] * m.pshape[2];
	memset(&gp, 0, sizeof(gp));
	gp.seed = a->seed;
	memcpy(gp.shape, m.pshape, sizeof(gp.shape));
	gp.continuous = a->duration_s <= 0;
	gp.labels = 1;
	if ((m.mask = malloc(voxels)) == NULL ||
	    (want = malloc((size_t)img->w * img->h * sizeof(*want))) == NULL) {
		fprintf(stderr, "xview_check: out of memory\n");
		exit(1);
	}
	gen_mask(&gp, tick, progress, m.mask);
	m.mask_len = voxels;
	for (i = 0; i < voxels; i++)
		set += m.mask[i] != 0;
	m.previews = 1;

	/* What the viewer's render_frame() must have put there, exactly. */
	render_init(&rd);
	render_default_view(&view);
	view.slice[PLANE_AXIAL] = a->z;
	if (render_frame(&rd, NULL, &m, &view, want, img->w, img->h) == -1) {
		fprintf(stderr, "xview_check: out of memory\n");
		exit(1);
	}
	z = plane_slice(&rd.g, a->z);

	for (py = 0; py < img->h; py++)
		for (px = 0; px < img->w; px++) {
			const uint8_t *p = img->rgb +
			    ((size_t)py * img->w + px) * 3;
			uint32_t rgb = (uint32_t)p[0] << 16 |
			    (uint32_t)p[1] << 8 | p[2];
			int is_red = p[0] > p[1];
			int is_gray = p[0] == p[1] && p[1] == p[2];

			if (render_label_at(&rd, px, py) != 0) {
				masked++;
				if (is_red)
					red++;
				else
					bad_red++;
			} else {
				if (is_gray)
					gray++;
				else
					bad_gray++;
			}
			if (rgb != want[(size_t)py * img->w + px])
				inexact++;
			if (is_red != protocol_mask_at(&m, z, px, py, img->w,
			    img->h))
				unregistered++;
		}
	printf("tick %llu progress %d: preview %ux%ux%u voxels set %ld; "
	    "slice z %u; pixels %ld masked %ld red %ld gray %ld; "
	    "masked-not-red %ld unmasked-not-gray %ld; "
	    "differing from render_frame %ld; "
	    "off the voxel under them %ld\n",
	    (unsigned long long)tick, progress, m.pshape[0], m.pshape[1],
	    m.pshape[2], set, z, (long)img->w * img->h, masked, red, gray,
	    bad_red, bad_gray, inexact, unregistered);
	render_free(&rd);
	free(want);
	free(m.mask);
	return bad_red + bad_gray + inexact + unregistered;
}

int
main(int argc, char **argv)
{
	struct args a;
	struct image img;
	long red = 0, gray = 0, other = 0, i;
	int t, matched = -1;

	memset(&a, 0, sizeof(a));
	parse_args(argc, argv, &a);
	if (ppm_read(a.ppm, &img) == -1)
		return 1;

	/* What the picture holds, whatever the mask: for a test to insist
	 * on a check that is not trivial. */
	for (i = 0; i < (long)img.w * img.h; i++) {
		const uint8_t *p = img.rgb + i * 3;

		if (p[0] > p[1])
			red++;
		else if (p[0] == p[1] && p[1] == p[2])
			gray++;
		else
			other++;
	}
	printf("image %dx%d: red-dominant %ld gray %ld other %ld\n", img.w,
	    img.h, red, gray, other);

	for (t = 0; t < a.nticks; t++)
		if (check_tick(&a, &img, a.ticks[t]) == 0 && matched < 0)
			matched = t;
	free(img.rgb);
	if (matched < 0) {
		printf("FAIL: the snapshot matches none of the candidate "
		    "ticks\n");
		return 1;
	}
	printf("OK: the snapshot shows tick %llu\n",
	    (unsigned long long)a.ticks[matched]);
	return 0;
}
