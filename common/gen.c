/*
 * gen.c: the fake preview generator.  A few ellipsoidal blobs placed by
 * the seed (one per label when there are several) grow with progress (or
 * pulse, for a job without end), and a sprinkle of speckle fades as
 * progress rises, so a viewer sees something that looks like
 * segmentation converging.  Each blob is painted within its bounding box,
 * so a mask costs about its blobs' volume, however many labels.  Everything is derived from
 * (seed, tick) by integer hashing, so the output is reproducible.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gen.h"

#define GEN_MAX_BLOBS	3	/* with one label */
#define GEN_LABELS_MAX	255

struct blob {
	double	c[3];		/* centre, in preview voxels */
	double	r[3];		/* radii at full size */
	double	phase;		/* for pulsing */
};

/* splitmix64: a small, well-mixed hash of one 64-bit word. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A number in [0, 1) from the hash of a and b. */
static double
unit(uint64_t a, uint64_t b)
{
	return (double)(mix(a ^ mix(b)) >> 11) / 9007199254740992.0;
}

static int
labels_of(const struct gen_params *p)
{
	if (p->labels <= 1)
		return 1;
	return p->labels > GEN_LABELS_MAX ? GEN_LABELS_MAX : p->labels;
}

/*
 * A few blobs for one label; one per label for more, their radii shrunk
 * so that together they take about as much room.
 */
static int
place_blobs(const struct gen_params *p, struct blob *b)
{
	int labels = labels_of(p);
	int n = labels > 1 ? labels : 1 + (int)(mix(p->seed) % GEN_MAX_BLOBS);
	double f = labels > 1 ? fmin(1.0, 1.2 / cbrt(labels)) : 1.0;
	int i, a;

	for (i = 0; i < n; i++) {
		for (a = 0; a < 3; a++) {
			double len = p->shape[a];
			uint64_t k = (uint64_t)(i * 8 + a);

			b[i].c[a] = len * (0.25 + 0.5 * unit(p->seed, k));
			b[i].r[a] = f * len * (0.12 + 0.18 *
			    unit(p->seed, k + 3));
		}
		b[i].phase = 6.283185307179586 * unit(p->seed, 100 + i);
	}
	return n;
}

/* How much of its full size a blob has at this tick: 0.15 .. 1. */
static double
growth(const struct gen_params *p, const struct blob *b, uint64_t tick,
    int progress)
{
	if (p->continuous)
		return 0.6 + 0.35 * sin(b->phase + 0.5 * (double)tick);
	return 0.15 + 0.85 * progress / 100.0;
}

static int
inside(const struct blob *b, double g, const double v[3])
{
	double d = 0;
	int a;

	for (a = 0; a < 3; a++) {
		double t = (v[a] - b->c[a]) / (b->r[a] * g);

		d += t * t;
	}
	return d <= 1.0;
}

/* Speckle per 100,000 voxels: fades to none as progress reaches 100. */
static uint64_t
speckle_rate(const struct gen_params *p, int progress)
{
	if (p->continuous)
		return 300;
	return (uint64_t)(500 * (100 - progress) / 100);
}

/* The voxels b may cover along axis a, [*lo, *hi]; 0 when none. */
static int
extent(const struct gen_params *p, const struct blob *b, double g, int a,
    uint32_t *lo, uint32_t *hi)
{
	double r = b->r[a] * g;
	double l = floor(b->c[a] - r - 0.5), h = ceil(b->c[a] + r - 0.5);

	if (h < 0 || l > (double)p->shape[a] - 1)
		return 0;
	*lo = l < 0 ? 0 : (uint32_t)l;
	*hi = h > (double)p->shape[a] - 1 ? p->shape[a] - 1 : (uint32_t)h;
	return 1;
}

/* Paints blob b, grown by g, with value where no earlier blob is. */
static void
paint(const struct gen_params *p, const struct blob *b, double g,
    uint8_t value, uint8_t *out)
{
	uint32_t lo[3], hi[3], z, y, x;
	size_t idx;
	int a;

	for (a = 0; a < 3; a++)
		if (!extent(p, b, g, a, &lo[a], &hi[a]))
			return;
	for (z = lo[0]; z <= hi[0]; z++)
		for (y = lo[1]; y <= hi[1]; y++) {
			idx = ((size_t)z * p->shape[1] + y) * p->shape[2] +
			    lo[2];
			for (x = lo[2]; x <= hi[2]; x++, idx++) {
				double v[3] = { z + 0.5, y + 0.5, x + 0.5 };

				if (out[idx] == 0 && inside(b, g, v))
					out[idx] = value;
			}
		}
}

void
gen_mask(const struct gen_params *p, uint64_t tick, int progress,
    uint8_t *out)
{
	struct blob blobs[GEN_LABELS_MAX];
	uint64_t rate = speckle_rate(p, progress);
	uint64_t noise = mix(p->seed ^ mix(tick + 0x5eed)), h;
	size_t n = (size_t)p->shape[0] * p->shape[1] * p->shape[2], idx;
	int nblobs = place_blobs(p, blobs), labels = labels_of(p);
	int i;

	memset(out, 0, n);
	for (i = 0; i < nblobs; i++)
		paint(p, &blobs[i], growth(p, &blobs[i], tick, progress),
		    (uint8_t)(labels > 1 ? i + 1 : 1), out);
	for (idx = 0; idx < n; idx++) {
		if (out[idx] != 0 || (h = mix(noise + idx)) % 100000 >= rate)
			continue;
		out[idx] = (uint8_t)(labels > 1 ? 1 + (h >> 32) % labels : 1);
	}
}
