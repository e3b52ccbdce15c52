/*
 * hist.c: log-linear histograms of non-negative microsecond values:
 * exact below 256, then 128 buckets per power of two (under 1% error),
 * up to 2^40 us, so per-process histograms are small to send and merge.
 */
#include <math.h>

#include "loadgen.h"

#define EXACT		256
#define SUB_BITS	7
#define SUB		(1 << SUB_BITS)

size_t
hist_index(int64_t v)
{
	int msb, shift;
	size_t i;

	if (v < 0)
		v = 0;
	if (v < EXACT)
		return (size_t)v;
	msb = 63 - __builtin_clzll((unsigned long long)v);
	shift = msb - SUB_BITS;
	i = EXACT + (size_t)(shift - 1) * SUB +
	    (size_t)((v >> shift) - SUB);
	return i < HIST_BUCKETS ? i : HIST_BUCKETS - 1;
}

/* The middle of bucket i's range. */
int64_t
hist_value(size_t i)
{
	size_t k;
	int shift;

	if (i < EXACT)
		return (int64_t)i;
	k = i - EXACT;
	shift = (int)(k / SUB) + 1;
	return ((int64_t)(SUB + k % SUB) << shift) + ((int64_t)1 << shift) / 2;
}

void
hist_add(struct hist *h, int64_t v)
{
	if (v < 0)
		v = 0;
	h->count[hist_index(v)]++;
	h->n++;
	if (v > h->max)
		h->max = v;
}

void
hist_merge(struct hist *to, const struct hist *from)
{
	size_t i;

	for (i = 0; i < HIST_BUCKETS; i++)
		to->count[i] += from->count[i];
	to->n += from->n;
	if (from->max > to->max)
		to->max = from->max;
}

/* The value below which a fraction q of the samples lie; -1 if empty. */
int64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	int64_t v;
	size_t i;

	if (h->n == 0)
		return -1;
	rank = (uint64_t)ceil(q * (double)h->n);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank) {
			v = hist_value(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}
