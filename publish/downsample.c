/*
 * downsample.c: the mode of the non-zero labels of each block.  One pass
 * over the volume, block by block; a block's counts are cleared by the
 * labels it saw, not all 256.
 */
#include <string.h>

#include "downsample.h"

/* The limits of block b along an axis of len voxels. */
static void
block(uint32_t b, uint32_t scale, uint32_t len, uint32_t *lo, uint32_t *hi)
{
	*lo = b * scale;
	*hi = *lo + scale < len ? *lo + scale : len;
}

/* The most frequent label of the block at (bz, by, bx), 0 if none. */
static uint8_t
mode_of(const uint8_t *vol, const uint32_t vshape[3], uint32_t scale,
    const uint32_t b[3], uint32_t counts[256])
{
	uint32_t lo[3], hi[3], z, y, x, best = 0;
	uint8_t seen[256], label, winner = 0;
	size_t nseen = 0, i, row;
	int a;

	for (a = 0; a < 3; a++)
		block(b[a], scale, vshape[a], &lo[a], &hi[a]);
	for (z = lo[0]; z < hi[0]; z++)
		for (y = lo[1]; y < hi[1]; y++) {
			row = ((size_t)z * vshape[1] + y) * vshape[2];
			for (x = lo[2]; x < hi[2]; x++) {
				if ((label = vol[row + x]) == 0)
					continue;
				if (counts[label]++ == 0)
					seen[nseen++] = label;
			}
		}
	for (i = 0; i < nseen; i++) {
		label = seen[i];
		if (counts[label] > best ||
		    (counts[label] == best && label < winner)) {
			best = counts[label];
			winner = label;
		}
		counts[label] = 0;
	}
	return winner;
}

void
downsample_mode(const uint8_t *vol, const uint32_t vshape[3],
    uint32_t scale, uint8_t *out)
{
	uint32_t counts[256], p[3], b[3];
	size_t idx = 0;
	int a;

	memset(counts, 0, sizeof(counts));
	for (a = 0; a < 3; a++)
		p[a] = (vshape[a] + scale - 1) / scale;
	for (b[0] = 0; b[0] < p[0]; b[0]++)
		for (b[1] = 0; b[1] < p[1]; b[1]++)
			for (b[2] = 0; b[2] < p[2]; b[2]++)
				out[idx++] = mode_of(vol, vshape, scale, b,
				    counts);
}
