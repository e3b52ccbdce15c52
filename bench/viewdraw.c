/*
 * viewdraw.c: the viewer's redraw benchmark.  A 512x512x512 int16 volume
 * with a 128^3 preview (scale 4) of several labels over it; times what
 * render_frame() does for a 512x512 slice area when a preview arrives,
 * when the slice steps (each plane), when window/level is dragged and in
 * outline mode; with DISPLAY set, also window_draw() into a real window
 * with the server's round trip.  Prints median, p99 and worst in ms.
 *
 *	bench/viewdraw [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>

#include "gen.h"
#include "now.h"
#include "view.h"
#include "window.h"

#define N	512
#define SCALE	4
#define AREA	512

struct bench {
	struct volume	 vol;
	struct model	 m;
	struct view	 v;
	struct render	 r;
	uint32_t	*px;
	double		*ms;
	int		 iterations;
};

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(struct bench *b, const char *what)
{
	int n = b->iterations;

	qsort(b->ms, (size_t)n, sizeof(*b->ms), cmp);
	printf("%-34s median %6.2f ms  p99 %6.2f ms  max %6.2f ms\n", what,
	    b->ms[n / 2], b->ms[n * 99 / 100], b->ms[n - 1]);
}

/* A CT-like int16 volume: a body of soft tissue with bone and air. */
static int
make_volume(struct volume *v)
{
	int16_t *d;
	size_t i = 0;
	int x, y, z, r2;

	memset(v, 0, sizeof(*v));
	v->shape[0] = v->shape[1] = v->shape[2] = N;
	v->spacing[0] = 2.5;
	v->spacing[1] = v->spacing[2] = 0.7;
	v->dtype = VOLUME_INT16;
	v->slope = 1;
	v->nbytes = (size_t)N * N * N * sizeof(*d);
	if ((d = malloc(v->nbytes)) == NULL)
		return -1;
	for (z = 0; z < N; z++)
		for (y = 0; y < N; y++)
			for (x = 0; x < N; x++) {
				r2 = (x - N / 2) * (x - N / 2) + (y - N / 2) *
				    (y - N / 2);
				d[i++] = (int16_t)(r2 > 200 * 200 ? -1000 :
				    r2 > 185 * 185 ? 700 : 40 + (x ^ y ^ z) % 60);
			}
	v->data = d;
	return 0;
}

/* Labels 1 .. 4 from the generator's blobs, by quadrant. */
static int
make_preview(struct model *m)
{
	struct gen_params gp;
	uint32_t p = N / SCALE, z, y, x;
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	m->vshape[0] = m->vshape[1] = m->vshape[2] = N;
	m->pshape[0] = m->pshape[1] = m->pshape[2] = p;
	m->scale = SCALE;
	m->mask_len = (size_t)p * p * p;
	if ((m->mask = malloc(m->mask_len)) == NULL)
		return -1;
	memset(&gp, 0, sizeof(gp));
	gp.seed = 42;
	memcpy(gp.shape, m->pshape, sizeof(gp.shape));
	gen_mask(&gp, 30, 60, m->mask);
	for (z = 0; z < p; z++)
		for (y = 0; y < p; y++)
			for (x = 0; x < p; x++, i++)
				if (m->mask[i] != 0)
					m->mask[i] = (uint8_t)(1 + (y >= p / 2) +
					    2 * (x >= p / 2));
	m->previews = 1;
	return 0;
}

static void
frame(struct bench *b)
{
	if (render_frame(&b->r, &b->vol, &b->m, &b->v, b->px, AREA,
	    AREA) == -1) {
		fprintf(stderr, "viewdraw: out of memory\n");
		exit(1);
	}
}

/* What the user does before each timed frame. */
enum step { PREVIEW, SLICE, LEVELS };

static void
run(struct bench *b, const char *what, enum step s)
{
	int64_t t;
	int i;

	frame(b);
	for (i = 0; i < b->iterations; i++) {
		if (s == PREVIEW)
			b->m.previews++;
		else if (s == SLICE)
			b->v.slice[b->v.plane] = 100 + i % 300;
		else
			b->v.lv.level += i % 2 ? 7 : -7;
		t = now_mono_us();
		frame(b);
		b->ms[i] = (now_mono_us() - t) / 1000.0;
	}
	report(b, what);
}

/* window_draw() into a real window, with XSync: what the user waits for. */
static void
run_x(struct bench *b)
{
	struct levels_stats st;
	struct window w;
	const char *errstr;
	int64_t t;
	int i;

	if (getenv("DISPLAY") == NULL) {
		printf("(no DISPLAY: the X redraw is not measured)\n");
		return;
	}
	levels_stats(&b->vol, &st);
	b->v.plane = PLANE_AXIAL;
	if (window_open(&w, AREA, AREA + RENDER_STATUS_HEIGHT, &b->v, &b->vol,
	    &st, &errstr) == -1) {
		printf("(no window: %s)\n", errstr);
		return;
	}
	for (i = 0; i < b->iterations; i++) {
		w.view.slice[PLANE_AXIAL] = 100 + i % 300;
		t = now_mono_us();
		window_draw(&w, &b->m);
		XSync(w.dpy, False);
		b->ms[i] = (now_mono_us() - t) / 1000.0;
	}
	window_close(&w);
	report(b, "X: next slice, drawn and synced");
}

int
main(int argc, char **argv)
{
	static const char *const planes[] = { "next slice, axial",
	    "next slice, coronal", "next slice, sagittal" };
	struct bench b;
	int p;

	memset(&b, 0, sizeof(b));
	b.iterations = argc > 1 ? atoi(argv[1]) : 300;
	if (b.iterations < 10 || b.iterations > 100000) {
		fprintf(stderr, "usage: viewdraw [ITERATIONS (10 ..)]\n");
		return 1;
	}
	b.px = malloc((size_t)AREA * AREA * sizeof(*b.px));
	b.ms = malloc((size_t)b.iterations * sizeof(*b.ms));
	if (b.px == NULL || b.ms == NULL || make_volume(&b.vol) == -1 ||
	    make_preview(&b.m) == -1) {
		fprintf(stderr, "viewdraw: out of memory\n");
		return 1;
	}
	render_init(&b.r);
	render_default_view(&b.v);
	b.v.lv.window = 400;
	b.v.lv.level = 40;
	printf("viewdraw: %dx%dx%d int16, preview %d^3 (scale %d), %dx%d "
	    "pixels, %d frames each\n", N, N, N, N / SCALE, SCALE, AREA, AREA,
	    b.iterations);
	run(&b, "new preview (labels + compose)", PREVIEW);
	for (p = 0; p < PLANE_COUNT; p++) {
		b.v.plane = (enum plane)p;
		run(&b, planes[p], SLICE);
	}
	b.v.plane = PLANE_AXIAL;
	run(&b, "window/level drag", LEVELS);
	b.v.outline = 1;
	run(&b, "new preview, outline mode", PREVIEW);
	b.v.outline = 0;
	run_x(&b);
	render_free(&b.r);
	volume_free(&b.vol);
	free(b.m.mask);
	free(b.px);
	free(b.ms);
	return 0;
}
