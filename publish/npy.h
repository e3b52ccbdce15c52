/*
 * npy.h: NumPy's .npy files (format versions 1, 2 and 3), as inference
 * code writes them with numpy.save: the header that says the array's
 * type, order and shape, checked for what a mask can be: a C-ordered
 * 3-D array of uint8 or bool.  Pure functions on bytes in memory.
 */
#ifndef MS_NPY_H
#define MS_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_HEADER_MAX	65536	/* numpy writes a few hundred bytes */

struct npy {
	uint32_t	shape[3];	/* [z, y, x] */
	int		is_bool;	/* dtype bool: every byte 0 or 1 */
	size_t		data_off;	/* the voxels start here in the file */
	size_t		data_len;	/* z*y*x bytes */
};

/*
 * Reads the header of a .npy file of len bytes at buf and checks that
 * the voxels after it are exactly as many as its shape says (and, for
 * bool, all 0 or 1).  0, or -1 with *errstr saying what is wrong and
 * what numpy call makes a good file.
 */
int	npy_parse(const uint8_t *buf, size_t len, struct npy *n,
	    const char **errstr);

/* 1 when buf starts with the .npy magic string. */
int	npy_is_npy(const uint8_t *buf, size_t len);

#endif
