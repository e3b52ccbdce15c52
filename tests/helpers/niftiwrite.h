/*
 * niftiwrite.h: NIfTI test volumes written with Debian's NIfTI library
 * (niftiwrite.c), for the loader's unit test and the viewer's tests.
 */
#ifndef MS_NIFTIWRITE_H
#define MS_NIFTIWRITE_H

#include <stdint.h>

struct niftiw {
	int64_t		 dim[8];	/* dim[0] = ndim, then i, j, k, t ... */
	int		 datatype;	/* DT_* */
	double		 pixdim[4];	/* [1..3]: i, j, k */
	double		 slope, inter;
	int		 version;	/* 1 or 2 */
};

/* The stored value of voxel (i, j, k) in the tests' known pattern. */
double	niftiw_pattern(int datatype, int64_t i, int64_t j, int64_t k);

/* Writes path (.nii or .nii.gz) with the pattern; 0 or -1. */
int	niftiw_write(const char *path, const struct niftiw *w);

#endif
