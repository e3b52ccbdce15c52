/*
 * gen.c: the fake preview generator.  A few ellipsoidal blobs placed by
 * the seed grow with progress (or pulse, for a job without end), and a
 * sprinkle of speckle fades as progress rises, so a viewer sees something
 * that looks like segmentation converging.  Everything is derived from
 * (seed, tick) by integer hashing, so the output is reproducible.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gen.h"

#define GEN_MAX_BLOBS	3

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
place_blobs(const struct gen_params *p, struct blob *b)
{
	int n = 1 + (int)(mix(p->seed) % GEN_MAX_BLOBS);
	int i, a;

	for (i = 0; i < n; i++) {
		for (a = 0; a < 3; a++) {
			double len = p->shape[a];
			uint64_t k = (uint64_t)(i * 8 + a);

			b[i].c[a] = len * (0.25 + 0.5 * unit(p->seed, k));
			b[i].r[a] = len * (0.12 + 0.18 * unit(p->seed, k + 3));
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

void
gen_mask(const struct gen_params *p, uint64_t tick, int progress,
    uint8_t *out)
{
	struct blob blobs[GEN_MAX_BLOBS];
	double g[GEN_MAX_BLOBS];
	uint64_t rate = speckle_rate(p, progress);
	uint64_t noise = mix(p->seed ^ mix(tick + 0x5eed));
	int nblobs = place_blobs(p, blobs);
	size_t idx = 0;
	uint32_t z, y, x;
	int i;

	for (i = 0; i < nblobs; i++)
		g[i] = growth(p, &blobs[i], tick, progress);
	for (z = 0; z < p->shape[0]; z++)
		for (y = 0; y < p->shape[1]; y++)
			for (x = 0; x < p->shape[2]; x++, idx++) {
				double v[3] = { z + 0.5, y + 0.5, x + 0.5 };
				uint8_t m = 0;

				for (i = 0; i < nblobs && !m; i++)
					m = inside(&blobs[i], g[i], v);
				if (!m && mix(noise + idx) % 100000 < rate)
					m = 1;
				out[idx] = m;
			}
}
