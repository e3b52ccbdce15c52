/*
 * test_gen.c: the fake preview generator: reproducible from (seed, tick,
 * progress), binary, blobs that grow with progress while the speckle
 * fades, pulsing without end, and no overrun on degenerate shapes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "unit.h"

#define N	64
#define NVOX	((size_t)N * N * N)
#define GUARD	16
#define NSEEDS	16

static uint8_t	a[NVOX + GUARD], b[NVOX + GUARD];

static void
params(struct gen_params *p, uint64_t seed, uint32_t z, uint32_t y,
    uint32_t x, int continuous)
{
	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->shape[0] = z;
	p->shape[1] = y;
	p->shape[2] = x;
	p->continuous = continuous;
	p->labels = 1;
}

static size_t
voxels(const struct gen_params *p)
{
	return (size_t)p->shape[0] * p->shape[1] * p->shape[2];
}

/* Generates into out, checking the bytes after the mask stay untouched. */
static void
gen(const struct gen_params *p, uint64_t tick, int progress, uint8_t *out)
{
	size_t n = voxels(p), i;

	CU_ASSERT_FATAL(n <= NVOX);
	memset(out, 0xa5, n + GUARD);
	gen_mask(p, tick, progress, out);
	for (i = n; i < n + GUARD; i++)
		CU_ASSERT_EQUAL(out[i], 0xa5);
}

static size_t
ones(const uint8_t *m, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += m[i];
	return c;
}

/* Set voxels of the N^3 mask m none of whose six neighbours is set. */
static size_t
isolated(const uint8_t *m)
{
	static const int d[6][3] = {
		{ -1, 0, 0 }, { 1, 0, 0 }, { 0, -1, 0 },
		{ 0, 1, 0 }, { 0, 0, -1 }, { 0, 0, 1 }
	};
	size_t c = 0;
	int z, y, x, k, nz, ny, nx, lonely;

	for (z = 0; z < N; z++)
		for (y = 0; y < N; y++)
			for (x = 0; x < N; x++) {
				if (!m[((size_t)z * N + y) * N + x])
					continue;
				lonely = 1;
				for (k = 0; k < 6 && lonely; k++) {
					nz = z + d[k][0];
					ny = y + d[k][1];
					nx = x + d[k][2];
					if (nz < 0 || ny < 0 || nx < 0 ||
					    nz >= N || ny >= N || nx >= N)
						continue;
					if (m[((size_t)nz * N + ny) * N + nx])
						lonely = 0;
				}
				c += lonely;
			}
	return c;
}

static void
test_deterministic(void)
{
	static const uint32_t shapes[][3] = {
		{ N, N, N }, { 7, 13, 29 }, { 1, N, N }, { 33, 1, 5 }
	};
	struct gen_params p, q;
	size_t i, n;
	uint64_t seed;
	int cont;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (cont = 0; cont <= 1; cont++)
			for (seed = 0; seed < 4; seed++) {
				params(&p, seed * 1000003 + 1, shapes[i][0],
				    shapes[i][1], shapes[i][2], cont);
				n = voxels(&p);
				gen(&p, 5, 40, a);
				gen(&p, 5, 40, b);
				CU_ASSERT_EQUAL(memcmp(a, b, n), 0);
			}

	/* A different seed gives a different mask. */
	for (seed = 0; seed < NSEEDS; seed++) {
		params(&p, seed, N, N, N, 0);
		params(&q, seed + 1, N, N, N, 0);
		gen(&p, 3, 50, a);
		gen(&q, 3, 50, b);
		CU_ASSERT_NOT_EQUAL(memcmp(a, b, NVOX), 0);
		gen(&p, 3, 100, a);
		gen(&q, 3, 100, b);
		CU_ASSERT_NOT_EQUAL(memcmp(a, b, NVOX), 0);
	}

	/* The largest seed a job may have, and beyond, still work. */
	params(&p, 9007199254740991ULL, N, N, N, 0);
	gen(&p, 0, 100, a);
	gen(&p, 0, 100, b);
	CU_ASSERT_EQUAL(memcmp(a, b, NVOX), 0);
	params(&p, UINT64_MAX, N, N, N, 1);
	gen(&p, UINT64_MAX, 0, a);
	CU_ASSERT(ones(a, NVOX) > 0);
}

static void
test_binary(void)
{
	static const int progress[] = { 0, 1, 33, 99, 100 };
	struct gen_params p;
	size_t i, k, n;
	uint64_t seed;
	int cont;

	for (cont = 0; cont <= 1; cont++)
		for (seed = 0; seed < 4; seed++)
			for (k = 0; k < sizeof(progress) / sizeof(progress[0]);
			    k++) {
				params(&p, seed, 17, N, 31, cont);
				n = voxels(&p);
				gen(&p, seed + k, progress[k], a);
				for (i = 0; i < n; i++)
					if (a[i] > 1)
						break;
				CU_ASSERT_EQUAL(i, n);
			}
}

/* A finite job's blobs grow: more ones at progress 100 than at 10. */
static void
test_growth(void)
{
	static const int progress[] = { 50, 75, 100 };
	struct gen_params p;
	size_t prev, c, k;
	uint64_t seed;

	for (seed = 0; seed < NSEEDS; seed++) {
		params(&p, seed * 7919 + 11, N, N, N, 0);
		gen(&p, 4, 10, a);
		gen(&p, 4, 100, b);
		CU_ASSERT(ones(b, NVOX) > ones(a, NVOX));

		/*
		 * From half way the blobs' growth outweighs the fading
		 * speckle whatever the seed (at the same tick the speckle
		 * of a later progress is a subset of an earlier one's).
		 */
		prev = 0;
		for (k = 0; k < sizeof(progress) / sizeof(progress[0]); k++) {
			gen(&p, 4, progress[k], a);
			c = ones(a, NVOX);
			if (c <= prev)
				fprintf(stderr, "seed %llu: %zu ones at %d, "
				    "%zu before\n", (unsigned long long)p.seed,
				    c, progress[k], prev);
			CU_ASSERT(c > prev);
			prev = c;
		}
	}
}

/*
 * The speckle fades: outside the final blobs, what is set at a later
 * progress was set at an earlier one too, about 0.5% is set at 0, and at
 * 100 nothing is left that has no set neighbour.
 */
static void
test_speckle(void)
{
	static uint8_t final[NVOX + GUARD], prev[NVOX];
	static const int progress[] = { 0, 25, 50, 75, 99 };
	struct gen_params p;
	size_t i, k, outside, noise, subset;
	uint64_t seed;

	for (seed = 0; seed < NSEEDS; seed++) {
		params(&p, seed ^ 0xdeadbeefULL, N, N, N, 0);
		gen(&p, 9, 100, final);
		CU_ASSERT_EQUAL(isolated(final), 0);
		outside = NVOX - ones(final, NVOX);
		memset(prev, 1, sizeof(prev));
		for (k = 0; k < sizeof(progress) / sizeof(progress[0]); k++) {
			gen(&p, 9, progress[k], a);
			noise = subset = 0;
			for (i = 0; i < NVOX; i++) {
				if (final[i] || !a[i])
					continue;
				noise++;
				subset += prev[i];
			}
			CU_ASSERT_EQUAL(subset, noise);
			if (progress[k] == 0) {
				CU_ASSERT(noise > outside * 3 / 1000);
				CU_ASSERT(noise < outside * 7 / 1000);
				CU_ASSERT(isolated(a) > 0);
			}
			memcpy(prev, a, NVOX);
		}
	}
}

/* At progress 100 a finite job's mask depends on the seed alone. */
static void
test_final_mask(void)
{
	struct gen_params p;
	size_t c;
	uint64_t seed;

	for (seed = 0; seed < 2 * NSEEDS; seed++) {
		params(&p, seed * 31337, N, N, N, 0);
		gen(&p, 0, 100, a);
		gen(&p, 12345, 100, b);
		CU_ASSERT_EQUAL(memcmp(a, b, NVOX), 0);
		c = ones(a, NVOX);
		CU_ASSERT(c > 0);
		CU_ASSERT(c < NVOX / 2);
	}
}

/* Before the end the speckle changes from tick to tick, the blobs not. */
static void
test_flicker(void)
{
	struct gen_params p;
	uint64_t seed;
	size_t i, both, diff;

	for (seed = 0; seed < NSEEDS; seed++) {
		params(&p, seed, N, N, N, 0);
		gen(&p, 1, 50, a);
		gen(&p, 2, 50, b);
		both = diff = 0;
		for (i = 0; i < NVOX; i++) {
			both += a[i] & b[i];
			diff += a[i] ^ b[i];
		}
		/* About 0.25% speckle each, hardly any in the same place. */
		CU_ASSERT(diff > NVOX / 1000);
		CU_ASSERT(diff < NVOX / 100);
		CU_ASSERT(both > 0);
	}
}

/*
 * Without an end the blobs pulse with the tick, not with progress: over
 * a period (4 pi ticks) the ones vary far more than the constant 0.3%
 * of speckle would make them.
 */
static void
test_continuous(void)
{
	struct gen_params p;
	uint64_t seed, tick;
	size_t c, lo, hi;

	for (seed = 0; seed < NSEEDS; seed++) {
		params(&p, seed, N, N, N, 1);
		lo = NVOX;
		hi = 0;
		for (tick = 0; tick < 13; tick++) {
			gen(&p, tick, 0, a);
			gen(&p, tick + 1, 0, b);
			CU_ASSERT_NOT_EQUAL(memcmp(a, b, NVOX), 0);
			c = ones(a, NVOX);
			CU_ASSERT(c > 0);
			CU_ASSERT(c < NVOX / 2);
			lo = c < lo ? c : lo;
			hi = c > hi ? c : hi;
			gen(&p, tick, 100, b);
			CU_ASSERT_EQUAL(memcmp(a, b, NVOX), 0);
		}
		CU_ASSERT(hi - lo > 1000);
	}
}

/* Degenerate shapes: one voxel, or one long line along each axis. */
static void
test_small_shapes(void)
{
	static const uint32_t shapes[][3] = {
		{ 1, 1, 1 }, { 1, 1, 4096 }, { 1, 4096, 1 }, { 4096, 1, 1 },
		{ 2, 1, 1 }, { 1, 2, 3 }
	};
	static const int progress[] = { 0, 50, 100 };
	struct gen_params p;
	size_t i, k, j, n;
	int cont;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (cont = 0; cont <= 1; cont++)
			for (k = 0; k < sizeof(progress) / sizeof(progress[0]);
			    k++) {
				params(&p, 42 + i, shapes[i][0], shapes[i][1],
				    shapes[i][2], cont);
				n = voxels(&p);
				gen(&p, k, progress[k], a);
				for (j = 0; j < n; j++)
					CU_ASSERT_FATAL(a[j] <= 1);
			}
}

/*
 * Several labels: every voxel is 0..labels, each label has its blob at
 * full progress, the same inputs give the same mask, and a label count
 * of 0 is taken as one.
 */
static void
test_labels(void)
{
	static const int counts[] = { 2, 3, 7, 116, 255 };
	size_t present[256], n, j, i;
	struct gen_params p;
	int l;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		params(&p, 1234 + i, N, N, N, 0);
		p.labels = counts[i];
		n = voxels(&p);
		gen(&p, 9, 100, a);
		gen(&p, 9, 100, b);
		CU_ASSERT_EQUAL(memcmp(a, b, n), 0);
		memset(present, 0, sizeof(present));
		for (j = 0; j < n; j++) {
			CU_ASSERT_FATAL(a[j] <= counts[i]);
			present[a[j]]++;
		}
		/* Small blobs of many labels may fall between voxels. */
		for (l = 1; l <= counts[i] && counts[i] <= 7; l++)
			CU_ASSERT(present[l] > 0);
		CU_ASSERT(present[0] > 0);
	}
	params(&p, 77, N, N, N, 1);
	gen(&p, 3, 0, a);
	p.labels = 0;
	gen(&p, 3, 0, b);
	CU_ASSERT_EQUAL(memcmp(a, b, voxels(&p)), 0);
}

static CU_TestInfo cases[] = {
	{ "same inputs, same mask; other seed, other mask",
	    test_deterministic },
	{ "values are 0 or 1", test_binary },
	{ "blobs grow with progress", test_growth },
	{ "speckle fades", test_speckle },
	{ "final mask: seed only, neither empty nor full", test_final_mask },
	{ "speckle changes with the tick", test_flicker },
	{ "continuous jobs pulse", test_continuous },
	{ "degenerate shapes", test_small_shapes },
	{ "labels: one blob each, values 0..labels", test_labels },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_run("gen", cases);
}
