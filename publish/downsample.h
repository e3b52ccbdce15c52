/*
 * downsample.h: a volume's mask made into a preview at the job's scale,
 * as a producer that has the full-resolution mask sends it.
 */
#ifndef MS_DOWNSAMPLE_H
#define MS_DOWNSAMPLE_H

#include <stdint.h>

/*
 * Fills out, ceil(vshape / scale) voxels per axis, from vol (vshape,
 * z slowest): each preview voxel takes the most frequent non-zero label
 * of its block of scale^3 volume voxels (smaller at the far edges), 0
 * when the block has none, so that thin structures do not vanish; a tie
 * goes to the lower label.
 */
void	downsample_mode(const uint8_t *vol, const uint32_t vshape[3],
	    uint32_t scale, uint8_t *out);

#endif
