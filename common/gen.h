/*
 * gen.h: the fake preview generator.  It is honest about being fake: the
 * masks are blobs that grow with progress plus seeded speckle, computed
 * from (seed, tick) alone so a test can recompute any preview exactly.
 */
#ifndef MS_GEN_H
#define MS_GEN_H

#include <stdint.h>

struct gen_params {
	uint64_t	seed;
	uint32_t	shape[3];	/* the preview's [z, y, x] */
	int		continuous;	/* job without end: blobs pulse */
};

/*
 * Fills out (shape[0] * shape[1] * shape[2] bytes, z slowest) with the
 * mask of tick number tick at progress 0..100: values 0 or 1.
 */
void	gen_mask(const struct gen_params *p, uint64_t tick, int progress,
	    uint8_t *out);

#endif
