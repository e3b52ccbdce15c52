/*
 * gen.h: the fake preview generator.  It is honest about being fake: the
 * masks are blobs that grow with progress plus seeded speckle, computed
 * from (seed, tick) alone so a test can recompute any preview exactly.
 * With several labels, each blob is one label's.
 */
#ifndef MS_GEN_H
#define MS_GEN_H

#include <stdint.h>

struct gen_params {
	uint64_t	seed;
	uint32_t	shape[3];	/* the preview's [z, y, x] */
	int		continuous;	/* job without end: blobs pulse */
	int		labels;		/* 1..255; 0 is taken as 1 */
};

/*
 * Fills out (shape[0] * shape[1] * shape[2] bytes, z slowest) with the
 * mask of tick number tick at progress 0..100: values 0 (background) to
 * labels.  With one label, a few blobs of 1; with more, one blob per
 * label, each of its own value, smaller the more there are.
 */
void	gen_mask(const struct gen_params *p, uint64_t tick, int progress,
	    uint8_t *out);

#endif
